"""Task-engine benchmark: N small tasks through Django's `django.tasks` API,
run by 2 worker processes, on each engine that can run here.

Engines:
- db: django-tasks-db on PostgreSQL (rows claimed with SELECT ... FOR UPDATE
  SKIP LOCKED; the worker is our `manage.py worker`, housekeeping included);
- rq: RQ through django-tasks-rq (Redis), worker `manage.py rqworker
  --job-class django_tasks_rq.Job`; needs django-tasks-rq, django-tasks (the
  backport it is built on), django-rq, rq and rq-scheduler importable, e.g.
  `pip install --target /tmp/rq-site --no-deps django-tasks-rq==0.12.0 django-tasks==0.12.0
  django-rq rq rq-scheduler croniter crontab freezegun django-stubs-ext` and
  `BENCH_EXTRA_PYTHONPATH=/tmp/rq-site`; skipped (and said) when it cannot;
- redis: django-tasks-redis 0.4 (what REDIS_URL used to select), when importable.

Each task is small and the same on every engine: it increments a counter in
Redis (db 13), which is also how the run knows every task ran (and that none
ran twice: the counter must end at exactly N). Reported: enqueue rate (one
process, one task per call, as web requests do), run rate with 2 workers
(first enqueue to last completion, tasks enqueued before the workers start),
and CPU seconds of the workers, PostgreSQL and Redis per 1,000 tasks.

    python -m bench.tasks [--tasks 2000] [--workers 2] [--engines db,rq,redis]

`make bench-tasks` runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid

from bench import harness

PG_DATABASE = "coursemarket_bench_tasks"
REDIS_URL = os.environ.get("BENCH_TASK_REDIS_URL", "redis://127.0.0.1:6379/13")


# --- Child side (Django loaded) ---------------------------------------------------


def enqueue_in_child() -> None:
    import django

    django.setup()
    from bench.task_defs import bump

    count, key = int(sys.argv[2]), sys.argv[3]
    started = time.perf_counter()
    for _ in range(count):
        bump.enqueue(key)
    print(json.dumps({"seconds": time.perf_counter() - started}))


# --- Orchestration ------------------------------------------------------------------


def engine_env(engine: str) -> dict[str, str]:
    env = harness.engine_env("postgres", database=PG_DATABASE)
    env.update(DJANGO_SETTINGS_MODULE="bench.task_settings", BENCH_TASK_ENGINE=engine, BENCH_TASK_REDIS_URL=REDIS_URL)
    extra = os.environ.get("BENCH_EXTRA_PYTHONPATH")
    if extra:
        env["PYTHONPATH"] = f"{harness.ROOT}:{extra}"
    return env


def feasible(engine: str, env: dict[str, str]) -> str | None:
    """Why `engine` cannot run here, or None."""
    module = {"db": "django_tasks_db", "rq": "django_tasks_rq", "redis": "django_tasks_redis"}[engine]
    probe = subprocess.run(
        [harness.PY, "-c", f"import django; django.setup(); import {module}"],
        env=env, cwd=harness.ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if probe.returncode:
        return probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "import failed"
    return None


def worker_command(engine: str) -> list[str]:
    manage = [harness.PY, str(harness.ROOT / "manage.py")]
    if engine == "rq":
        return [
            *manage,
            "rqworker",
            "default",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.SimpleWorker",
            "--skip-checks",
        ]
    if engine == "redis":
        return [*manage, "run_redis_tasks", "--continuous", "--interval", "0.05"]
    return [*manage, "worker", "--interval", "0.05"]


def cpu_seconds(pids: list[int]) -> dict[str, float]:
    """CPU (user + system) so far of the worker processes given, and of every
    PostgreSQL and Redis process on the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals = {"workers": 0.0, "postgres": 0.0, "redis": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/comm") as f:
                comm = f.read().strip()
            used = (int(fields[11]) + int(fields[12])) / ticks
            if int(entry) in pids:
                totals["workers"] += used
            elif comm.startswith("postgres"):
                totals["postgres"] += used
            elif comm.startswith("redis-server"):
                totals["redis"] += used
    return totals


def bench_engine(engine: str, args: argparse.Namespace) -> dict[str, float] | str:
    env = engine_env(engine)
    why = feasible(engine, env)
    if why:
        return why
    harness.reset_database("postgres", database=PG_DATABASE)
    harness.manage(env, "migrate", "--noinput", "-v0", "--skip-checks")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    key = f"bench-tasks-{uuid.uuid4().hex}"
    out = subprocess.run(
        [harness.PY, "-m", "bench.tasks", "_enqueue", str(args.tasks), key],
        env=env, cwd=harness.ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    enqueue_seconds = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
    workers = [
        subprocess.Popen(
            worker_command(engine), env=env, cwd=harness.ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )
        for _ in range(args.workers)
    ]  # fmt: skip
    pids = [w.pid for w in workers]
    before = cpu_seconds(pids)
    started = time.monotonic()
    done = 0
    try:
        while time.monotonic() - started < args.timeout:
            done = int(client.get(key) or 0)
            if done >= args.tasks:
                break
            time.sleep(0.02)
        seconds = time.monotonic() - started
        after = cpu_seconds(pids)
        time.sleep(1)  # anything run twice shows up now
        final = int(client.get(key) or 0)
    finally:
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
    if done < args.tasks:
        return f"only {done} of {args.tasks} tasks ran in {args.timeout:g}s"
    per_k = 1000 / args.tasks
    return {
        "enqueue_per_s": args.tasks / enqueue_seconds,
        "run_per_s": args.tasks / seconds,
        "ran": final,
        "worker_cpu_per_k": (after["workers"] - before["workers"]) * per_k,
        "postgres_cpu_per_k": (after["postgres"] - before["postgres"]) * per_k,
        "redis_cpu_per_k": (after["redis"] - before["redis"]) * per_k,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engines", default="db,rq,redis")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    if not harness.postgres_available():
        print(f"PostgreSQL is needed: no server at {harness.PG_SERVER}")
        return 1
    print(f"task bench: {args.tasks} tasks, {args.workers} workers, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'engine':<7} {'enqueue/s':>10} {'run/s':>8} {'ran':>6} "
          f"{'CPU s per 1,000 tasks: workers':>31} {'postgres':>9} {'redis':>6}")  # fmt: skip
    failed = False
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        result = bench_engine(engine, args)
        if isinstance(result, str):
            print(f"{engine:<7} not measured: {result}")
            continue
        failed |= result["ran"] != args.tasks
        print(
            f"{engine:<7} {result['enqueue_per_s']:10.0f} {result['run_per_s']:8.0f} {result['ran']:6d} "
            f"{result['worker_cpu_per_k']:31.2f} {result['postgres_cpu_per_k']:9.2f} {result['redis_cpu_per_k']:6.2f}"
            + ("" if result["ran"] == args.tasks else "  RAN A TASK TWICE OR NEVER")
        )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_enqueue":
        enqueue_in_child()
    else:
        sys.exit(main())
