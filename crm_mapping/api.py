"""Admin mapping API: a flask-smorest blueprint, protected by the admin token.

Endpoints (below ``/admin/mapping``): list versions, get one, validate a draft (preflight
against the org's describe + a dry-run translation of sample accounts), save, activate,
roll back, diff. Errors use flask-smorest's envelope ``{code, status, message, errors}``;
an invalid document answers 400 with one ``{path, message}`` per problem.

Activating a version (directly, on save with ``activate``, or by rolling back) runs the
same org check as the admin pages first: a version the org check rejects is refused with
409 naming each problem, unless the request says ``"force": true`` (logged as a warning).

Mount with ``init_app(app, store_factory, describe_provider, sample_provider)``.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, current_app, request
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort
from webargs.flaskparser import FlaskParser

from crm_mapping.api_schemas import (
    ActivateArgsSchema,
    DiffArgsSchema,
    DiffSchema,
    DraftArgsSchema,
    InvalidDocumentSchema,
    RollbackArgsSchema,
    SaveArgsSchema,
    ValidationResultSchema,
    VersionSchema,
    VersionSummarySchema,
)
from crm_mapping.diff import diff_documents
from crm_mapping.document import FieldMapping, MappingInvalid, load_mapping
from crm_mapping.preflight import preflight
from crm_mapping.snapshots import to_snapshot
from crm_mapping.store import MappingStore, VersionNotFound
from crm_mapping.translate import TranslationIssue, build_org_index
from integration.contracts import AccountBundle, OrgData

log = logging.getLogger(__name__)

StoreFactory = Callable[[], MappingStore]
# sobject API names -> describe JSON per name (None / absent when the org has no such object)
DescribeProvider = Callable[[Sequence[str]], Mapping[str, Mapping[str, Any] | None]]
# (draft mapping, how many) -> sample bundles, or (bundles, OrgData) to resolve products
SampleProvider = Callable[[FieldMapping, int],
                          Sequence[AccountBundle] | tuple[Sequence[AccountBundle], OrgData]]
SAMPLE_SIZE = 5
SECURITY_SCHEME = "adminToken"
# Every operation is behind the token and the failure throttle, and reads a JSON body
# bounded by the app's MAX_CONTENT_LENGTH.
GUARD_RESPONSES = ((401, "UNAUTHORIZED"), (413, "REQUEST_ENTITY_TOO_LARGE"),
                   (429, "TOO_MANY_REQUESTS"))


class BoundedJSONParser(FlaskParser):
    """webargs' Flask parser, with JSON nested past the decoder's recursion limit answered
    as invalid JSON (400) instead of escaping as a RecursionError (500)."""

    def _raw_load_json(self, req: Any) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError as exc:
            raise json.JSONDecodeError("JSON is nested too deeply", "[", 0) from exc


def _json_ready(value: Any) -> Any:
    """Dataclass trees -> JSON-compatible values (dates ISO, sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_ready(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_json_ready(v) for v in value)
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    return value


def _guarded(view: Callable[..., Any], blp: Blueprint) -> Callable[..., Any]:
    """Document the token requirement and the guard's answers on one operation."""
    for code, response in GUARD_RESPONSES:
        view = blp.alt_response(code, response=response)(view)
    return blp.doc(security=[{SECURITY_SCHEME: []}])(view)


def _invalid(exc: MappingInvalid) -> None:
    abort(400, message=f"mapping document is invalid ({len(exc.problems)} problem(s))",
          errors=[{"path": p.path, "message": p.message} for p in exc.problems])


def create_blueprint(store_factory: StoreFactory,
                     describe_provider: DescribeProvider | None = None,
                     sample_provider: SampleProvider | None = None,
                     admin_token: str | None = None) -> Blueprint:
    """The admin mapping blueprint.

    Args:
        store_factory: returns the MappingStore of the org served (called per request).
        describe_provider: fetches describe JSON for object names (validation's preflight).
        sample_provider: gives sample bundles read under a draft mapping (dry run).
        admin_token: the expected bearer token; default ``app.config["RADAR_ADMIN_TOKEN"]``.
            With no token configured every request is refused (fail closed).
    """
    blp = Blueprint("admin_mapping", __name__, url_prefix="/admin/mapping",
                    description="Field mapping versions of the org (admin token required)")
    blp.ARGUMENTS_PARSER = BoundedJSONParser()

    @blp.before_request
    def require_token() -> None:
        expected = admin_token or current_app.config.get("RADAR_ADMIN_TOKEN") or ""
        header = request.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else ""
        throttle = current_app.extensions.get("radar.auth_throttle")
        wait = throttle.retry_after(request.remote_addr) if throttle else None
        if wait is not None:
            abort(429, message=f"too many failed admin authentications from this address; "
                               f"try again in {wait} s", headers={"Retry-After": str(wait)})
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            if throttle and given:
                throttle.record_failure(request.remote_addr)
            abort(401, message="a valid admin token is required (Authorization: Bearer ...)",
                  headers={"WWW-Authenticate": "Bearer"})

    def guarded(view: Callable[..., Any]) -> Callable[..., Any]:
        return _guarded(view, blp)

    def checked(mapping: FieldMapping, what: str, force: bool) -> None:
        _org_check_or_refuse(mapping, describe_provider, what, force)

    @blp.route("/versions")
    class Versions(MethodView):
        @guarded
        @blp.response(200, VersionSummarySchema(many=True))
        def get(self) -> list[dict[str, Any]]:
            """List every saved version, oldest first."""
            return [v.summary() for v in store_factory().list_versions()]

        @guarded
        @blp.arguments(SaveArgsSchema)
        @blp.response(201, VersionSchema)
        @blp.alt_response(400, schema=InvalidDocumentSchema, description="invalid document")
        @blp.alt_response(409, schema=InvalidDocumentSchema,
                          description="activate asked, and the org check found errors")
        def post(self, args: dict[str, Any]) -> dict[str, Any]:
            """Save a document as a new version (optionally activating it: the org check
            runs first, and a refused document is not stored)."""
            try:
                if args["activate"]:
                    checked(load_mapping(args["document"]), "the new version", args["force"])
                saved = store_factory().save(args["document"], author=args["author"],
                                             comment=args["comment"], activate=args["activate"])
            except MappingInvalid as exc:
                _invalid(exc)
            return {**saved.summary(), "document": saved.document}

    @blp.route("/versions/<int:version>")
    class VersionItem(MethodView):
        @guarded
        @blp.response(200, VersionSchema)
        def get(self, version: int) -> dict[str, Any]:
            """One version with its full document."""
            found = _get(store_factory(), version)
            return {**found.summary(), "document": found.document}

    @blp.route("/versions/<int:version>/activate")
    class Activate(MethodView):
        @guarded
        @blp.arguments(ActivateArgsSchema, required=False)
        @blp.response(200, VersionSummarySchema)
        @blp.alt_response(409, schema=InvalidDocumentSchema,
                          description="the org check found errors in this version")
        def post(self, args: dict[str, Any], version: int) -> dict[str, Any]:
            """Make a saved version the active one, after the same org check as the admin
            pages (``force`` activates despite errors, and is logged)."""
            store = store_factory()
            checked(_get(store, version).mapping(), f"version {version}", args["force"])
            return store.activate(version).summary()

    @blp.route("/versions/<int:version>/rollback")
    class Rollback(MethodView):
        @guarded
        @blp.arguments(RollbackArgsSchema, required=False)
        @blp.response(201, VersionSummarySchema)
        @blp.alt_response(409, schema=InvalidDocumentSchema,
                          description="the org check found errors in that version")
        def post(self, args: dict[str, Any], version: int) -> dict[str, Any]:
            """Copy an older version into a new, active version (org check first)."""
            store = store_factory()
            checked(_get(store, version).mapping(), f"version {version}", args["force"])
            return store.rollback(version, author=args["author"],
                                  comment=args["comment"]).summary()

    @blp.route("/diff")
    class Diff(MethodView):
        @guarded
        @blp.arguments(DiffArgsSchema, location="query")
        @blp.response(200, DiffSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Per logical field: added, removed, changed between two versions."""
            store = store_factory()
            old = _get(store, args["from_version"])
            new = _get(store, args["to_version"])
            return diff_documents(old.document, new.document).to_dict()

    @blp.route("/validate")
    class Validate(MethodView):
        @guarded
        @blp.arguments(DraftArgsSchema)
        @blp.response(200, ValidationResultSchema)
        @blp.alt_response(400, schema=InvalidDocumentSchema, description="invalid document")
        def post(self, args: dict[str, Any]) -> dict[str, Any]:
            """Validate a draft: preflight against the org and a dry run on sample accounts."""
            try:
                draft = load_mapping(args["document"])
            except MappingInvalid as exc:
                _invalid(exc)
            return _dry_run(draft, describe_provider, sample_provider)

    return blp


def _get(store: MappingStore, version: int) -> Any:
    try:
        return store.get(version)
    except VersionNotFound:
        abort(404, message=f"mapping version {version} does not exist")


def _org_check_or_refuse(mapping: FieldMapping, describe_provider: DescribeProvider | None,
                         what: str, force: bool) -> None:
    """Refuse (409) to activate ``mapping`` when the org check finds errors, unless ``force``.

    The admin pages refuse the same way: a scan would refuse to start on such a mapping,
    and saying so now beats finding out at the next scheduled scan. An org that cannot be
    reached or no org connection lets the activation through, as in the admin pages.
    """
    if describe_provider is None:
        return
    names = sorted({s for s in mapping.objects.values() if s})
    try:
        report = preflight(mapping, describe_provider(names))
    except Exception as exc:  # noqa: BLE001 - an unreachable org does not block activation
        log.warning("mapping org check skipped for %s: %s", what, type(exc).__name__)
        return
    if report.ok:
        return
    problems = [{"path": p.logical,
                 "message": f"{'.'.join(x for x in (p.sobject, p.field) if x) or p.logical}: "
                            f"{p.message}. Fix: {p.fix}"}
                for p in report.errors]
    if force:
        log.warning("mapping %s activated with force despite %d org check error(s): %s",
                    what, len(problems), "; ".join(p["path"] for p in problems))
        return
    abort(409, message=f"{what} was not activated: the org check found {len(problems)} "
                       "error(s); fix them, or send \"force\": true to activate anyway",
          errors=problems)


def _dry_run(draft: FieldMapping, describe_provider: DescribeProvider | None,
             sample_provider: SampleProvider | None) -> dict[str, Any]:
    result: dict[str, Any] = {"preflight": None, "preflight_error": None, "samples": [],
                              "translation_issues": []}
    if describe_provider is not None:
        names = sorted({s for s in draft.objects.values() if s})
        try:
            report = preflight(draft, describe_provider(names))
            result["preflight"] = report.to_dict()
        except Exception as exc:  # noqa: BLE001 - the org being unreachable is a finding
            result["preflight_error"] = f"{type(exc).__name__}: {exc}"
    result["samples_error"] = None
    provided: Any = None
    if sample_provider is not None:
        try:
            provided = sample_provider(draft, SAMPLE_SIZE)
        except Exception as exc:  # noqa: BLE001 - like the preflight: a finding, not a 500
            result["samples_error"] = f"the sample accounts could not be read: {type(exc).__name__}"
    if provided is not None:
        org_data: OrgData | None = None
        if isinstance(provided, tuple) and len(provided) == 2 and isinstance(provided[1], OrgData):
            bundles, org_data = provided
        else:
            bundles = provided  # type: ignore[assignment]
        index = build_org_index(org_data, draft) if org_data is not None else None
        issues: list[TranslationIssue] = []
        now = datetime.now(UTC)
        result["samples"] = [_json_ready(to_snapshot(b, draft, index, now, issues))
                             for b in list(bundles)[:SAMPLE_SIZE]]
        result["translation_issues"] = [_json_ready(i) for i in issues]
    preflight_ok = result["preflight"] is None or result["preflight"]["ok"]
    result["ok"] = bool(preflight_ok and result["preflight_error"] is None)
    return json.loads(json.dumps(result, default=str))


def init_app(app: Flask, store_factory: StoreFactory,
             describe_provider: DescribeProvider | None = None,
             sample_provider: SampleProvider | None = None, *,
             admin_token: str | None = None, api: Api | None = None) -> Api:
    """Mount the admin mapping API on ``app`` (creating the flask-smorest Api if not given)."""
    if api is None:
        app.config.setdefault("API_TITLE", "Expansion Radar")
        app.config.setdefault("API_VERSION", "1")
        app.config.setdefault("OPENAPI_VERSION", "3.0.3")
        api = Api(app)
    api.register_blueprint(create_blueprint(store_factory, describe_provider, sample_provider,
                                            admin_token))
    components = api.spec.to_dict().get("components", {})
    if SECURITY_SCHEME not in components.get("securitySchemes", {}):
        api.spec.components.security_scheme(SECURITY_SCHEME, {
            "type": "http", "scheme": "bearer",
            "description": "RADAR_ADMIN_TOKEN; 20 failures from one address in 10 minutes "
                           "answer 429 until the 10 minutes end"})
    return api
