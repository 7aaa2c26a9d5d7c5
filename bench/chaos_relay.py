"""A webhook relay between the emulator's triggers and the web service.

Salesforce delivers an Outbound Message at least once and retries for a day, so the same
notification can arrive several times and out of order; a Flow callout retried by its
sender does the same. The relay makes that happen on purpose: it acknowledges each
trigger delivery at once, keeps it, and ``flush`` forwards every kept delivery ``copies``
times in a seeded random order (the control org: once each, in order). Each forward is
retried until the service gives a final answer — 2xx, or 409 for a replayed event id — as
a sender would; a 5xx (Redis down) or a refused connection is retried.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from webhooks.outbound_xml import ACK_ENVELOPE

FORWARD_TIMEOUT = 10
FORWARDED_HEADERS = ("Content-Type", "SOAPAction", "X-Radar-Signature", "X-Radar-Timestamp")
FINAL = {409}  # a replayed event id: the service already has it


@dataclass(frozen=True)
class Captured:
    """One delivery a trigger made to the relay."""

    index: int
    kind: str  # "events" | "outbound"
    headers: dict[str, str]
    body: bytes


@dataclass
class RelayReport:
    """What ``flush`` sent and what the service answered."""

    captured: int = 0
    sent: int = 0
    attempts: int = 0
    out_of_order: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    unanswered: int = 0  # gave up before a final answer (deadline)

    def as_dict(self) -> dict[str, object]:
        return {"captured": self.captured, "sent": self.sent, "attempts": self.attempts,
                "out_of_order": self.out_of_order, "statuses": dict(self.statuses),
                "unanswered": self.unanswered}


class WebhookRelay:
    """Listens on 127.0.0.1 for trigger deliveries (``/events``, ``/outbound``) and forwards
    them to ``target`` (the web service's base URL) on ``flush``."""

    def __init__(self, target: str, outbound_token: str) -> None:
        self.target = target.rstrip("/")
        self.outbound_token = outbound_token
        self.captured: list[Captured] = []
        self._lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                kind = self.path.strip("/")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {h: self.headers[h] for h in FORWARDED_HEADERS if self.headers.get(h)}
                with relay._lock:
                    relay.captured.append(Captured(len(relay.captured), kind, headers, body))
                if kind == "outbound":
                    payload, ctype, status = ACK_ENVELOPE.encode(), "text/xml; charset=utf-8", 200
                else:
                    payload, ctype, status = b'{"relayed": true}', "application/json", 202
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="chaos-relay")

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> WebhookRelay:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self) -> int:
        with self._lock:
            return len(self.captured)

    def wait_for(self, expected: int, timeout: float) -> int:
        """Wait until ``expected`` deliveries were captured; returns how many were."""
        deadline = time.monotonic() + timeout
        while self.count() < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.count()

    def _url(self, kind: str) -> str:
        if kind == "outbound":
            return f"{self.target}/webhooks/salesforce/outbound/{self.outbound_token}"
        return f"{self.target}/webhooks/salesforce/events"

    def flush(self, copies: int, rng: random.Random | None, deadline_seconds: float = 300.0,
              threads: int = 4, on_progress: Callable[[int, int], None] | None = None
              ) -> RelayReport:
        """Forward every captured delivery ``copies`` times; shuffled when ``rng`` is given.

        Args:
            on_progress: called with (sent so far, total) after each final answer, e.g. to
                restart Redis part-way through.
        """
        with self._lock:
            batch, self.captured = list(self.captured), []
        plan = [c for c in batch for _ in range(copies)]
        if rng is not None:
            rng.shuffle(plan)
        report = RelayReport(captured=len(batch))
        highest = -1
        for item in plan:  # a delivery sent after a later-captured one arrives out of order
            report.out_of_order += item.index < highest
            highest = max(highest, item.index)
        deadline = time.monotonic() + deadline_seconds
        lock = threading.Lock()
        session = requests.Session()

        def forward(item: Captured) -> None:
            while True:
                try:
                    response = session.post(self._url(item.kind), data=item.body,
                                            headers=item.headers, timeout=FORWARD_TIMEOUT)
                    status = response.status_code
                except requests.RequestException:
                    status = 0
                with lock:
                    report.attempts += 1
                final = 200 <= status < 300 or status in FINAL or 400 <= status < 500
                if final or time.monotonic() > deadline:
                    with lock:
                        if final:
                            report.statuses[f"{item.kind} {status}"] += 1
                            report.sent += 1
                        else:
                            report.unanswered += 1
                        done = report.sent + report.unanswered
                    if on_progress is not None:
                        on_progress(done, len(plan))
                    return
                time.sleep(0.5)

        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(forward, plan))
        return report
