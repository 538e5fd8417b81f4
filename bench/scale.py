"""Scale-out benchmark: the booking flow and the course page through nginx
(the shipped deploy/nginx.conf, TLS) in front of 2 and 4 uvicorn processes,
beside one uvicorn process reached directly, on PostgreSQL + Redis.

For each setup: `/robots.txt` (the bare endpoint) and a course page by `hey`
(8 clients, keep-alive), then the booking flow of bench/booking.py (free
seats, 16 students signed in, each booking one seat after another) for
`--duration` seconds. Reported: requests/s (bookings/s) and p95, each page as
a % of the same setup's robots.txt, the proxy's overhead against direct
uvicorn (robots.txt and the course page through nginx with 1 process vs
direct), and the CPU time per request of nginx, the web processes, PostgreSQL
and Redis (from /proc/<pid>/stat before and after each run).

    python -m bench.scale [--duration 10] [--processes 2,4] [--clients 8]

`make bench-scale` runs it (needs nginx, PostgreSQL, Redis and `hey`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from bench import booking, harness

PG_DATABASE = "coursemarket_bench_scale"
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def _renderer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("render_nginx", harness.ROOT / "deploy" / "render_nginx.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextlib.contextmanager
def web_processes(env: dict[str, str], count: int) -> Iterator[list[str]]:
    """`count` separate uvicorn processes (as the systemd units start them)."""
    ports = [harness.free_port() for _ in range(count)]
    MINE["ports"] = [str(port) for port in ports]
    procs = [
        subprocess.Popen(
            [
                harness.PY,
                "-m",
                "uvicorn",
                "coursemarket.config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--no-proxy-headers",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=harness.ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port, proc in zip(ports, procs, strict=True):
            with tempfile.TemporaryFile() as log:
                harness._wait_until_serving(proc, log, f"http://127.0.0.1:{port}", 90)
        yield [f"127.0.0.1:{port}" for port in ports]
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(20)


@contextlib.contextmanager
def nginx(apps: list[str], folder: Path, port: int) -> Iterator[str]:
    renderer = _renderer()
    cert, key = _certificate(folder)
    MINE["folders"] = [str(folder)]
    site = renderer.render_site(
        server_name="127.0.0.1", apps=apps, static_root=str(harness.ROOT / "var" / "static"), tls_cert=str(cert),
        tls_key=str(key), http_listen=f"127.0.0.1:{harness.free_port()}", https_listen=f"127.0.0.1:{port}",
        acme_root=str(folder),
    )  # fmt: skip
    (folder / "nginx.conf").write_text(renderer.standalone(site, prefix=folder))
    proc = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
        start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(0.5)
        yield f"https://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


MINE: dict[str, list[str]] = {"ports": [], "folders": []}  # our uvicorn ports and nginx folders


def cpu_sample() -> dict[tuple[str, int], float]:
    """CPU (user + system) used so far by each of our nginx and uvicorn
    processes and by every PostgreSQL and Redis process, by (kind, pid). Other
    jobs' web servers on the machine are not counted; PostgreSQL's other
    clients are (one server)."""
    ticks = os.sysconf("SC_CLK_TCK")
    sample: dict[tuple[str, int], float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
            used = (int(fields[11]) + int(fields[12])) / ticks
            if comm.startswith("nginx") and any(folder in argv for folder in MINE["folders"]):
                sample[("nginx", int(entry))] = used
            elif "uvicorn" in argv and "--port" in argv and argv[argv.index("--port") + 1] in MINE["ports"]:
                sample[("web", int(entry))] = used
            elif comm.startswith("postgres"):
                sample[("postgres", int(entry))] = used
            elif comm.startswith("redis-server"):
                sample[("redis", int(entry))] = used
    return sample


def cpu_delta(before: dict[tuple[str, int], float], after: dict[tuple[str, int], float]) -> dict[str, float]:
    """CPU used between two samples by kind; a process that ended in between
    is left out, one that started counts from zero."""
    totals = {"nginx": 0.0, "web": 0.0, "postgres": 0.0, "redis": 0.0}
    for key, used in after.items():
        totals[key[0]] += used - before.get(key, 0.0)
    return totals


def hey(url: str, *, seconds: float, clients: int) -> dict[str, float]:
    exe = harness.ensure_hey()
    before = cpu_sample()
    out = subprocess.run(
        [exe, "-z", f"{seconds}s", "-c", str(clients), "-disable-redirects", "-o", "csv", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    used = cpu_delta(before, cpu_sample())
    latencies = sorted(float(line.split(",")[0]) * 1000 for line in out.splitlines()[1:] if line.count(",") >= 6)
    errors = sum(1 for line in out.splitlines()[1:] if line.count(",") >= 6 and line.split(",")[6] != "200")
    n = len(latencies)
    return {
        "rps": n / seconds,
        "p95": latencies[int(n * 0.95) - 1] if n else 0.0,
        "errors": errors,
        **{f"cpu_{k}": v * 1000 / n if n else 0.0 for k, v in used.items()},
    }


def booking_run(base: str, stripe: str, info: dict, args: argparse.Namespace, offset: int) -> dict[str, float]:
    import aiohttp

    async def run() -> booking.RunResult:
        clients = []
        for number, email in enumerate(info["emails"][: args.booking_clients]):
            client = booking.Client(aiohttp, base, stripe, email, number, True)
            await client.http.close()
            client.http = aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base]),
                # Each student from its own loopback address, as bench/booking.py
                # does (sign-in is rate-limited per address); nginx passes it on.
                connector=aiohttp.TCPConnector(
                    limit_per_host=1,
                    ssl=False,
                    keepalive_timeout=3,
                    local_addr=(f"127.0.{(offset + number + 2) // 250}.{(offset + number + 2) % 250}", 0),
                ),
                timeout=aiohttp.ClientTimeout(total=60),
            )
            clients.append(client)
        try:
            await asyncio.gather(*(c.sign_in() for c in clients))
            warm = booking.RunResult(name="warm")
            await asyncio.gather(*(c.book(info["sessions"]["warm free"], "free", warm) for c in clients))
            result = booking.RunResult(name="free")
            before = cpu_sample()
            await booking.drive(clients, info["sessions"]["free"], "free", result, seconds=args.duration)
            result.db = cpu_delta(before, cpu_sample())
            return result
        finally:
            await asyncio.gather(*(c.http.close() for c in clients))

    result = asyncio.run(run())
    n = result.confirmed or 1
    return {
        "rps": result.per_second,
        "p95": result.pct(95),
        "errors": len(result.errors),
        **{f"cpu_{k}": v * 1000 / n for k, v in result.db.items()},
    }


def measure(base: str, stripe: str, info: dict, course_url: str, args: argparse.Namespace) -> dict[str, dict]:
    measure.runs = getattr(measure, "runs", 0) + 1  # type: ignore[attr-defined]
    harness.warm_up([base + "/robots.txt", base + course_url], requests=200)
    return {
        "robots.txt": hey(base + "/robots.txt", seconds=args.duration, clients=args.clients),
        "course page": hey(base + course_url, seconds=args.duration, clients=args.clients),
        "booking": booking_run(base, stripe, info, args, offset=measure.runs * 40),  # type: ignore[attr-defined]
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8, help="hey clients per page")
    parser.add_argument("--booking-clients", type=int, default=16)
    parser.add_argument("--processes", default="2,4", help="web processes behind nginx")
    args = parser.parse_args()
    if not harness.postgres_available():
        print(f"PostgreSQL is needed: no server at {harness.PG_SERVER}")
        return 1
    harness.ensure_hey()
    counts = [int(n) for n in args.processes.split(",") if n.strip()]
    harness.reset_database("postgres", database=PG_DATABASE)
    print(f"scale bench: {args.duration:g}s per run, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    table: dict[str, dict[str, dict]] = {}
    with booking.localstripe() as stripe:
        env = harness.engine_env("postgres", database=PG_DATABASE)
        env.update(
            STRIPE_API_BASE=stripe, REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=f"bench-scale-{uuid.uuid4().hex[:8]}",
            TRUSTED_PROXIES="127.0.0.1", DB_POOL_MAX_SIZE="8",
        )  # fmt: skip
        info = booking.child(env, "_setup", str(args.booking_clients))
        slug = json.loads(
            subprocess.run(
                [harness.PY, "-c", "import django,json; django.setup(); from coursemarket.catalog.models import Course;"
                 " print(json.dumps(Course.objects.order_by('pk').values_list('slug', flat=True)[0]))"],
                env=env, cwd=harness.ROOT, capture_output=True, text=True, check=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        course_url = f"/en/courses/{slug}/"
        port = harness.free_port()
        env["CSRF_TRUSTED_ORIGINS"] = f"https://127.0.0.1:{port}"  # nginx passes Host without the port
        with web_processes(env, 1) as apps:
            table["1 direct"] = measure(f"http://{apps[0]}", stripe, info, course_url, args)
            with tempfile.TemporaryDirectory() as folder, nginx(apps, Path(folder), port) as site:
                table["1 via nginx"] = measure(site, stripe, info, course_url, args)
        for count in counts:
            with (
                web_processes(env, count) as apps,
                tempfile.TemporaryDirectory() as folder,
                nginx(apps, Path(folder), port) as site,
            ):
                table[f"{count} via nginx"] = measure(site, stripe, info, course_url, args)
    print(f"\n{'setup':<13} {'what':<12} {'req/s':>7} {'% robots':>9} {'p95 ms':>7} {'errors':>6}   "
          f"CPU ms per request: {'nginx':>6} {'web':>6} {'postgres':>8} {'redis':>6}")  # fmt: skip
    for setup, rows in table.items():
        bare = rows["robots.txt"]["rps"] or 1
        for what, r in rows.items():
            print(
                f"{setup:<13} {what:<12} {r['rps']:7.1f} {100 * r['rps'] / bare:8.1f}% {r['p95']:7.0f} {r['errors']:6d}"
                f"   {'':<19} {r['cpu_nginx']:6.2f} {r['cpu_web']:6.2f} {r['cpu_postgres']:8.2f} {r['cpu_redis']:6.2f}"
            )
    direct, proxied = table["1 direct"], table["1 via nginx"]
    for what in ("robots.txt", "course page", "booking"):
        overhead = 100 * (1 - proxied[what]["rps"] / direct[what]["rps"]) if direct[what]["rps"] else 0.0
        print(f"proxy overhead ({what}, 1 process, nginx + TLS vs direct): {overhead:5.1f} % of throughput")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
