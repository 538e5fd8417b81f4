"""Tasks the worker tests enqueue (importable by a worker process)."""

import time
from pathlib import Path

from django.tasks import task


@task
def touch_file(path: str, pause: float = 0.0) -> str:
    """Appends a line when it starts and another when it ends."""
    target = Path(path)
    with target.open("a") as handle:
        handle.write("start\n")
    time.sleep(pause)
    with target.open("a") as handle:
        handle.write("done\n")
    return "ok"
