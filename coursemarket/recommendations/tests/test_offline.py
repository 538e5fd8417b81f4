"""The offline recommenders: the evaluation protocol on hand-made lines, and
the production model against popularity and item-kNN on a sample of the real
MOOCCubeX file (the full file is `make bench-reco`)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from coursemarket.recommendations import engine, offline

DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "mooccubex" / "train.txt"
SAMPLE = 8000  # lines: a few seconds, and enough for the models to separate


def _sample() -> list[str]:
    if not DATA.exists():
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"{DATA} is missing (CI must have ../shared/data)")
        pytest.skip(f"MOOCCubeX interactions not found at {DATA}")
    with DATA.open(encoding="utf-8") as f:
        return [line for _, line in zip(range(SAMPLE), f, strict=False)]


def test_hold_out_takes_each_lines_last_course_and_keeps_order():
    users, seqs = engine.parse_lines(["u1 a b c\n", "u2 b b d\n", "\n", "u3 e\n"])
    assert users == ["u1", "u2", "u3"]
    assert seqs == [["a", "b", "c"], ["b", "d"], ["e"]]  # a repeat keeps its first place
    data, held = engine.split_for_eval(users, seqs)
    assert [data.item_ids[i] for i in data.sequences[0]] == ["a", "b"]
    assert held[0] == -1  # "c" never occurs in training: a miss, not a crash
    assert held[1] == data.item_index["d"] if "d" in data.item_index else held[1] == -1
    assert held[2] is None  # one course: nothing to hold out


def test_top_k_never_returns_a_course_in_the_history_and_is_deterministic():
    users, seqs = engine.parse_lines(
        f"u{n} {' '.join(str((n * 7 + j * 3) % 40) for j in range(6))}" for n in range(200)
    )
    data = engine.build_dataset(users, seqs)
    model = offline.production_model().fit(data)
    first = engine.top_k(model, data.sequences, 10)
    again = engine.top_k(offline.production_model().fit(data), data.sequences, 10)
    assert np.array_equal(first, again)
    for history, row in zip(data.sequences, first, strict=True):
        assert not set(row) & set(history)
        assert len(set(row)) == 10


def test_hit_rate_and_ndcg_are_computed_from_the_rank_of_the_held_out_course():
    class Fixed(engine.Model):
        name = "fixed"

        def fit(self, data):
            self.n = data.n_items
            return self

        def score(self, histories):
            return np.tile(-np.arange(self.n, dtype=np.float32), (len(histories), 1))  # item 0 first

    users, seqs = engine.parse_lines(["u1 x 0\n", "u2 0 1\n", "u3 2 0\n", "u4 0 x\n"])
    data = engine.build_dataset(users, [s[:-1] for s in seqs], item_ids=["0", "1", "2", "x"])
    held = [data.item_index[s[-1]] for s in seqs]
    report = engine.evaluate(Fixed(), data, held, k=2)
    # u1 holds out "0" (rank 1), u2 "1" (0 is in its history: 1 ranks first),
    # u3 "0" (rank 1), u4 "x" (after 1, 2: outside the top 2).
    assert report.recall == pytest.approx(3 / 4)
    assert report.ndcg == pytest.approx(3 / 4)


def test_the_model_beats_popularity_and_item_knn_on_a_sample_of_real_data():
    lines = _sample()
    students, reports = offline.run_eval(lines, offline.eval_models(["popularity", "item-knn", "model"]))
    by_name = {r.name: r for r in reports}
    assert students == SAMPLE
    pop, knn, model = by_name["popularity"], by_name["item-knn"], by_name[offline.production_model().name]
    assert model.ndcg > 3 * pop.ndcg
    assert model.ndcg > knn.ndcg
    assert model.recall > pop.recall
    assert model.coverage > pop.coverage


def test_recommend_predict_writes_ten_unseen_courses_per_student(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("".join(f"s{n} {' '.join(str((n + j * 5) % 30) for j in range(5))}\n" for n in range(60)))
    out = tmp_path / "out.txt"
    call_command("recommend_predict", interactions=str(src), out=str(out), stdout=io.StringIO())
    lines = out.read_text().splitlines()
    assert len(lines) == 60
    given = {line.split()[0]: set(line.split()[1:]) for line in src.read_text().splitlines()}
    for line in lines:
        user, *courses = line.split()
        assert len(courses) == 10 == len(set(courses))
        assert not set(courses) & given[user]


def test_recommend_eval_reports_every_model_and_refuses_bad_input(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("".join(f"s{n} {' '.join(str((n + j * 5) % 30) for j in range(5))}\n" for n in range(60)))
    out = io.StringIO()
    call_command("recommend_eval", interactions=str(src), models="popularity,item-knn,model", stdout=out)
    text = out.getvalue()
    assert "popularity" in text and "item-knn" in text and "sequence-hybrid" in text and "NDCG@10" in text
    with pytest.raises(CommandError):
        call_command("recommend_eval", interactions=str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError):
        call_command("recommend_eval", interactions=str(src), models="magic")
