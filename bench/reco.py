"""`make bench-reco`: the recommenders on the full MOOCCubeX file.

Runs, each in a fresh process with one BLAS thread (deterministic, and so
peak memory is per model): the offline evaluation (last course of each line
held out) for popularity, item-kNN, ALS and the production model, then the
production model trained on every line with one student's top 10 timed.
Exits 1 when a target misses: NDCG@10 >= 5x popularity and above item-kNN,
training < 60 s and < 2 GB, serving p95 < 10 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
DATA = ROOT.parent / "shared" / "data" / "mooccubex" / "train.txt"
ROW = re.compile(r"^(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)$")


def _manage(*args: str) -> str:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", default=str(DATA))
    options = parser.parse_args()
    path = Path(options.interactions)
    if not path.is_file():
        print(f"SKIPPED: no interactions file at {path} (see ../shared/data/README.md)")
        return 0
    rows = {}
    for name in ("popularity", "item-knn", "als", "model"):
        out = _manage("recommend_eval", "--interactions", str(path), "--models", name)
        for line in out.splitlines():
            m = ROW.match(line)
            if m:
                rows[name] = [float(v) for v in m.groups()[1:]]
                print(line if len(rows) > 1 else out.splitlines()[0] + "\n" + out.splitlines()[1] + "\n" + line)
    with tempfile.TemporaryDirectory() as tmp:
        served = _manage("recommend_predict", "--interactions", str(path), "--out", str(Path(tmp) / "top10.txt"))
    print(served.strip())
    p95 = float(re.search(r"p95 ([\d.]+) ms", served).group(1))  # type: ignore[union-attr]
    pop, knn, model = rows["popularity"], rows["item-knn"], rows["model"]
    checks = {
        f"NDCG@10 {model[1]:.4f} >= 5 x popularity ({5 * pop[1]:.4f})": model[1] >= 5 * pop[1],
        f"NDCG@10 {model[1]:.4f} > item-kNN ({knn[1]:.4f})": model[1] > knn[1],
        f"training {model[3]:.1f} s < 60 s": model[3] < 60,
        f"peak memory {model[4]:.0f} MB < 2048 MB": model[4] < 2048,
        f"serving p95 {p95:.2f} ms < 10 ms": p95 < 10,
    }
    for text, ok in checks.items():
        print(("ok    " if ok else "MISS  ") + text)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
