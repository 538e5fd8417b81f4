"""Booking benchmark: one hot session booked over HTTP by 32 concurrent clients.

For each engine (SQLite, PostgreSQL): a fresh database (`var/bench/booking.sqlite3`,
`coursemarket_bench_booking`), migrations, a school with a free and a paid
course, hot sessions and one student account per client; localstripe and
uvicorn (the project's ASGI app, production settings, DEBUG off) on free
loopback ports. Every client signs in through the login form as its own
student (own session cookie and CSRF token) and books one seat after another
the way the browser does:

    POST /en/book/<session>/          hold (302 to the checkout)
    GET  /en/checkout/<ref>/          the checkout page (pay key, CSRF token)
    POST localstripe /v1/tokens       card 4242 (what the stand-in Stripe.js does; card runs only)
    POST /en/checkout/<ref>/pay/      free: form post (302); card: fetch with
                                      Accept: application/json -> {"redirect": ...};
                                      the server creates and confirms the PaymentIntent
    GET  /en/account/bookings/<ref>/confirmation/

Runs per engine: free and card on a 2,000-seat session for a fixed time
(throughput), then free and card on a 50-seat session until it is full
(contention: more clients than seats left at the end). After each run the
database is checked: seats_taken and the seats of confirmed bookings never
exceed the capacity, seats_taken equals the seats of seat-taking bookings,
each confirmed card booking has exactly one succeeded payment, and each
confirmation has its audit entry.

    python -m bench.booking [--engines sqlite,postgres] [--duration 20] [--clients 32] [--workers 2] [--no-pages]

`make bench-booking` runs it. Stops by itself; the servers end with the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench import harness

PG_DATABASE = "coursemarket_bench_booking"
SQLITE_NAME = "booking"
PASSWORD = "bench-booking-password-1"  # noqa: S105 - throw-away bench accounts
TARGET_PER_SECOND = 50.0
CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2034", "cvc": "123"}
RUNS = [  # (name, kind, capacity, timed)
    ("free", "free", 2000, True),
    ("card", "card", 2000, True),
    ("free-50", "free", 50, False),
    ("card-50", "card", 50, False),
]


# --- Child processes: run with the engine's settings ---------------------------


def setup_in_child() -> None:
    """Migrate and create the course, sessions and students; print the ids."""
    import django

    django.setup()
    from django.core.management import call_command

    from coursemarket.accounts.tests.factories import UserFactory
    from coursemarket.catalog.tests.factories import CourseFactory, make_session

    clients = int(sys.argv[2])
    call_command("migrate", interactive=False, verbosity=0)
    free = CourseFactory(price=0, title="Bench: free open day")
    paid = CourseFactory(price="80.00", title="Bench: paid workshop", school=free.school)
    sessions = {"warm free": make_session(free, capacity=10_000), "warm card": make_session(paid, capacity=10_000)}
    for name, kind, capacity, _timed in RUNS:
        sessions[name] = make_session(free if kind == "free" else paid, capacity=capacity)
    # One password hash computed once (Argon2 is slow on purpose), shared by
    # every throw-away account.
    first = UserFactory(email="bench0@example.com", password=PASSWORD)
    emails = [first.email]
    for n in range(1, clients):
        user = UserFactory(email=f"bench{n}@example.com", password=None)
        user.password = first.password
        user.save(update_fields=["password"])
        emails.append(user.email)
    print(json.dumps({"sessions": {k: s.pk for k, s in sessions.items()}, "emails": emails}))


def verify_in_child() -> None:
    """The database after a run: seats, states, payments and audit entries."""
    import django

    django.setup()
    from django.db.models import Count, Sum

    from coursemarket.audit.models import AuditEntry
    from coursemarket.bookings.models import SEAT_TAKING_STATES, Booking, BookingState
    from coursemarket.catalog.models import Session
    from coursemarket.payments.models import Payment, PaymentState

    session = Session.objects.get(pk=int(sys.argv[2]))
    bookings = Booking.objects.filter(session=session)
    states = {row["state"]: row["n"] for row in bookings.values("state").annotate(n=Count("id"))}
    confirmed = bookings.filter(state=BookingState.CONFIRMED)
    confirmed_seats = confirmed.aggregate(s=Sum("seats"))["s"] or 0
    taking_seats = bookings.filter(state__in=SEAT_TAKING_STATES).aggregate(s=Sum("seats"))["s"] or 0
    succeeded = Payment.objects.filter(booking__session=session, state=PaymentState.SUCCEEDED)
    paid_twice = succeeded.values("booking").annotate(n=Count("id")).filter(n__gt=1).count()
    ids = [str(pk) for pk in confirmed.values_list("pk", flat=True)]
    audited = AuditEntry.objects.filter(
        action="booking.confirmed", object_type="bookings.booking", object_id__in=ids
    ).count()
    print(
        json.dumps(
            {
                "capacity": session.capacity,
                "seats_taken": session.seats_taken,
                "confirmed": confirmed.count(),
                "confirmed_seats": confirmed_seats,
                "taking_seats": taking_seats,
                "states": states,
                "succeeded_payments": succeeded.count(),
                "bookings_paid_twice": paid_twice,
                "confirmations_audited": audited,
            }
        )
    )


# --- Orchestration (no Django here) ---------------------------------------------


def engine_env(engine: str, stripe_base: str) -> dict[str, str]:
    env = harness.engine_env(engine, name=SQLITE_NAME)
    if engine == "postgres":
        env["DATABASE_URL"] = f"{harness.PG_SERVER}/{PG_DATABASE}"
    env["STRIPE_API_BASE"] = stripe_base
    return env


def reset_database(engine: str) -> None:
    if engine == "sqlite":
        harness.BENCH_VAR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            (harness.BENCH_VAR / f"{SQLITE_NAME}.sqlite3{suffix}").unlink(missing_ok=True)
        return
    code = (
        "import psycopg\n"
        f"with psycopg.connect('{harness.PG_SERVER}/postgres', autocommit=True) as c:\n"
        f"    c.execute('DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)')\n"
        f"    c.execute('CREATE DATABASE {PG_DATABASE}')\n"
    )
    subprocess.run([harness.PY, "-c", code], check=True)


def child(env: dict[str, str], *args: str) -> Any:
    command = [harness.PY, "-m", "bench.booking", *args]
    out = subprocess.run(command, env=env, cwd=harness.ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# localstripe pickles its whole store to /tmp/localstripe.pickle on every
# write (O(store) per request, and shared by every instance on the machine).
# For the benchmark it keeps its state in memory only, like real Stripe's API
# would from our side; nothing else changes.
LOCALSTRIPE = (
    "import sys\n"
    "from localstripe.resources import Store\n"
    "Store.dump_to_disk = lambda self: None\n"
    "from localstripe.server import start\n"
    "sys.argv = ['localstripe', '--from-scratch', '--port', sys.argv[1]]\n"
    "start()\n"
)


@contextlib.contextmanager
def localstripe() -> Iterator[str]:
    port = harness.free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [harness.PY, "-c", LOCALSTRIPE, str(port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"localstripe exited:\n{log.read().decode(errors='replace')}")
                try:
                    urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("localstripe did not start") from None
                    time.sleep(0.2)
            yield base
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) used so far, by what it is: "server" (each
    uvicorn and its workers: everything in its session, see
    harness.asgi_server), "localstripe" (its session) and "postgres" (every
    PostgreSQL process on the machine, the benchmark's connections included)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as f:
                stats[entry] = f.read().rsplit(")", 1)[1].split()
    kinds: dict[str, str] = {}  # session id -> kind
    postgres = set()
    for pid in stats:
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            with open(f"/proc/{pid}/comm", "rb") as f:
                comm = f.read().strip()
            if comm.startswith(b"postgres"):
                postgres.add(pid)
            elif b"uvicorn" in argv:
                kinds[stats[pid][3]] = "server"
            elif any(b"localstripe" in arg for arg in argv):
                kinds[stats[pid][3]] = "localstripe"
    ticks = os.sysconf("SC_CLK_TCK")
    totals = {"server": 0.0, "localstripe": 0.0, "postgres": 0.0}
    for pid, f in stats.items():
        kind = "postgres" if pid in postgres else kinds.get(f[3])
        if kind:
            totals[kind] += (int(f[11]) + int(f[12])) / ticks
    return totals


# --- The clients ------------------------------------------------------------------

PAY_KEY = re.compile(r'name="pay_key" value="([0-9a-f]+)"')


@dataclass
class RunResult:
    name: str
    confirmed: int = 0
    refused: int = 0  # "no seats left": the expected answer once a session is full
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    steps_ms: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    server_cpu: float = 0.0  # seconds of CPU used by uvicorn and its workers
    stripe_cpu: float = 0.0  # by localstripe
    postgres_cpu: float = 0.0  # by PostgreSQL (0 on SQLite: in the server's processes)
    client_cpu: float = 0.0  # seconds of CPU used by this process (the 32 clients)
    db: dict[str, Any] = field(default_factory=dict)

    def cpu_ms(self, seconds: float) -> float:
        return seconds * 1000 / self.confirmed if self.confirmed else 0.0

    @property
    def per_second(self) -> float:
        return self.confirmed / self.seconds if self.seconds else 0.0

    def pct(self, q: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]

    @property
    def oversold(self) -> int:
        db = self.db
        return max(db["seats_taken"] - db["capacity"], db["confirmed_seats"] - db["capacity"], 0)

    @property
    def consistent(self) -> bool:
        db = self.db
        return (
            self.oversold == 0
            and db["seats_taken"] == db["taking_seats"]
            and db["bookings_paid_twice"] == 0
            and db["confirmations_audited"] == db["confirmed"]
            and db["confirmed"] == self.confirmed
        )


class Client:
    """One student in a browser: own cookies (session, CSRF), one connection."""

    def __init__(self, aiohttp: Any, base: str, stripe_base: str, email: str, number: int, pages: bool) -> None:
        self.base, self.stripe_base, self.email, self.pages = base, stripe_base, email, pages
        self.errors = aiohttp.ClientError
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base])  # production cookies are Secure
        # Each student connects from its own loopback address (127.0.0.2, .3…),
        # as students come from their own IPs (sign-in is rate-limited per IP).
        local = (f"127.0.{(number + 2) // 250}.{(number + 2) % 250}", 0)
        self.http = aiohttp.ClientSession(
            cookie_jar=jar,
            connector=aiohttp.TCPConnector(limit_per_host=1, local_addr=local, keepalive_timeout=3),  # uvicorn's is 5 s
            timeout=aiohttp.ClientTimeout(total=60),
        )

    def csrf(self) -> str:
        for cookie in self.http.cookie_jar:
            if cookie.key == "csrftoken":
                return cookie.value
        return ""

    def headers(self, referer: str, **extra: str) -> dict[str, str]:
        return {"Origin": self.base, "Referer": self.base + referer, "X-CSRFToken": self.csrf(), **extra}

    async def sign_in(self) -> None:
        url = "/en/account/login/"
        async with self.http.get(self.base + url) as response:
            await response.read()
        data = {"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        async with self.http.post(
            self.base + url, data=data, headers=self.headers(url), allow_redirects=False
        ) as response:
            await response.read()
            if response.status != 302:
                raise RuntimeError(f"sign-in of {self.email} failed: HTTP {response.status}")

    async def book(self, session_id: int, kind: str, result: RunResult) -> str:
        """One booking, end to end. Returns "confirmed", "full" or "error"."""
        steps: dict[str, float] = {}
        started = last = time.perf_counter()

        def step(name: str) -> None:
            nonlocal last
            now = time.perf_counter()
            steps[name] = (now - last) * 1000
            last = now

        book_url = f"/en/book/{session_id}/"
        data = {"seats": "1", "request_key": uuid.uuid4().hex, "csrfmiddlewaretoken": self.csrf()}
        async with self.http.post(
            self.base + book_url, data=data, headers=self.headers(f"/en/book/{session_id}/"), allow_redirects=False
        ) as response:
            body = await response.text()
            if response.status == 400 and "seats are left" in body:
                return "full"
            if response.status != 302:
                result.errors.append(f"book: HTTP {response.status}")
                return "error"
            checkout_url = response.headers["Location"]
        step("hold")
        pay_key = uuid.uuid4().hex  # what the checkout page would give (any fresh key)
        if self.pages:
            async with self.http.get(self.base + checkout_url, allow_redirects=False) as response:
                page = await response.text()
                found = PAY_KEY.search(page)
                if response.status != 200 or not found:
                    result.errors.append(f"checkout: HTTP {response.status}")
                    return "error"
                pay_key = found.group(1)
            step("checkout page")
        form = {"pay_key": pay_key, "terms": "on", "csrfmiddlewaretoken": self.csrf()}
        headers = self.headers(checkout_url)
        if kind == "card":
            card = {f"card[{k}]": v for k, v in CARD.items()}
            card.update(key="pk_test_coursemarket_localstripe", payment_user_agent="localstripe")
            async with self.http.post(f"{self.stripe_base}/v1/tokens", data=card) as response:
                token = await response.json()
                if response.status != 200:
                    result.errors.append(f"token: HTTP {response.status}")
                    return "error"
            step("card token")
            form.update(provider="stripe", payment_method=token["card"]["id"])
            headers["Accept"] = "application/json"
        else:
            form["provider"] = "free"
        async with self.http.post(
            self.base + checkout_url + "pay/", data=form, headers=headers, allow_redirects=False
        ) as response:
            if kind == "card":
                answer = await response.json(content_type=None)
                target = answer.get("redirect", "") if response.status == 200 else ""
            else:
                await response.read()
                target = response.headers.get("Location", "") if response.status == 302 else ""
            if "/confirmation/" not in target:
                result.errors.append(f"pay: HTTP {response.status} -> {target or 'no redirect'}")
                return "error"
        step("pay")
        if self.pages:
            async with self.http.get(self.base + target, allow_redirects=False) as response:
                await response.read()
                if response.status != 200:
                    result.errors.append(f"confirmation: HTTP {response.status}")
                    return "error"
            step("confirmation page")
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        for name, ms in steps.items():
            result.steps_ms.setdefault(name, []).append(ms)
        return "confirmed"


async def drive(clients: list[Client], session_id: int, kind: str, result: RunResult, *, seconds: float) -> None:
    """Every client books one seat after another until the time is up or the
    session is full (or its own errors pile up)."""
    deadline = time.monotonic() + seconds

    async def loop(client: Client) -> None:
        failures = 0
        while time.monotonic() < deadline and failures < 5:
            try:
                outcome = await client.book(session_id, kind, result)
            except (client.errors, TimeoutError, ValueError) as error:
                result.errors.append(f"{type(error).__name__}: {error}")
                outcome = "error"
            if outcome == "full":
                result.refused += 1
                return
            if outcome == "confirmed":
                result.confirmed += 1
            else:
                failures += 1

    started = time.monotonic()
    await asyncio.gather(*(loop(client) for client in clients))
    result.seconds = time.monotonic() - started


async def run_engine_load(base: str, stripe_base: str, info: dict, args: argparse.Namespace) -> list[RunResult]:
    import aiohttp

    clients = [
        Client(aiohttp, base, stripe_base, email, number, args.pages)
        for number, email in enumerate(info["emails"][: args.clients])
    ]
    try:
        await asyncio.gather(*(client.sign_in() for client in clients))
        for kind in ("free", "card"):  # warm every worker: imports, templates, connections
            warm = RunResult(name="warm-up")
            await asyncio.gather(*(c.book(info["sessions"][f"warm {kind}"], kind, warm) for c in clients))
            await asyncio.gather(*(c.book(info["sessions"][f"warm {kind}"], kind, warm) for c in clients))
            if warm.errors:
                raise RuntimeError(f"warm-up failed: {warm.errors[:3]}")
        results = []
        for name, kind, _capacity, timed in RUNS:
            if name not in args.runs:
                continue
            result = RunResult(name=name)
            seconds = args.duration if timed else args.duration * 6
            before, client_before = cpu_seconds(), time.process_time()
            await drive(clients, info["sessions"][name], kind, result, seconds=seconds)
            after = cpu_seconds()
            result.server_cpu = after["server"] - before["server"]
            result.stripe_cpu = after["localstripe"] - before["localstripe"]
            result.postgres_cpu = after["postgres"] - before["postgres"]
            result.client_cpu = time.process_time() - client_before
            results.append(result)
        return results
    finally:
        await asyncio.gather(*(client.http.close() for client in clients))


def bench_engine(engine: str, args: argparse.Namespace) -> list[RunResult]:
    print(f"\n== {engine}")
    reset_database(engine)
    with localstripe() as stripe_base:
        env = engine_env(engine, stripe_base)
        started = time.monotonic()
        info = child(env, "_setup", str(args.clients))
        print(f"  migrated and set up in {time.monotonic() - started:.1f}s; localstripe at {stripe_base}")
        with harness.asgi_server(env, workers=args.workers) as base:
            load_before = os.getloadavg()[0]
            results = asyncio.run(run_engine_load(base, stripe_base, info, args))
            load_after = os.getloadavg()[0]
        for result in results:
            result.db = child(env, "_verify", str(info["sessions"][result.name]))
            report_run(result)
        print(f"  load average {load_before:.1f} -> {load_after:.1f}")
    return results


def report_run(r: RunResult) -> None:
    db = r.db
    print(
        f"  {r.name:<15} {r.confirmed:5d} confirmed in {r.seconds:5.1f}s = {r.per_second:6.1f}/s  "
        f"p50 {r.pct(50):6.0f} ms  p95 {r.pct(95):6.0f} ms  errors {len(r.errors)}  refused {r.refused}"
    )
    steps = "  ".join(f"{k} {statistics.median(v):.0f}" for k, v in r.steps_ms.items())
    print(f"  {'':<15} median per step (ms): {steps}")
    print(
        f"  {'':<15} CPU per confirmed booking: server {r.cpu_ms(r.server_cpu):.0f} ms (uvicorn workers), "
        f"PostgreSQL {r.cpu_ms(r.postgres_cpu):.0f} ms, localstripe {r.cpu_ms(r.stripe_cpu):.0f} ms, "
        f"clients {r.cpu_ms(r.client_cpu):.0f} ms"
    )
    print(
        f"  {'':<15} db: capacity {db['capacity']}, seats_taken {db['seats_taken']}, confirmed seats "
        f"{db['confirmed_seats']}, states {db['states']}, succeeded payments {db['succeeded_payments']}, "
        f"paid twice {db['bookings_paid_twice']}, audited {db['confirmations_audited']}/{db['confirmed']} "
        f"-> oversold {r.oversold}{'' if r.consistent else '  INCONSISTENT'}"
    )
    if r.errors:
        print(f"  {'':<15} first errors: {r.errors[:3]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (one student each)")
    parser.add_argument("--duration", type=float, default=20, help="seconds per throughput run")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument(
        "--no-pages", dest="pages", action="store_false",
        help="skip the checkout and confirmation pages (hold and pay only, as an app would)",
    )  # fmt: skip
    parser.add_argument("--runs", default=",".join(r[0] for r in RUNS), help="comma-separated subset of the runs")
    args = parser.parse_args()
    args.runs = [r.strip() for r in args.runs.split(",")]
    engines = harness.selected_engines(args.engines)
    print(
        f"booking bench: {args.clients} clients, {args.duration:g}s per throughput run, "
        f"{'browser flow' if args.pages else 'hold + pay only'}, "
        f"uvicorn --workers {args.workers}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    table = {engine: bench_engine(engine, args) for engine in engines}

    print(f"\n{'engine':<9} {'run':<15} {'confirmed/s':>11} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'oversold':>8}")
    failed = False
    for engine, results in table.items():
        for r in results:
            failed |= not r.consistent or bool(r.errors)
            print(
                f"{engine:<9} {r.name:<15} {r.per_second:11.1f} {r.pct(50):7.0f} {r.pct(95):7.0f} "
                f"{len(r.errors):6d} {r.oversold:8d}{'' if r.consistent else '  INCONSISTENT'}"
            )
    for r in table.get("postgres", []):
        if r.name in ("free", "card") and r.per_second < TARGET_PER_SECOND:
            print(f"postgres {r.name}: {r.per_second:.1f} confirmed/s is below the target of {TARGET_PER_SECOND:g}/s")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    commands = {"_setup": setup_in_child, "_verify": verify_in_child}
    if len(sys.argv) > 1 and sys.argv[1] in commands:
        commands[sys.argv[1]]()
    else:
        sys.exit(main())
