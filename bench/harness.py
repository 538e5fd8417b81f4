"""Plumbing shared by the benchmarks: a throw-away database per engine, the
ASGI server on a free loopback port, and `hey` as the load generator.

Only the standard library is imported here: the orchestrating process never
loads Django, so each engine's settings come from the environment of the
child processes (migrate, load, uvicorn) exactly as in production.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
BENCH_VAR = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "coursemarket_bench"


def engine_env(engine: str, *, name: str = "catalog", database: str = PG_DATABASE) -> dict[str, str]:
    """Production settings (DEBUG off) over plain HTTP on loopback, pointed at
    the bench database of `engine` ("sqlite" or "postgres"): `var/bench/<name>.sqlite3`
    or `database` on the PostgreSQL server."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="coursemarket.config.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="0",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)  # the embedded default: in-process cache
    if engine == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{BENCH_VAR / f'{name}.sqlite3'}"
    elif engine == "postgres":
        env["DATABASE_URL"] = f"{PG_SERVER}/{database}"
    else:
        raise ValueError(engine)
    return env


def postgres_available() -> bool:
    code = f"import psycopg; psycopg.connect('{PG_SERVER}/postgres', connect_timeout=3).close()"
    return subprocess.run([PY, "-c", code], capture_output=True, check=False).returncode == 0


def reset_database(engine: str, *, name: str = "catalog", database: str = PG_DATABASE) -> None:
    """Drop and recreate the bench database (never the project's own)."""
    if engine == "sqlite":
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            (BENCH_VAR / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
        return
    code = (
        "import psycopg\n"
        f"with psycopg.connect('{PG_SERVER}/postgres', autocommit=True) as c:\n"
        f"    c.execute('DROP DATABASE IF EXISTS {database} WITH (FORCE)')\n"
        f"    c.execute('CREATE DATABASE {database}')\n"
    )
    subprocess.run([PY, "-c", code], check=True)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def asgi_server(env: dict[str, str], *, workers: int, timeout: float = 60) -> Iterator[str]:
    """uvicorn serving the project's ASGI app on a free loopback port; yields
    the base URL and stops the server (its own process group) on exit."""
    port = free_port()
    command = [
        PY, "-m", "uvicorn", "coursemarket.config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--lifespan", "off", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield _wait_until_serving(process, log, f"http://127.0.0.1:{port}", timeout)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_serving(process: subprocess.Popen, log: IO[bytes], base: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"uvicorn exited:\n{log.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/robots.txt", timeout=2) as response:
                if response.status == 200:
                    return base
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not answer in time")
        time.sleep(0.2)


def ensure_hey() -> str:
    found = shutil.which("hey")
    if not found:
        raise SystemExit("hey is not installed: `apt-get install -y hey` (make bench-catalog does it)")
    return found


@dataclass
class LoadResult:
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def run_load(url_rounds: list[list[str]], *, seconds_per_round: float) -> LoadResult:
    """Run one `hey` client per URL of each round, all at once (so a round of
    8 URLs is 8 concurrent clients, each with keep-alive, back to back), for
    `seconds_per_round`; rounds run one after another so many different pages
    are hit. Latency percentiles cover every request; requests/s is summed
    over the concurrent clients of a round and averaged over the rounds."""
    hey = ensure_hey()
    latencies: list[float] = []
    errors = 0
    rates: list[float] = []
    for urls in url_rounds:
        procs = [
            subprocess.Popen(
                [hey, "-z", f"{seconds_per_round}s", "-c", "1", "-cpus", "1", "-disable-redirects", "-o", "csv", url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for url in urls
        ]
        round_count = 0
        for proc in procs:
            out, err = proc.communicate(timeout=seconds_per_round + 60)
            if proc.returncode != 0:
                raise RuntimeError(f"hey failed: {err}")
            for line in out.splitlines()[1:]:
                fields = line.split(",")
                if len(fields) < 7:
                    continue
                latencies.append(float(fields[0]) * 1000)
                round_count += 1
                if fields[6] != "200":
                    errors += 1
        rates.append(round_count / seconds_per_round)
    if not latencies:
        raise RuntimeError("no requests completed")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return LoadResult(
        requests=len(latencies),
        errors=errors,
        rps=statistics.fmean(rates),
        p50_ms=cuts[49],
        p95_ms=cuts[94],
        p99_ms=cuts[98],
    )


def warm_up(urls: list[str], *, requests: int) -> None:
    """`requests` requests spread over `urls` (templates compiled, caches and
    connections filled in every server worker) before anything is measured."""
    hey = ensure_hey()
    each = max(requests // len(urls), 4)
    for url in urls:
        subprocess.run([hey, "-n", str(each), "-c", "4", "-disable-redirects", url], capture_output=True, check=True)


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


def selected_engines(spec: str) -> list[str]:
    """The comma-separated engines of `--engines`, without PostgreSQL (said in
    one line) when no server answers."""
    engines = [e.strip() for e in spec.split(",") if e.strip()]
    if "postgres" in engines and not postgres_available():
        print(f"SKIPPED postgres: no server at {PG_SERVER}")
        engines.remove("postgres")
    return engines


def load_page(base: str, name: str, url_rounds: list[list[str]], *, duration: float, warmup: int) -> LoadResult:
    """Warm up, then load one page kind (rounds of concurrent URLs, see
    run_load) for `duration` seconds in all; prints the figures with the
    machine's load average before and after (it is shared and noisy)."""
    urls = [base + url for round_urls in url_rounds for url in round_urls]
    warm_up(list(dict.fromkeys(urls)), requests=warmup)
    load_before = os.getloadavg()[0]
    result = run_load(
        [[base + url for url in round_urls] for round_urls in url_rounds], seconds_per_round=duration / len(url_rounds)
    )
    print(
        f"  {name:<20} {result.rps:7.1f} req/s  p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
        f"p99 {result.p99_ms:6.1f} ms  ({result.requests} requests, {result.errors} errors, "
        f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f})"
    )
    return result


def p95_verdicts(table: dict[str, dict[str, LoadResult]], *, target_ms: float) -> int:
    """Print each engine's pages against a p95 target; 1 when one missed it
    (or answered an error), else 0."""
    print(f"\n{'engine':<9} {'page':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  target p95 < {target_ms:g} ms")
    failed = False
    for engine, results in table.items():
        for name, r in results.items():
            ok = r.p95_ms < target_ms and r.errors == 0
            failed |= not ok
            print(f"{engine:<9} {name:<20} {r.rps:8.1f} {r.p50_ms:8.1f} {r.p95_ms:8.1f}  {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0
