"""The emulator's own control endpoints (not Salesforce API) for tests and demos: faults,
the clock, API usage, sessions, triggers and call statistics. Protected by the control
token written into the env file (``Authorization: Bearer <token>``)."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, jsonify, request

from emulator.values import format_datetime, parse_datetime

if TYPE_CHECKING:
    from emulator.org import Org

bp = Blueprint("emulator_control", __name__, url_prefix="/__emulator")


def _org() -> Org:
    return current_app.config["EMULATOR_ORG"]


@bp.before_request
def _require_token() -> Response | None:
    expected = _org().credentials.control_token
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given, expected):
        response = jsonify([{"errorCode": "INVALID_SESSION_ID", "message": "control token required"}])
        response.status_code = 401
        return response
    return None


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.route("/faults", methods=["GET", "POST"])
def faults() -> Response:
    """GET the fault settings or POST {"rate","latency_ms","expire_every","seed"}."""
    org = _org()
    if request.method == "POST":
        body = _body()
        try:
            org.faults.configure(rate=body.get("rate"), latency_ms=body.get("latency_ms"),
                                 expire_every=body.get("expire_every"), seed=body.get("seed"))
        except ValueError as exc:
            return _bad(str(exc))
    return jsonify(org.faults.settings())


@bp.route("/clock", methods=["GET", "POST"])
def clock() -> Response:
    """GET now, or POST {"advance_seconds"|"advance_days"|"set": iso datetime}."""
    org = _org()
    if request.method == "POST":
        body = _body()
        if "set" in body:
            org.clock.set(parse_datetime(str(body["set"])))
        delta = timedelta(seconds=float(body.get("advance_seconds", 0)), days=float(body.get("advance_days", 0)))
        if delta:
            org.clock.advance(delta)
    return jsonify({"now": format_datetime(org.clock.now()), "offset_seconds": org.clock.offset.total_seconds()})


@bp.route("/stats", methods=["GET"])
def stats() -> Response:
    """Call counts by kind, API usage, faults injected, trigger deliveries."""
    org = _org()
    return jsonify({**org.usage.snapshot(), "fault_settings": org.faults.settings(),
                    "deliveries": org.triggers.stats(),
                    "notifications": list(org.notifications)})


@bp.route("/limits", methods=["POST"])
def limits() -> Response:
    """POST {"used": n, "max": m} to set the daily API counter."""
    org = _org()
    body = _body()
    org.usage.set(used=body.get("used"), maximum=body.get("max"))
    return jsonify(org.usage.snapshot())


@bp.route("/sessions/expire", methods=["POST"])
def expire_sessions() -> Response:
    """End every session now (the next API call answers 401 INVALID_SESSION_ID)."""
    return jsonify({"expired": _org().sessions.expire_all()})


@bp.route("/triggers", methods=["GET", "POST", "DELETE"])
def triggers() -> Response:
    """GET the rules and delivery log, POST a rule (or {"rules": [...]}), DELETE all rules."""
    org = _org()
    if request.method == "POST":
        body = _body()
        try:
            for rule in body.get("rules", [body]):
                org.triggers.add_rule(rule)
        except (KeyError, ValueError, TypeError) as exc:
            return _bad(f"invalid trigger rule: {exc}")
    elif request.method == "DELETE":
        org.triggers.clear()
    return jsonify({"rules": org.triggers.describe_rules(), "deliveries": org.triggers.stats()})


def _bad(message: str) -> Response:
    response = jsonify([{"errorCode": "INVALID_INPUT", "message": message}])
    response.status_code = 400
    return response
