"""The nightly retrain: every student's history from the signal sources, the
production model (engine.SequenceHybrid) fitted on it, and its matrices kept
to each course's top neighbours, stored as a `ModelSnapshot`.

Serving (`serving.py`) never retrains: a request reads the student's history
live and re-scores it against the latest snapshot, so a booking changes the
next page's recommendations."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from django.core.cache import cache

from . import engine
from .models import ModelSnapshot
from .signals import histories, signal_sources

NEIGHBOURS = 50  # per course, for each matrix
SNAPSHOT_KEY = "reco:snapshot"
KEEP = 3  # snapshots kept (the newest serve; older ones are for a look back)


def _top_rows(m: np.ndarray, k: int) -> sp.csr_matrix:
    """Keep each row's k largest positive entries."""
    m = np.where(m > 0, m, 0).astype(np.float32)
    engine.keep_top(m, k)
    return sp.csr_matrix(m)


@dataclass
class Trained:
    course_ids: np.ndarray
    next: sp.csr_matrix
    ease: sp.csr_matrix
    co: sp.csr_matrix  # how many students have both courses (the true "also booked")
    popularity: np.ndarray


def fit(course_histories: list[list[int]]) -> Trained:
    if not any(course_histories):
        empty = sp.csr_matrix((0, 0), dtype=np.float32)
        return Trained(np.empty(0, np.int64), empty, empty, empty, np.empty(0, np.float32))
    users = [str(n) for n in range(len(course_histories))]
    data = engine.build_dataset(users, [[str(c) for c in h] for h in course_histories])
    interactions = sum(len(s) for s in data.sequences)
    # EASE's regulariser was tuned at 500 for 1.08 M enrolments; it scales with the data.
    lam = float(max(5.0, 500.0 * interactions / 1_000_000))
    model = engine.SequenceHybrid(window=engine.TUNED_WINDOW, **{**engine.TUNED, "lam": lam}).fit(data)
    m = data.matrix()
    co = np.asarray((m.T @ m).toarray(), dtype=np.float32)
    np.fill_diagonal(co, 0.0)
    return Trained(
        course_ids=np.array([int(c) for c in data.item_ids], dtype=np.int64),
        next=_top_rows(model.next, NEIGHBOURS),
        ease=_top_rows(model.ease, NEIGHBOURS),
        co=_top_rows(co, NEIGHBOURS),
        popularity=model.popularity.astype(np.float32),
    )


def dumps(trained: Trained) -> bytes:
    parts: dict[str, np.ndarray] = {"course_ids": trained.course_ids, "popularity": trained.popularity}
    for name in ("next", "ease", "co"):
        m: sp.csr_matrix = getattr(trained, name)
        parts[f"{name}_data"], parts[f"{name}_indices"], parts[f"{name}_indptr"] = m.data, m.indices, m.indptr
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **parts)  # type: ignore[arg-type]
    return buffer.getvalue()


def loads(payload: bytes) -> Trained:
    with np.load(io.BytesIO(payload)) as z:
        n = len(z["course_ids"])
        mats = {
            name: sp.csr_matrix((z[f"{name}_data"], z[f"{name}_indices"], z[f"{name}_indptr"]), shape=(n, n))
            for name in ("next", "ease", "co")
        }
        return Trained(course_ids=z["course_ids"], popularity=z["popularity"], **mats)


def train() -> ModelSnapshot:
    """Fit on every student's history and store the snapshot (the nightly job)."""
    engine.set_threads(1)
    started = time.perf_counter()
    by_user = histories(signal_sources.collect(None))
    course_histories = [[c for c, _kind in h] for h in by_user.values() if h]
    trained = fit(course_histories)
    snapshot = ModelSnapshot.objects.create(
        students=len(course_histories),
        interactions=sum(len(h) for h in course_histories),
        seconds=time.perf_counter() - started,
        payload=dumps(trained),
    )
    stale = ModelSnapshot.objects.order_by("-created_at", "-id").values_list("id", flat=True)[KEEP:]
    ModelSnapshot.objects.filter(id__in=list(stale)).delete()
    cache.delete(SNAPSHOT_KEY)
    return snapshot
