"""Outside services the topology and media tests start on free loopback ports:
a local S3-compatible object store (moto's server mode), an SMTP sink
(aiosmtpd) and nginx. Each fails the test with one clear line when it cannot
start and REQUIRE_* says it must run; none is skipped (see tests/test_topology.py)."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import pytest

MEDIA_KEYS = {
    "MEDIA_ACCESS_KEY_ID": "cm-test-key",
    "MEDIA_SECRET_ACCESS_KEY": "cm-test-secret",
    "MEDIA_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def restartable_port() -> int:
    """A free port below the kernel's ephemeral range, for a server the test
    kills and starts again on the same port: a port from that range may be
    taken in between as the local end of any outgoing connection on the
    machine, and the restart would fail to bind."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    rng = random.Random()
    for _attempt in range(200):
        port = rng.randrange(max(1024, low - 12_000), low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


@dataclass
class ObjectStore:
    endpoint: str
    bucket: str

    @property
    def public_url(self) -> str:
        return f"{self.endpoint}/{self.bucket}"

    def env(self) -> dict[str, str]:
        """The settings' environment variables for this store (as an operator sets them)."""
        return {
            "MEDIA_BUCKET": self.bucket,
            "MEDIA_ENDPOINT_URL": self.endpoint,
            "MEDIA_PUBLIC_URL": self.public_url,
            **MEDIA_KEYS,
        }

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=MEDIA_KEYS["MEDIA_ACCESS_KEY_ID"],
            aws_secret_access_key=MEDIA_KEYS["MEDIA_SECRET_ACCESS_KEY"],
            region_name=MEDIA_KEYS["MEDIA_REGION"],
        )


@contextlib.contextmanager
def object_store(bucket: str = "coursemarket-media") -> Iterator[ObjectStore]:
    """moto's S3 in a thread of this process, on a free port, with `bucket`
    readable by anyone (what MEDIA_PUBLIC_URL assumes of a real bucket or CDN)."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # pragma: no cover - moto[server] is a dev dependency
        pytest.fail(f"moto[server] is needed for the object-store tests (pip install -r requirements/dev.txt): {exc}")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    store = ObjectStore(endpoint=f"http://127.0.0.1:{port}", bucket=bucket)
    try:
        client = store.client()
        client.create_bucket(Bucket=bucket)
        public_read = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::{bucket}/*"}],
        }  # fmt: skip
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read))
        yield store
    finally:
        server.stop()


@dataclass
class SmtpSink:
    port: int
    messages: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["message_id"] for m in self.messages]


@contextlib.contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    """An SMTP server (aiosmtpd) that keeps every message it is given."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(port=free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            parsed = message_from_bytes(envelope.content)
            with sink.lock:
                sink.messages.append(
                    {"message_id": parsed.get("Message-ID", ""), "to": ",".join(envelope.rcpt_tos),
                     "subject": parsed.get("Subject", "")}
                )  # fmt: skip
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
