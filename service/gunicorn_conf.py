"""gunicorn settings for the web service (``gunicorn -c python:service.gunicorn_conf
'service.app:create_app()'`` or ``radar serve``).

Sized for a small machine (2 cores): the requests are short and mostly wait on Redis, so a
few processes keep both cores busy without the memory of many processes.

Worker model: gevent. Each connection is a greenlet, so a client that sends headers and
then trickles (or never sends) its body parks one greenlet in a socket read instead of
holding one of a few threads: with ``gthread`` (2 workers x 4 threads) eight stalled
uploads left ``/healthz`` unanswered; with gevent it answers at once
(tests/web/test_stalled_uploads.py). Behind nginx, request buffering (docs/operations.md)
keeps slow bodies away from the workers altogether. Throughput: ``bench.webhook_load``.
Environment overrides: ``RADAR_BIND``, ``WEB_CONCURRENCY`` (processes),
``RADAR_WORKER_CONNECTIONS`` (open connections per process).
"""

from __future__ import annotations

import os

_cores = os.cpu_count() or 1

bind = os.environ.get("RADAR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(_cores + 1)))
worker_class = "gevent"
worker_connections = int(os.environ.get("RADAR_WORKER_CONNECTIONS", "1000"))
threads = 1  # not used by gevent workers; kept so ``radar serve --threads`` stays harmless
# Salesforce waits up to 60 s for an Outbound Message ack; nothing here should take long.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 20_000
max_requests_jitter = 2_000
# Heartbeat files in memory: a slow disk must not get healthy workers killed.
_SHM = "/dev/shm"  # noqa: S108 - gunicorn only writes heartbeat files there
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
accesslog = os.environ.get("RADAR_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("RADAR_LOG_LEVEL", "info")
# Each worker builds its own app and Redis connection pool after the fork.
preload_app = False
