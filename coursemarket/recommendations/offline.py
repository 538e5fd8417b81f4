"""The offline side of the recommender, shared by `recommend_eval`,
`recommend_predict`, `bench/reco.py` and the tests: read an interactions file,
run the models, write predictions. No Django."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from . import engine


def production_model() -> engine.Model:
    """The tuned model (tuned on a validation split carved from the training
    part: each line's second-to-last course; see docs/architecture.md)."""
    return engine.SequenceHybrid(window=engine.TUNED_WINDOW, **engine.TUNED)


def eval_models(which: Sequence[str] = ("popularity", "item-knn", "als", "model")) -> list[engine.Model]:
    makers: dict[str, Callable[[], engine.Model]] = {
        "popularity": engine.Popularity,
        "item-knn": engine.ItemKNN,
        "als": engine.ALSModel,
        "model": production_model,
    }
    return [makers[name]() for name in which]


def run_eval(lines: Iterable[str], models: Sequence[engine.Model]) -> tuple[int, list[engine.Report]]:
    engine.set_threads(1)
    users, seqs = engine.parse_lines(lines)
    data, held = engine.split_for_eval(users, seqs)
    return data.n_users, [engine.evaluate(model, data, held) for model in models]


@dataclass
class Served:
    train_seconds: float
    p50_ms: float
    p95_ms: float
    users: int
    cpu_p95_ms: float = 0.0
    train_cpu_seconds: float = (
        0.0  # the same, in this thread's CPU time (what a loaded machine's wall clock adds is waiting)
    )


def predict(lines: Iterable[str], out: TextIO, k: int = 10) -> Served:
    """Train on every line, write `user_id` + k course ids per user (never one
    already in the line), and time serving one student at a time."""
    engine.set_threads(1)
    users, seqs = engine.parse_lines(lines)
    data = engine.build_dataset(users, seqs)
    model = production_model()
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(data)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    recs = engine.top_k(model, data.sequences, k)
    items = np.array(data.item_ids, dtype=object)
    for user, row in zip(data.user_ids, recs, strict=True):
        out.write(user + " " + " ".join(items[row]) + "\n")
    # Serving: one student's top k, as a request does it (score, mask, rank).
    sample = data.sequences[:: max(1, len(data.sequences) // 500)][:500]
    timings, cpu = [], []
    for history in sample:
        t, c = time.perf_counter(), time.thread_time()
        engine.top_k(model, [history], k)
        timings.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    p50, p95 = np.percentile(timings, [50, 95]) if timings else (0.0, 0.0)
    cpu95 = float(np.percentile(cpu, 95)) if cpu else 0.0
    return Served(seconds, float(p50), float(p95), len(data.user_ids), cpu95, cpu_seconds)
