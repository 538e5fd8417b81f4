"""The recommender's model code: pure numpy/scipy, no Django.

Interactions are sequences: one student, the courses they enrolled in, in time
order. Every model here is fitted on a ``Dataset`` (a CSR user x item matrix
plus the order of each line) and answers ``score(history)`` for a batch of
students. ``evaluate`` holds out one item per student and reports Recall@10,
NDCG@10, catalogue coverage, training time and peak memory.

Models:

* ``Popularity`` - the most enrolled courses.
* ``ItemKNN`` - cosine item-item similarity over the binary user x item matrix.
* ``ALSModel`` - ``implicit``'s alternating least squares (BM25-weighted).
* ``SequenceHybrid`` - the production model: a blend of EASE item-item
  weights and a "what came next" transition matrix, applied to the student's
  history with weights that decay from the most recent course backwards (the
  line is in time order, so the last courses predict the next one best).
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

DEFAULT_SEED = 20261207
MEMORY = 64  # courses of a history the sequence model reads (the most recent)


@dataclass
class Dataset:
    """Sequences indexed 0..n_items-1 with the mapping back to raw ids."""

    user_ids: list[str]
    item_ids: list[str]
    sequences: list[np.ndarray]
    item_index: dict[str, int] = field(default_factory=dict)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def matrix(self) -> sp.csr_matrix:
        """Binary user x item CSR matrix (a repeated enrolment counts once)."""
        rows = np.repeat(np.arange(self.n_users), [len(s) for s in self.sequences])
        cols = np.concatenate(self.sequences) if self.sequences else np.empty(0, dtype=np.int32)
        m = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(self.n_users, self.n_items))
        m.data[:] = 1.0
        return m


def parse_lines(lines: Iterable[str]) -> tuple[list[str], list[list[str]]]:
    """``user_id course_id course_id ...`` per line -> (users, sequences).
    Blank lines are skipped; a course repeated in a line keeps its first place."""
    users: list[str] = []
    seqs: list[list[str]] = []
    for line in lines:
        parts = line.split()
        if not parts:
            continue
        seen: dict[str, None] = {}
        for c in parts[1:]:
            seen.setdefault(c, None)
        users.append(parts[0])
        seqs.append(list(seen))
    return users, seqs


def build_dataset(users: list[str], seqs: list[list[str]], item_ids: Sequence[str] | None = None) -> Dataset:
    if item_ids is None:
        order: dict[str, None] = {}
        for s in seqs:
            for c in s:
                order.setdefault(c, None)
        item_ids = sorted(order, key=lambda x: (len(x), x))
    index = {c: i for i, c in enumerate(item_ids)}
    sequences = [np.fromiter((index[c] for c in s if c in index), dtype=np.int32) for s in seqs]
    return Dataset(user_ids=list(users), item_ids=list(item_ids), sequences=sequences, item_index=index)


def hold_out_last(seqs: list[list[str]]) -> tuple[list[list[str]], list[str | None]]:
    """Split each line into (all but its last course, its last course).
    A line of one course keeps it for training and has nothing held out."""
    train: list[list[str]] = []
    held: list[str | None] = []
    for s in seqs:
        if len(s) >= 2:
            train.append(s[:-1])
            held.append(s[-1])
        else:
            train.append(list(s))
            held.append(None)
    return train, held


def set_threads(n: int = 1) -> None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(n))
    with contextlib.suppress(ImportError):  # threadpoolctl comes with scipy's stack; env vars cover a fresh process
        from threadpoolctl import threadpool_limits

        threadpool_limits(n)


# --------------------------------------------------------------------------- models


class Model:
    name = "model"

    def fit(self, data: Dataset) -> Model:
        raise NotImplementedError

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        """Scores (len(histories) x n_items, float32) for the students whose
        histories are given; higher is better. Seen items are masked later."""
        raise NotImplementedError


class Popularity(Model):
    name = "popularity"

    def fit(self, data: Dataset) -> Popularity:
        counts = np.zeros(data.n_items, dtype=np.float64)
        for s in data.sequences:
            counts[s] += 1
        self.counts = counts.astype(np.float32)
        return self

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        return np.tile(self.counts, (len(histories), 1))


def _history_matrix(histories: Sequence[np.ndarray], n_items: int, weights: np.ndarray | None = None) -> sp.csr_matrix:
    """Rows of a sparse matrix, one per history. With ``weights`` (indexed by
    distance from the end: 0 = most recent), each course gets the weight of its place."""
    lens = np.array([len(h) for h in histories], dtype=np.int64)
    rows = np.repeat(np.arange(len(histories)), lens)
    cols = np.concatenate(histories) if len(histories) else np.empty(0, dtype=np.int32)
    if weights is None:
        vals = np.ones(len(cols), dtype=np.float32)
    else:
        dist = np.concatenate([np.arange(n - 1, -1, -1) for n in lens]) if len(lens) else np.empty(0, dtype=np.int64)
        vals = weights[np.minimum(dist, len(weights) - 1)].astype(np.float32)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(histories), n_items))


def cosine_similarity(m: sp.csr_matrix, shrink: float = 0.0, alpha: float = 0.5) -> np.ndarray:
    """Dense item x item similarity: co-counts / (|i|^alpha |j|^(1-alpha) + shrink).
    alpha 0.5 is cosine; zero diagonal."""
    mc = m.tocsc().astype(np.float32)
    co = (mc.T @ mc).toarray().astype(np.float32)
    n = np.asarray(mc.sum(axis=0)).ravel().astype(np.float32)
    denom = np.power(n, alpha)[:, None] * np.power(n, 1.0 - alpha)[None, :] + shrink
    denom[denom == 0] = 1.0
    sim = co / denom
    np.fill_diagonal(sim, 0.0)
    return sim


class ItemKNN(Model):
    """Cosine item-kNN over the binary matrix (the classic baseline)."""

    name = "item-knn"

    def __init__(self, neighbours: int = 0) -> None:
        self.neighbours = neighbours

    def fit(self, data: Dataset) -> ItemKNN:
        self.n_items = data.n_items
        self.sim = cosine_similarity(data.matrix())
        if self.neighbours:
            keep_top(self.sim, self.neighbours)
        return self

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        h = _history_matrix(histories, self.n_items)
        return np.asarray(h @ self.sim, dtype=np.float32)


def keep_top(sim: np.ndarray, k: int) -> None:
    """Keep the k largest entries of each row, zero the rest (in place)."""
    if k >= sim.shape[1]:
        return
    idx = np.argpartition(-sim, k, axis=1)[:, k:]
    np.put_along_axis(sim, idx, 0.0, axis=1)


def transition_matrix(data: Dataset, window: int = 3, decay: float = 0.5) -> np.ndarray:
    """T[i, j] = weighted count of j following i within ``window`` places of the
    same line (weight decay**(gap-1)), row-normalised to a distribution."""
    n = data.n_items
    t = np.zeros((n, n), dtype=np.float32)
    for gap in range(1, window + 1):
        w = decay ** (gap - 1)
        src = np.concatenate([s[:-gap] for s in data.sequences if len(s) > gap] or [np.empty(0, np.int32)])
        dst = np.concatenate([s[gap:] for s in data.sequences if len(s) > gap] or [np.empty(0, np.int32)])
        np.add.at(t, (src, dst), w)
    np.fill_diagonal(t, 0.0)
    rows = t.sum(axis=1, keepdims=True)
    rows[rows == 0] = 1.0
    return t / rows


class ALSModel(Model):
    """``implicit``'s ALS on the BM25-weighted user x item matrix."""

    name = "als"

    def __init__(
        self,
        factors: int = 128,
        regularization: float = 0.05,
        iterations: int = 15,
        bm25: bool = True,
        seed: int = DEFAULT_SEED,
    ) -> None:
        self.factors, self.regularization, self.iterations, self.bm25, self.seed = (
            factors,
            regularization,
            iterations,
            bm25,
            seed,
        )

    def fit(self, data: Dataset) -> ALSModel:
        from implicit.cpu.als import AlternatingLeastSquares
        from implicit.nearest_neighbours import bm25_weight

        m = data.matrix()
        if self.bm25:
            m = bm25_weight(m, K1=100, B=0.8).tocsr().astype(np.float32)
        self.als = AlternatingLeastSquares(
            factors=self.factors,
            regularization=self.regularization,
            iterations=self.iterations,
            random_state=self.seed,
            calculate_training_loss=False,
        )
        self.als.fit(m, show_progress=False)
        self.item_factors = np.asarray(self.als.item_factors, dtype=np.float32)
        # For new histories, fold in: u = (Y^T Y + reg I)^-1 Y^T h  (the
        # "recalculate_user" of implicit without confidence weights; fast and stable).
        y = self.item_factors
        self._solve = np.linalg.inv(y.T @ y + self.regularization * np.eye(y.shape[1], dtype=np.float32)).astype(
            np.float32
        )
        self.n_items = data.n_items
        return self

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        h = _history_matrix(histories, self.n_items)
        users = np.asarray(h @ self.item_factors) @ self._solve
        return (users @ self.item_factors.T).astype(np.float32)


def ease_weights(m: sp.csr_matrix, lam: float) -> np.ndarray:
    """EASE (Steck 2019): the item x item linear model with a zero diagonal,
    closed form B = -P / diag(P), P = (X^T X + lam I)^-1."""
    g = (m.T @ m).toarray().astype(np.float64)
    g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g)
    b = -p / np.diag(p)[None, :]
    np.fill_diagonal(b, 0.0)
    return b.astype(np.float32)


def _per_row_max(s: np.ndarray) -> np.ndarray:
    top = s.max(axis=1, keepdims=True)
    top[top <= 0] = 1.0
    return s / top


class SequenceHybrid(Model):
    """The production model: what came next after the student's recent
    courses (a transition matrix over ``window`` places of each line) blended
    with EASE item-item weights, both applied to the history weighted by
    recency (``recency ** distance from the last course``) and each scaled to
    the student's best score before blending: ``beta * next + (1 - beta) * ease``.
    ``knn`` > 0 adds cosine item-kNN as a third part (kept for measurement)."""

    name = "sequence-hybrid"

    def __init__(
        self,
        beta: float = 0.5,
        recency: float = 0.6,
        window: int = 5,
        t_decay: float = 0.5,
        lam: float = 500.0,
        knn: float = 0.0,
    ) -> None:
        self.beta, self.recency, self.window, self.t_decay, self.lam, self.knn = (
            beta,
            recency,
            window,
            t_decay,
            lam,
            knn,
        )

    def fit(self, data: Dataset) -> SequenceHybrid:
        self.n_items = data.n_items
        m = data.matrix()
        self.next = transition_matrix(data, self.window, self.t_decay)
        self.ease = ease_weights(m, self.lam) if self.beta < 1 else np.zeros((1, 1), np.float32)
        if self.knn:
            sim = cosine_similarity(m, shrink=10.0)
            sim /= np.maximum(sim.sum(axis=1, keepdims=True), 1e-9)
            self.cosine = sim
        self.weights = np.power(self.recency, np.arange(MEMORY, dtype=np.float64)).astype(np.float32)
        counts = np.zeros(data.n_items, dtype=np.float32)
        for s in data.sequences:
            counts[s] += 1
        self.popularity = counts  # ties and empty histories fall back on it
        return self

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        # Only the last MEMORY courses count: recency**MEMORY is below float32's
        # resolution, and a 2,000-course line would otherwise cost 30x more to serve.
        h = _history_matrix([x[-MEMORY:] for x in histories], self.n_items, self.weights)
        s = self.beta * _per_row_max(np.asarray(h @ self.next, dtype=np.float32))
        if self.beta < 1:
            s += (1.0 - self.beta - self.knn) * _per_row_max(np.asarray(h @ self.ease, dtype=np.float32))
        if self.knn:
            s += self.knn * _per_row_max(np.asarray(h @ self.cosine, dtype=np.float32))
        # A tiny popularity term orders what the history says nothing about.
        s += 1e-6 * self.popularity[None, :] / max(float(self.popularity.max()), 1.0)
        return s


# --------------------------------------------------------------------------- ranking and evaluation


def top_k(model: Model, histories: Sequence[np.ndarray], k: int = 10, batch: int = 4096) -> np.ndarray:
    """Top-k item indices per history, never an item in that history; ties by index."""
    out = np.empty((len(histories), k), dtype=np.int32)
    for start in range(0, len(histories), batch):
        chunk = histories[start : start + batch]
        s = model.score(chunk)
        for r, h in enumerate(chunk):
            s[r, h] = -np.inf
        part = np.argpartition(-s, k, axis=1)[:, :k]
        vals = np.take_along_axis(s, part, axis=1)
        order = np.lexsort((part, -vals), axis=1)
        out[start : start + len(chunk)] = np.take_along_axis(part, order, axis=1)
    return out


@dataclass
class Report:
    name: str
    recall: float
    ndcg: float
    coverage: float
    train_seconds: float
    peak_mb: float
    users: int


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def evaluate(model: Model, train: Dataset, held: Sequence[int | None], k: int = 10) -> Report:
    set_threads(1)
    t0 = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - t0
    peak = peak_rss_mb()
    users = [u for u, h in enumerate(held) if h is not None]
    recs = top_k(model, [train.sequences[u] for u in users], k)
    target = np.array([held[u] for u in users])
    hits = recs == target[:, None]
    ranks = np.argmax(hits, axis=1)
    found = hits.any(axis=1)
    ndcg = float(np.sum(1.0 / np.log2(ranks[found] + 2.0)) / len(users)) if users else 0.0
    recall = float(found.mean()) if users else 0.0
    coverage = len(np.unique(recs)) / train.n_items if train.n_items else 0.0
    return Report(model.name, recall, ndcg, coverage, seconds, peak, len(users))


def split_for_eval(users: list[str], seqs: list[list[str]]) -> tuple[Dataset, list[int | None]]:
    """Hold out each line's last course; index the held-out course in the
    training vocabulary (a course seen only as a held-out item counts as a miss)."""
    train_seqs, held_raw = hold_out_last(seqs)
    data = build_dataset(users, train_seqs)
    held = [None if c is None else data.item_index.get(c, -1) for c in held_raw]
    return data, held


# Chosen on the validation split (each line's second-to-last course, the
# last one removed first); see docs/architecture.md "Recommendations".
TUNED: dict[str, float] = {"beta": 0.5, "recency": 0.6, "t_decay": 0.5, "lam": 500.0}
TUNED_WINDOW = 5
