"""The REST API pipeline under /services/data/: session check, daily allowance, faults,
then a route table of handlers that know nothing about Flask — so `composite` can run
subrequests through the same handlers inside one transaction."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.errors import ApiError
from emulator.writer import Writer

if TYPE_CHECKING:
    from emulator.org import Org
    from emulator.sessions import Session

VERSION_RE = re.compile(r"^v(\d+\.\d)$")
SUPPORTED_VERSIONS = [f"{v}.0" for v in range(31, 63)]


@dataclass
class ApiResponse:
    """What a handler answers: status, a JSON-able body (or text/bytes) and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"


@dataclass
class ApiCall:
    """One API request as handlers see it."""

    org: Org
    session: Session
    version: str
    method: str
    path: str  # after /services/data/vXX.X/
    args: dict[str, str]
    headers: dict[str, str]
    raw_body: bytes
    conn: Any
    shared_writer: Writer | None = None
    _json: Any = None

    @property
    def user_id(self) -> str:
        """The calling user."""
        return self.session.user_id

    def json(self) -> Any:
        """The body parsed as JSON (400 JSON_PARSER_ERROR when it is not)."""
        if self._json is None:
            try:
                self._json = json.loads(self.raw_body or b"null")
            except ValueError as exc:
                raise ApiError(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}") from None
        return self._json

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """The transaction to write in: composite's shared one, or a new one committed at exit."""
        if self.shared_writer is not None:
            yield self.shared_writer
            return
        with self.org.store.writer(self.user_id, conn=self.conn) as writer:
            yield writer

    def url(self, suffix: str) -> str:
        """A root-relative url under this call's API version."""
        return f"/services/data/v{self.version}/{suffix}"


Handler = Callable[..., ApiResponse]


@dataclass(frozen=True)
class Route:
    """A handler for a method and a path pattern (relative to /services/data/vXX.X/)."""

    methods: frozenset[str]
    pattern: re.Pattern[str]
    handler: Handler
    kind: str
    writes: bool = False


class Router:
    """Matches API paths to handlers."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, methods: str, pattern: str, kind: str, writes: bool | str = False) -> Callable[[Handler], Handler]:
        """Decorator registering a handler; ``writes`` may name the methods that write."""

        def register(handler: Handler) -> Handler:
            method_set = frozenset(methods.split())
            write_flag = writes if isinstance(writes, bool) else False
            if isinstance(writes, str):
                for method in method_set:
                    self.routes.append(Route(frozenset({method}), re.compile(f"^{pattern}$"), handler, kind,
                                             method in writes.split()))
                return handler
            self.routes.append(Route(method_set, re.compile(f"^{pattern}$"), handler, kind, write_flag))
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route and its path parameters (404 NOT_FOUND when nothing matches)."""
        path = path.rstrip("/")
        allowed: set[str] = set()
        for route in self.routes:
            found = route.pattern.match(path)
            if found:
                if method in route.methods:
                    return route, found.groupdict()
                allowed |= route.methods
        if allowed:
            # Salesforce names the methods the resource takes: "HTTP Method 'PUT' not allowed.
            # Allowed are GET,PATCH,DELETE" (HEAD goes with GET).
            names = sorted(allowed | ({"HEAD"} if "GET" in allowed else set()))
            raise ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {','.join(names)}")
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")


ROUTER = Router()


def bearer_token(headers: dict[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer|OAuth <token>`` header."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "oauth") and token.strip() else None


def handle(org: Org, method: str, full_path: str, args: dict[str, str], headers: dict[str, str],
           body: bytes) -> ApiResponse:
    """Run one API request through session check, allowance, faults and its handler."""
    try:
        return _handle(org, method, full_path, args, headers, body)
    except ApiError as error:
        return ApiResponse(error.status, error.body(), error.headers)


def _handle(org: Org, method: str, full_path: str, args: dict[str, str], headers: dict[str, str],
            body: bytes) -> ApiResponse:
    version_part, _, rest = full_path.partition("/")
    version_match = VERSION_RE.match(version_part)
    if not version_match:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    session = org.sessions.check(bearer_token(headers))
    if session is None:
        raise ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")
    route, params = ROUTER.match(method, rest)
    if not org.usage.take(route.kind):
        raise ApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    fault = org.faults.decide(route.writes)
    if fault.latency_ms:
        time.sleep(fault.latency_ms / 1000)
    if fault.kind == "expire":
        org.sessions.expire(session.token)
        org.usage.faults["expire"] += 1
        raise ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")
    if fault.kind == "unavailable" or (fault.kind == "lock" and not route.writes):
        org.usage.faults["unavailable"] += 1
        raise ApiError(503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable. Please retry.")
    with org.store.connection() as conn:
        call = ApiCall(org, session, version_match.group(1), method, rest, args, headers, body, conn)
        if fault.kind == "lock":
            org.usage.faults["lock"] += 1
            return lock_fault_response(call, route)
        return route.handler(call, **params)


def run_subrequest(parent: ApiCall, method: str, url: str, body: Any, writer: Writer | None) -> ApiResponse:
    """Run a composite subrequest through the route table (no extra allowance or faults)."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    path = parts.path
    prefix = "/services/data/"
    if not path.startswith(prefix):
        raise ApiError(400, "INVALID_API_INPUT", f"Invalid url: {url}")
    version_part, _, rest = path[len(prefix):].partition("/")
    version_match = VERSION_RE.match(version_part)
    if not version_match:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    route, params = ROUTER.match(method, rest)
    parent.org.usage.note_subrequest(route.kind, route.writes)
    raw = json.dumps(body).encode() if body is not None else b""
    call = ApiCall(parent.org, parent.session, version_match.group(1), method, rest,
                   dict(parse_qsl(parts.query)), parent.headers, raw, parent.conn, writer)
    try:
        return route.handler(call, **params)
    except ApiError as error:
        return ApiResponse(error.status, error.body(), error.headers)


def lock_fault_response(call: ApiCall, route: Route) -> ApiResponse:
    """UNABLE_TO_LOCK_ROW for every record of a write, with nothing written."""
    message = "unable to obtain exclusive access to this record or 1 records"
    if route.kind == "collections":
        payload = call.json() if call.method != "DELETE" else None
        count = len(payload.get("records", [])) if isinstance(payload, dict) else len(
            (call.args.get("ids") or "").split(","))
        error = {"statusCode": "UNABLE_TO_LOCK_ROW", "message": message, "fields": []}
        return ApiResponse(200, [{"success": False, "errors": [error]} for _ in range(count)])
    return ApiResponse(400, [{"message": message, "errorCode": "UNABLE_TO_LOCK_ROW", "fields": []}])
