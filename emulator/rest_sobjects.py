"""REST resources: the version's resource list, limits, describe, and single-record
create / read / update / delete / upsert with the status codes Salesforce uses
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm:
201 created, 200 updated on v46.0+ (204 before), 300 when several records match)."""

from __future__ import annotations

from typing import Any

from emulator.api import ROUTER, ApiCall, ApiResponse
from emulator.describe import describe_global, describe_object, global_entry
from emulator.errors import ApiError, RecordError, not_found
from emulator.schema import ObjectDef, UnknownField, UnknownObject
from emulator.writer import DuplicateExternalId, RecordNotFound

OBJ = r"(?P<sobject>[A-Za-z][A-Za-z0-9_]*)"


def object_or_404(call: ApiCall, name: str) -> ObjectDef:
    """The object, or 404 NOT_FOUND as for an unknown sobject url."""
    try:
        return call.org.schema.object(name)
    except UnknownObject:
        raise not_found() from None


def record_error_response(error: RecordError) -> ApiResponse:
    """A failed single-record save as a REST error list."""
    if isinstance(error, RecordNotFound):
        return ApiResponse(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
    if error.status_code == "ENTITY_IS_DELETED":
        return ApiResponse(404, [error.as_api_error()])
    return ApiResponse(400, [error.as_api_error()])


def _body_dict(call: ApiCall) -> dict[str, Any]:
    body = call.json()
    if not isinstance(body, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of SObject from a non-object value")
    return body


@ROUTER.add("GET", r"", "resources")
def resources(call: ApiCall) -> ApiResponse:
    """GET /services/data/vXX.X/: only the resources this emulator serves (a client that finds
    ``search`` or ``tooling`` listed would call them), plus the caller's identity URL."""
    names = ["sobjects", "query", "queryAll", "limits", "composite", "jobs/ingest", "jobs/query"]
    body = {name: call.url(name) for name in names}
    body["identity"] = f"{call.org.instance_url}/id/{call.org.store.org_id}/{call.user_id}"
    return ApiResponse(200, body)


@ROUTER.add("GET", r"limits/recordCount", "limits")
def record_count(call: ApiCall) -> ApiResponse:
    """GET limits/recordCount[?sObjects=A,B]: approximate record counts per object
    (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_record_count.htm)."""
    asked = [n for n in (call.args.get("sObjects") or "").split(",") if n]
    schema = call.org.schema
    objects = [schema.object(n) for n in asked if schema.has_object(n)] if asked else list(schema.objects.values())
    counts = [{"count": call.org.store.count(obj.name), "name": obj.name} for obj in objects]
    return ApiResponse(200, {"sObjects": sorted(counts, key=lambda c: c["name"])})


@ROUTER.add("GET", r"limits", "limits")
def limits(call: ApiCall) -> ApiResponse:
    """GET limits/: the daily API allowance and a few bulk limits."""
    usage = call.org.usage
    return ApiResponse(200, {
        "DailyApiRequests": {"Max": usage.maximum, "Remaining": max(usage.maximum - usage.used, 0)},
        "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000 - call.org.bulk.count("query")},
        "DailyBulkV2QueryFileStorageMB": {"Max": 976562, "Remaining": 976562},
        "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000 - call.org.bulk.count("ingest")},
        "DataStorageMB": {"Max": 1024, "Remaining": 1024}, "FileStorageMB": {"Max": 1024, "Remaining": 1024},
    })


@ROUTER.add("GET", r"sobjects", "describe")
def sobjects_global(call: ApiCall) -> ApiResponse:
    """GET sobjects/ (describeGlobal)."""
    return ApiResponse(200, describe_global(call.org.schema, call.version))


@ROUTER.add("GET", rf"sobjects/{OBJ}/describe", "describe")
def sobject_describe(call: ApiCall, sobject: str) -> ApiResponse:
    """GET sobjects/{Obj}/describe."""
    return ApiResponse(200, describe_object(call.org.schema, object_or_404(call, sobject), call.version))


@ROUTER.add("GET POST", rf"sobjects/{OBJ}", "sobject", writes="POST")
def sobject_root(call: ApiCall, sobject: str) -> ApiResponse:
    """GET sobjects/{Obj}/ (basic info) or POST (create one record)."""
    obj = object_or_404(call, sobject)
    if call.method == "GET":
        return ApiResponse(200, {"objectDescribe": global_entry(obj, call.version), "recentItems": []})
    values = _body_dict(call)
    try:
        with call.write() as writer:
            record_id = writer.insert(obj.name, values)
    except RecordError as error:
        return record_error_response(error)
    return ApiResponse(201, {"id": record_id, "success": True, "errors": []},
                       {"Location": call.url(f"sobjects/{obj.name}/{record_id}")})


@ROUTER.add("GET PATCH DELETE", rf"sobjects/{OBJ}/(?P<record_id>[A-Za-z0-9]{{15}}|[A-Za-z0-9]{{18}})",
            "sobject", writes="PATCH DELETE")
def sobject_record(call: ApiCall, sobject: str, record_id: str) -> ApiResponse:
    """GET / PATCH / DELETE sobjects/{Obj}/{id}."""
    obj = object_or_404(call, sobject)
    if call.method == "GET":
        fields = [f for f in (call.args.get("fields") or "").split(",") if f.strip()]
        try:
            record = call.org.store.get(obj.name, record_id, [f.strip() for f in fields] or None, call.version,
                                         call.conn)
        except UnknownField as error:
            raise ApiError(400, "INVALID_FIELD", f"No such column '{error.args[0]}' on entity '{obj.name}'") from None
        if record is None:
            raise not_found()
        return ApiResponse(200, record)
    try:
        with call.write() as writer:
            if call.method == "PATCH":
                writer.update(obj.name, record_id, _body_dict(call))
            else:
                writer.delete(obj.name, record_id)
    except RecordError as error:
        return record_error_response(error)
    return ApiResponse(204, None)


@ROUTER.add("GET PATCH", rf"sobjects/{OBJ}/(?P<field_name>[A-Za-z][A-Za-z0-9_]*)/(?P<value>[^/]+)",
            "sobject", writes="PATCH")
def sobject_by_external_id(call: ApiCall, sobject: str, field_name: str, value: str) -> ApiResponse:
    """GET or PATCH (upsert) sobjects/{Obj}/{ExternalIdField}/{value}."""
    obj = object_or_404(call, sobject)
    if not obj.has_field(field_name):
        raise ApiError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {field_name}")
    if call.method == "GET":
        return _get_by_external_id(call, obj, field_name, value)
    values = _body_dict(call)
    try:
        with call.write() as writer:
            record_id, created = writer.upsert(obj.name, field_name, value, values)
    except DuplicateExternalId as error:
        return ApiResponse(300, [call.url(f"sobjects/{obj.name}/{i}") for i in error.ids])
    except RecordError as error:
        return record_error_response(error)
    body = {"id": record_id, "success": True, "errors": [], "created": created}
    if created:
        return ApiResponse(201, body, {"Location": call.url(f"sobjects/{obj.name}/{record_id}")})
    if float(call.version) >= 46.0:
        return ApiResponse(200, body)
    return ApiResponse(204, None)


def _get_by_external_id(call: ApiCall, obj: ObjectDef, field_name: str, value: str) -> ApiResponse:
    from emulator.sqlstore import ident

    definition = obj.field(field_name)
    ids = [row[0] for row in call.conn.execute(
        f"SELECT Id FROM {ident(obj.name)} WHERE {ident(definition.name)} = ? AND IsDeleted = 0",  # noqa: S608
        (value,))]
    if not ids:
        raise not_found()
    if len(ids) > 1:
        return ApiResponse(300, [call.url(f"sobjects/{obj.name}/{i}") for i in ids])
    return ApiResponse(200, call.org.store.get(obj.name, ids[0], None, call.version, call.conn))
