"""The deployment of docs/operations.md on one machine, started from the
shipped configuration (deploy/nginx.conf through deploy/render_nginx.py,
production settings): PostgreSQL + Redis + nginx (TLS) + 3 uvicorn processes +
2 workers, with localstripe, an SMTP sink and an S3-compatible object store
(moto) on free loopback ports. See `topology` below for what is proven.

The first two tests are the older, smaller pair: two app processes sharing the
test database (either engine), with and without Redis."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import connection
from django.utils import timezone

from coursemarket.accounts.tests.factories import TEST_PASSWORD, UserFactory
from coursemarket.accounts.tests.totp import current_code
from coursemarket.core.models import WorkerHeartbeat

from .services import ObjectStore, SmtpSink
from .test_redis_backends import _database_url, redis_url  # noqa: F401  (fixture)

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_app_processes(transactional_db, redis_url) -> Iterator[list[str]]:  # noqa: F811
    yield from _app_processes(redis=redis_url)


@pytest.fixture
def two_embedded_app_processes(transactional_db) -> Iterator[list[str]]:
    """Two web processes of the embedded setup: no Redis, each its own memory."""
    yield from _app_processes(redis="")


def _app_processes(*, redis: str) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursemarket.config.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis,
    }
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "coursemarket.config.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]  # fmt: skip
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            deadline = time.monotonic() + 60
            while True:
                try:
                    requests.get(url + "/healthz", timeout=10)
                    break
                except (requests.ConnectionError, requests.Timeout):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(15)


@pytest.mark.slow
def test_session_opened_on_one_app_process_is_valid_on_the_other(two_app_processes, django_user_model):
    first, second = two_app_processes
    django_user_model.objects.create_superuser(email="operator@example.com", password="a-long-admin-password")
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="topology-test", started_at=now, last_seen=now)

    browser = requests.Session()
    login_page = browser.get(first + "/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    response = browser.post(
        first + "/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": "operator@example.com", "password": "a-long-admin-password"},
        headers={"Referer": first + "/admin/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]

    on_second = browser.get(second + "/admin/", timeout=10, allow_redirects=False)
    assert on_second.status_code == 200
    assert "operator@example.com" in on_second.text

    for url in (first, second):
        health = requests.get(url + "/healthz", timeout=10).json()
        assert health["status"] == "ok"
        assert health["checks"]["database"]["detail"] == connection.vendor


def _sign_in_with_password(url: str, email: str, password: str) -> tuple[requests.Session, str]:
    """A new browser signs in on `url`: returns it, on the two-factor step, and that page."""
    browser = requests.Session()
    page = browser.get(url + "/en/account/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        url + "/en/account/login/",
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        headers={"Referer": url + "/en/account/login/"},
        timeout=10,
    )
    assert "/account/2fa/authenticate/" in response.url, response.text[:500]
    return browser, response.text


def _send_code(browser: requests.Session, url: str, page: str, code: str) -> requests.Response:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return browser.post(
        url + "/en/account/2fa/authenticate/",
        data={"csrfmiddlewaretoken": token, "code": code},
        headers={"Referer": url + "/en/account/2fa/authenticate/"},
        timeout=10,
        allow_redirects=False,
    )


@pytest.mark.slow
def test_a_two_factor_code_used_on_one_process_is_refused_on_the_other(two_embedded_app_processes):
    """Without Redis each process has its own memory; the record of used codes
    must still be one for all (the database)."""
    first, second = two_embedded_app_processes
    user = UserFactory(email="noor@example.com")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    code = current_code(secret)

    browser, page = _sign_in_with_password(first, user.email, TEST_PASSWORD)
    assert _send_code(browser, first, page, code).status_code == 302  # signed in

    # Someone who saw the code (and knows the password) tries it on the other process.
    other, page = _sign_in_with_password(second, user.email, TEST_PASSWORD)
    replay = _send_code(other, second, page, code)
    assert replay.status_code == 200
    assert "Incorrect code" in replay.text


# --- The whole topology ---------------------------------------------------------------
#
# Its own PostgreSQL database on the server DATABASE_URL names (passed through
# as given: TCP or a Unix socket), or on TEST_POSTGRES_URL / the Makefile's
# default server when the suite runs on SQLite, so both legs of `make test` run
# it. Made from a template database migrated once per set of migrations, so a
# run costs seconds, not a full migrate. Without PostgreSQL, Redis or nginx it
# fails with one line when CI requires them (REQUIRE_POSTGRES, REQUIRE_REDIS,
# REQUIRE_NGINX) and is otherwise skipped with what to install, named at the end
# of the run like the other legs (conftest.py).

TOPOLOGY_LEG = "topology test"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/coursemarket"
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
WEB_PROCESSES = 3
WORKERS = 2
CLIENTS = 4
TASK_BATCH = 30


def _missing(requirement: str, message: str) -> None:
    if os.environ.get(requirement):
        pytest.fail(f"{message} ({requirement})", pytrace=False)
    pytest.skip(f"{TOPOLOGY_LEG}: {message}")


def _postgres_url() -> str:
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        return given
    return os.environ.get("TEST_POSTGRES_URL") or PG_DEFAULT


def _on_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _migrations_digest() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "coursemarket").glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _topology_database(server: str, env: dict[str, str]) -> Iterator[str]:
    """A fresh database made from the migrated template; dropped at the end."""
    import psycopg

    admin_url = _on_database(server, "postgres")
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _missing("REQUIRE_POSTGRES", f"PostgreSQL is needed at {admin_url}: {str(exc).strip().splitlines()[0]}")
    template = f"cm_topology_tmpl_{_migrations_digest()}"
    name = f"cm_topology_{os.getpid()}"
    with admin:
        # Another run on this server (an xdist worker, another checkout) may be
        # building the same template: one builds it, the others wait for it.
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if not exists:
            building = f"{template}_building_{os.getpid()}"
            admin.execute(f'DROP DATABASE IF EXISTS "{building}"')
            admin.execute(f'CREATE DATABASE "{building}"')
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                cwd=ROOT, env={**env, "DATABASE_URL": _on_database(server, building)}, check=True, timeout=600,
            )  # fmt: skip
            admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
    try:
        yield _on_database(server, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _load_renderer():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("render_nginx", ROOT / "deploy" / "render_nginx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _wait_for(url: str, process: subprocess.Popen, what: str, timeout: float = 60, **kwargs) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            requests.get(url, timeout=5, allow_redirects=False, **kwargs)
            return
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not answer at {url}") from None
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Topology:
    site: str  # nginx, HTTPS
    http_site: str  # nginx, plain HTTP (redirects)
    apps: list[str]  # each uvicorn directly
    stripe: str
    env: dict[str, str]
    info: dict
    store: ObjectStore
    sink: SmtpSink
    folder: Path
    ca: str  # nginx's self-signed certificate, trusted by the test's clients
    web: list[subprocess.Popen] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)

    def start_web(self, index: int) -> subprocess.Popen:
        port = self.apps[index].rsplit(":", 1)[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "coursemarket.config.asgi:application", "--host", "127.0.0.1",
             "--port", port, "--lifespan", "off", "--no-proxy-headers", "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env=self.env, start_new_session=True,
        )  # fmt: skip
        if index < len(self.web):
            self.web[index] = process
        else:
            self.web.append(process)
        return process

    def start_worker(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.1"], cwd=ROOT, env=self.env,
            stdout=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        self.workers.append(process)
        return process

    def child(self, *args: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-m", "tests.topology_app", *args],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])

    def direct(self, index: int, path: str, *, cookies: dict[str, str] | None = None, **kwargs) -> requests.Response:  # type: ignore[no-untyped-def]
        """A request straight to app process `index`, as nginx would send it
        (X-Forwarded-Proto from 127.0.0.1, a trusted proxy); cookies by hand,
        since they are Secure and this hop is plain HTTP."""
        headers = {"X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        return requests.request(
            kwargs.pop("method", "GET"), self.apps[index] + path, headers=headers, timeout=30,
            allow_redirects=False, **kwargs,
        )  # fmt: skip


@pytest.fixture(scope="module")
def topology(tmp_path_factory) -> Iterator[Topology]:  # type: ignore[no-untyped-def]
    import redis as redis_client

    from bench.booking import localstripe

    from .services import free_port, object_store, restartable_port, smtp_sink

    if not Path(NGINX).exists():
        _missing("REQUIRE_NGINX", f"nginx is needed at {NGINX} (apt-get install nginx-light)")
    redis_address = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis_client.Redis.from_url(redis_address, socket_connect_timeout=1).ping()
    except redis_client.RedisError as exc:
        _missing("REQUIRE_REDIS", f"Redis is needed at {redis_address}: {exc}")
    static_root = ROOT / "var" / "static"
    if not (static_root / "staticfiles.json").exists():
        # `make test` collects them first (make setup); a bare pytest run does it here once.
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)

    folder = tmp_path_factory.mktemp("topology")
    https_port, http_port = free_port(), free_port()
    app_ports = [restartable_port() for _ in range(WEB_PROCESSES)]  # one is killed and started again
    site = f"https://127.0.0.1:{https_port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REQUIRE_", "PYTEST_", "MEDIA_"))},
        "DJANGO_SETTINGS_MODULE": "coursemarket.config.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": ",".join([site, *(f"https://127.0.0.1:{p}" for p in app_ports)]),
        "SITE_URL": site,
        "TRUSTED_PROXIES": "127.0.0.1",
        "REDIS_URL": redis_address,
        "REDIS_KEY_PREFIX": f"topology-{uuid.uuid4().hex[:12]}",
        "WORKER_STALE_SECONDS": "12",  # two heartbeats (5 s) and room for a loaded machine
        "OUTBOX_POLL_SECONDS": "0.2",
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": "6",
        "DB_POOL_MAX_SIZE": "8",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    databases = _topology_database(_postgres_url(), env)
    env["DATABASE_URL"] = next(databases)
    with contextlib.ExitStack() as stack:
        stack.callback(lambda: next(databases, None))  # drops the database last
        cert, key = _self_signed_certificate(folder)
        env["TOPOLOGY_CA"] = str(cert)  # what tests/topology_client.py trusts
        store = stack.enter_context(object_store())
        sink = stack.enter_context(smtp_sink())
        stripe = stack.enter_context(localstripe())
        env.update(store.env(), STRIPE_API_BASE=stripe, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port))
        top = Topology(
            site=site, http_site=f"http://127.0.0.1:{http_port}", apps=[f"http://127.0.0.1:{p}" for p in app_ports],
            stripe=stripe, env=env, info={}, store=store, sink=sink, folder=folder, ca=str(cert),
        )  # fmt: skip
        top.info = top.child("setup", str(CLIENTS))

        renderer = _load_renderer()
        site_conf = renderer.render_site(
            server_name="127.0.0.1", apps=[a.removeprefix("http://") for a in top.apps], static_root=str(static_root),
            tls_cert=str(cert), tls_key=str(key), http_listen=f"127.0.0.1:{http_port}",
            https_listen=f"127.0.0.1:{https_port}", acme_root=str(folder),
        )  # fmt: skip
        (folder / "nginx.conf").write_text(renderer.standalone(site_conf, prefix=folder))
        test_config = subprocess.run(
            [NGINX, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert test_config.returncode == 0, test_config.stderr
        nginx = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
            start_new_session=True,
        )  # fmt: skip
        stack.callback(_stop, nginx)
        for index in range(WEB_PROCESSES):
            top.start_web(index)
        for _ in range(WORKERS):
            top.start_worker()
        stack.callback(lambda: [_stop(p) for p in top.web + top.workers])
        for index, app in enumerate(top.apps):
            _wait_for(app + "/robots.txt", top.web[index], f"app process {index}")
        _wait_for(site + "/robots.txt", nginx, "nginx", verify=str(cert))
        yield top


def _file_counts(folder: Path) -> dict[str, tuple[int, int]]:
    counts = {}
    for path in folder.glob("task-*.txt"):
        lines = path.read_text().splitlines()
        counts[path.name] = (lines.count("start"), lines.count("done"))
    return counts


@pytest.mark.slow
@pytest.mark.xdist_group("topology")
def test_booking_race_through_nginx_survives_a_killed_web_process_and_worker(topology):
    top = topology
    sessions = top.info["sessions"]
    kinds = ["card", "card", "free", "free"]
    clients = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.topology_client",
                top.site,
                top.stripe,
                email,
                "topology-password-1",
                str(sessions[kind]),
                kind,
            ],
            cwd=ROOT,
            env=top.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for email, kind in zip(top.info["emails"], kinds, strict=True)
    ]
    # Mid-run: one web process is killed outright and started again...
    time.sleep(2.0)
    top.web[0].send_signal(signal.SIGKILL)
    top.web[0].wait()
    restarted = top.start_web(0)
    # ...and one worker is killed in the middle of a batch of tasks.
    tasks = top.folder / "tasks"
    tasks.mkdir()
    batch = top.child("enqueue", str(tasks), str(TASK_BATCH))["ids"]
    deadline = time.monotonic() + 30
    while sum(done for _s, done in _file_counts(tasks).values()) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.07)  # into the next tasks (0.15 s each), not between two
    top.workers[0].send_signal(signal.SIGKILL)
    top.workers[0].wait()
    _wait_for(top.apps[0] + "/robots.txt", restarted, "the restarted app process")

    outcomes = []
    for client in clients:
        out, _ = client.communicate(timeout=120)
        assert client.returncode == 0, out
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert all(not o["errors"] for o in outcomes), [o["errors"] for o in outcomes]

    # Every task of the batch finished, each run to the end by one worker,
    # except the one the killed worker was running: the other worker puts it
    # back (stale heartbeat) and runs it again (tasks are idempotent).
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        results = top.child("tasks", json.dumps(batch))
        if len(results) == TASK_BATCH and all(r["status"] == "SUCCESSFUL" for r in results.values()):
            break
        time.sleep(0.5)
    assert sorted(r["status"] for r in results.values()) == ["SUCCESSFUL"] * TASK_BATCH
    run_again = [r for r in results.values() if len(r["workers"]) > 1]
    assert len(run_again) <= 1, run_again
    counts = _file_counts(tasks)
    assert len(counts) == TASK_BATCH
    assert sum(done for _s, done in counts.values()) <= TASK_BATCH + len(run_again), counts
    assert all(done >= 1 for _s, done in counts.values()), counts

    # Exactly 20 seats of each session; one succeeded payment per confirmed card booking.
    confirmed = sum(len(o["confirmed"]) for o in outcomes)
    assert confirmed == 40
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        state = top.child("verify", json.dumps(sessions))
        confirmations = [m for m in state["outbox"] if m["event"] == "bookings.confirmed"]
        if len(confirmations) == 40 and all(m["status"] == "sent" for m in state["outbox"]):
            break
        time.sleep(0.5)
    for kind in ("card", "free"):
        assert state[kind]["seats_taken"] == 20 == state[kind]["taking_seats"], state[kind]
        assert state[kind]["confirmed"] == 20, state[kind]
    assert state["card"]["payments_per_confirmed"] == [1] * 20
    intents = state["card"]["provider_ids"]
    assert len(set(intents)) == 20
    for intent in intents:
        found = requests.get(
            f"{top.stripe}/v1/payment_intents/{intent}", auth=("sk_test_coursemarket_localstripe", ""), timeout=10
        ).json()
        assert found["status"] == "succeeded", found
        assert found["amount"] == 8000

    # Every email delivered to the SMTP sink, each Message-ID once.
    assert len(confirmations) == 40
    assert all(m["status"] == "sent" for m in state["outbox"]), state["outbox"]
    delivered = top.sink.message_ids()
    for message in state["outbox"]:
        assert delivered.count(message["message_id"]) == 1, message
    assert len(delivered) == len(state["outbox"])
    # The periodic jobs kept running on the surviving worker, each run enqueued once.
    assert sum(o["retries"] for o in outcomes) >= 0  # retries are allowed, never needed for correctness


@pytest.mark.slow
@pytest.mark.xdist_group("topology")
def test_session_cache_and_rate_limit_are_shared_by_every_process(topology):
    top = topology
    import html

    # A session signed in through nginx is valid on every app process.
    owner = requests.Session()
    owner.verify, owner.trust_env = top.ca, False  # not REQUESTS_CA_BUNDLE
    page = owner.get(top.site + "/en/account/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    signed_in = owner.post(
        top.site + "/en/account/login/",
        data={"csrfmiddlewaretoken": token, "login": top.info["owner"], "password": "topology-password-1"},
        headers={"Referer": top.site + "/en/account/login/", "Origin": top.site},
        timeout=10, allow_redirects=False,
    )  # fmt: skip
    assert signed_in.status_code == 302, signed_in.text[:300]
    cookies = {"sessionid": owner.cookies["sessionid"], "csrftoken": owner.cookies["csrftoken"]}
    for index in range(WEB_PROCESSES):
        mine = top.direct(index, "/en/account/", cookies=cookies)
        assert mine.status_code == 200, (index, mine.status_code)
        assert top.info["owner"] in mine.text
        anonymous = top.direct(index, "/en/account/")
        assert anonymous.status_code == 302

    # A course edited through one process shows at once on the others
    # (their cached pages are invalidated).
    course = top.info["course"]
    public = f"/en/courses/{course['slug']}/"
    for index in range(WEB_PROCESSES):
        assert "Topology: paid workshop" in top.direct(index, public).text
        assert "Topology: paid workshop" in top.direct(index, public).text  # now from the cache
    edit = f"/en/dashboard/schools/{top.info['school']['slug']}/courses/{course['id']}/"
    form_page = top.direct(0, edit, cookies=cookies)
    assert form_page.status_code == 200, form_page.status_code
    data = _form_fields(form_page.text, "title")
    data["title"] = "Topology: renamed workshop"
    origin = top.apps[0].replace("http://", "https://")
    saved = top.direct(
        0, edit, method="POST", cookies=cookies, data=data,
        headers={"Origin": origin, "Referer": origin + edit, "X-CSRFToken": cookies["csrftoken"]},
    )  # fmt: skip
    assert saved.status_code == 302, html.unescape(saved.text)[:2000]
    for index in (1, 2):
        page = top.direct(index, public).text
        assert "Topology: renamed workshop" in page
        assert "Topology: paid workshop" not in page

    # Failed sign-ins count across processes: nginx spreads the attempts over
    # all three; the sixth is refused whichever process gets it.
    # Counted from zero: the limit is also per address, and every client here is
    # 127.0.0.1 (sign-ins of the earlier tests in this module count there too).
    import redis as redis_client

    store = redis_client.Redis.from_url(top.env["REDIS_URL"])
    stale = list(store.scan_iter(f"{top.env['REDIS_KEY_PREFIX']}:*allauth*"))
    if stale:
        store.delete(*stale)
    stranger = requests.Session()
    stranger.verify, stranger.trust_env = top.ca, False
    answers = []
    for _attempt in range(6):
        page = stranger.get(top.site + "/en/account/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answers.append(
            stranger.post(
                top.site + "/en/account/login/",
                data={"csrfmiddlewaretoken": token, "login": top.info["emails"][0], "password": "not-the-password"},
                headers={"Referer": top.site + "/en/account/login/", "Origin": top.site},
                timeout=10,
            ).text
        )  # fmt: skip
    assert all("Too many failed login attempts" not in a for a in answers[:5])
    assert "Too many failed login attempts" in answers[5]


@pytest.mark.slow
@pytest.mark.xdist_group("topology")
def test_logo_from_object_storage_static_files_and_limits_through_the_shipped_nginx(topology):
    top = topology
    logo = top.info["school"]["logo"]
    assert logo.startswith(top.store.public_url + "/schools/logos/")
    for index in range(WEB_PROCESSES):
        page = top.direct(index, f"/en/schools/{top.info['school']['slug']}/")
        assert page.status_code == 200
        assert logo in page.text
        assert top.store.endpoint in page.headers["Content-Security-Policy"]
    fetched = requests.get(logo, timeout=10)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"].startswith("image/")
    assert "immutable" in fetched.headers["Cache-Control"]

    # Static files come from collectstatic's output through nginx, hashed
    # names cached for a year; plain HTTP is sent to HTTPS.
    home = requests.get(top.site + "/en/", verify=top.ca, timeout=10)
    hashed = re.search(r'(/static/[^"]+\.[0-9a-f]{12}\.css)', home.text).group(1)
    static = requests.get(top.site + hashed, verify=top.ca, timeout=10)
    assert static.status_code == 200
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert static.headers["Server"].startswith("nginx")
    redirect = requests.get(top.http_site + "/en/", timeout=10, allow_redirects=False)
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == top.site + "/en/"
    # Bigger than any upload we accept: refused by nginx, before the app.
    too_big = requests.post(top.site + "/en/account/login/", data=b"x" * (12 * 1024 * 1024), verify=top.ca, timeout=30)
    assert too_big.status_code == 413
    # The app saw HTTPS through nginx (secure cookies), and believes the
    # header from nobody but its proxy: its client address is nginx's peer.
    assert "Secure" in home.headers.get("Set-Cookie", "Secure")
    health = requests.get(top.site + "/healthz", verify=top.ca, timeout=10).json()
    assert health["status"] == "ok", health


def _form_fields(page: str, marker: str) -> dict[str, str | list[str]]:
    """The fields of the form on `page` that has a field named `marker`, with
    the values the page shows (what a browser would submit unchanged)."""
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.forms: list[dict[str, list[str]]] = []
            self.current: dict[str, list[str]] | None = None
            self.select: str | None = None
            self.textarea: str | None = None

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            a = {k: (v or "") for k, v in attrs}
            if tag == "form":
                self.current = {}
                self.forms.append(self.current)
            elif self.current is None:
                return
            elif tag == "input" and a.get("name"):
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in a:
                    self.current.setdefault(a["name"], [])
                elif kind not in ("submit", "button", "file", "image"):
                    self.current.setdefault(a["name"], []).append(a.get("value", "on" if kind == "checkbox" else ""))
            elif tag == "select" and a.get("name"):
                self.select = a["name"]
                self.current.setdefault(self.select, [])
            elif tag == "option" and self.select and "selected" in a:
                self.current[self.select].append(a.get("value", ""))
            elif tag == "textarea" and a.get("name"):
                self.textarea = a["name"]
                self.current[self.textarea] = [""]

        def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None
            elif tag == "form":
                self.current = None

        def handle_data(self, data):  # type: ignore[no-untyped-def]
            if self.textarea and self.current is not None:
                self.current[self.textarea][0] += data

    parser = Forms()
    parser.feed(page)
    form = next(f for f in parser.forms if marker in f)
    return {k: (v[0] if len(v) == 1 else v) for k, v in form.items() if v}
