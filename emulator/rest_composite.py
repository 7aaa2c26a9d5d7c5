"""sObject Collections (composite/sobjects), Composite (composite) and sObject Tree
(composite/tree/{Obj}).

Collections: at most 200 records; one result per record even when some fail; with
allOrNone the valid ones are rolled back and answer ALL_OR_NONE_OPERATION_ROLLED_BACK
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm).
Composite: up to 25 subrequests, ``@{ref.id}`` / ``@{ref.field}`` references, allOrNone
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm).
"""

from __future__ import annotations

import re
from typing import Any

from emulator.api import ROUTER, ApiCall, ApiResponse, run_subrequest
from emulator.errors import ApiError, RecordError
from emulator.rest_sobjects import OBJ, object_or_404
from emulator.schema import UnknownObject
from emulator.writer import Writer

MAX_COLLECTION = 200
MAX_SUBREQUESTS = 25
MAX_RETRIEVE = 2000
# "up to 25 subrequests ... up to 5 of which can be sObject Collections or query operations,
# including Query and QueryAll requests" (resources_composite_composite.htm).
MAX_QUERY_OR_COLLECTION = 5
_HEAVY = re.compile(r"/v\d+\.\d/(query|queryAll|composite/sobjects)(/|\?|$)")
ROLLED_BACK = {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
               "message": "Record rolled back because not all records were valid and the request was using "
                          "AllOrNone header", "fields": []}
_REF = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}")


class _Rollback(Exception):
    """Raised inside a savepoint to undo everything written since it."""


def _run_collection(call: ApiCall, all_or_none: bool, items: list[Any],
                    operation: Any) -> list[dict[str, Any]]:
    """Apply ``operation(writer, item) -> result`` per item; roll back all when asked to."""
    results: list[dict[str, Any]] = []
    try:
        with call.write() as writer, writer.savepoint():
            for item in items:
                try:
                    results.append({**operation(writer, item), "success": True, "errors": []})
                except RecordError as error:
                    results.append({"id": None, "success": False, "errors": [error.as_result_error()]})
                except UnknownObject as error:
                    results.append({"id": None, "success": False, "errors": [{
                        "statusCode": "INVALID_TYPE", "message": f"sObject type '{error.args[0]}' is not supported.",
                        "fields": []}]})
            if all_or_none and any(not r["success"] for r in results):
                raise _Rollback
    except _Rollback:
        for result in results:
            if result["success"]:
                result.update(id=None, success=False, errors=[ROLLED_BACK])
                result.pop("created", None)
    for result in results:
        if result.get("id") is None and not result["success"]:
            result.pop("id", None)
    return results


def _records(call: ApiCall) -> tuple[bool, list[dict[str, Any]]]:
    body = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise ApiError(400, "JSON_PARSER_ERROR", "Expected an object with a records array")
    if len(body["records"]) > MAX_COLLECTION:
        raise ApiError(400, "EXCEEDED_ID_LIMIT", f"Number of records exceeds the maximum of {MAX_COLLECTION}")
    return bool(body.get("allOrNone", False)), body["records"]


def _type_of(record: dict[str, Any]) -> str:
    sobject = (record.get("attributes") or {}).get("type")
    if not sobject:
        raise RecordError("INVALID_TYPE", "Must send a concrete entity type.", [])
    return str(sobject)


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "attributes"}


@ROUTER.add("POST PATCH DELETE GET", r"composite/sobjects", "collections", writes="POST PATCH DELETE")
def collections(call: ApiCall) -> ApiResponse:
    """POST create, PATCH update, DELETE ?ids=&allOrNone= on composite/sobjects."""
    if call.method == "DELETE":
        ids = [i for i in (call.args.get("ids") or "").split(",") if i]
        if len(ids) > MAX_COLLECTION:
            raise ApiError(400, "EXCEEDED_ID_LIMIT", f"Number of ids exceeds the maximum of {MAX_COLLECTION}")
        all_or_none = (call.args.get("allOrNone") or "false").lower() == "true"

        def delete(writer: Writer, record_id: str) -> dict[str, Any]:
            obj = call.org.store.object_for_id(record_id)
            if obj is None:
                raise RecordError("MALFORMED_ID", f"malformed id {record_id}", [])
            writer.delete(obj.name, record_id)
            return {"id": writer.lookup(obj.name, _id18(record_id))["Id"]}

        results = _run_collection(call, all_or_none, ids, delete)
        for result, record_id in zip(results, ids, strict=True):
            result.setdefault("id", record_id if not result["success"] else result.get("id"))
        return ApiResponse(200, results)
    if call.method == "GET":
        raise ApiError(400, "INVALID_INPUT", "Use composite/sobjects/{Obj}?ids= to retrieve records")
    all_or_none, records = _records(call)

    def create(writer: Writer, record: dict[str, Any]) -> dict[str, Any]:
        if record.get("id") or record.get("Id"):
            raise RecordError("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
        return {"id": writer.insert(_type_of(record), _fields(record))}

    def update(writer: Writer, record: dict[str, Any]) -> dict[str, Any]:
        fields = _fields(record)
        record_id = fields.pop("id", None) or fields.pop("Id", None)
        if not record_id:
            raise RecordError("MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
        writer.update(_type_of(record), str(record_id), fields)
        return {"id": _id18(str(record_id))}

    return ApiResponse(200, _run_collection(call, all_or_none, records, create if call.method == "POST" else update))


@ROUTER.add("GET POST", rf"composite/sobjects/{OBJ}", "collections")
def collection_retrieve(call: ApiCall, sobject: str) -> ApiResponse:
    """GET composite/sobjects/{Obj}?ids=&fields=, or POST with {"ids": [...], "fields": [...]} for up to
    2,000 ids (what jsforce's retrieve([ids]) sends); null for ids not found
    (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_retrieve.htm)."""
    obj = object_or_404(call, sobject)
    if call.method == "POST":
        body = call.json()
        if not isinstance(body, dict) or not isinstance(body.get("ids"), list) or not isinstance(
                body.get("fields"), list):
            raise ApiError(400, "JSON_PARSER_ERROR", "Expected an object with ids and fields arrays")
        ids, fields = [str(i) for i in body["ids"]], [str(f) for f in body["fields"]]
    else:
        ids = [i for i in (call.args.get("ids") or "").split(",") if i]
        fields = [f for f in (call.args.get("fields") or "").split(",") if f]
    if not fields:
        raise ApiError(400, "MISSING_ARGUMENT", "fields must be specified")
    if len(ids) > MAX_RETRIEVE:
        raise ApiError(400, "EXCEEDED_ID_LIMIT", f"Number of ids exceeds the maximum of {MAX_RETRIEVE}")
    return ApiResponse(200, [call.org.store.get(obj.name, i, fields, call.version, call.conn) for i in ids])


@ROUTER.add("PATCH", rf"composite/sobjects/{OBJ}/(?P<field_name>[A-Za-z][A-Za-z0-9_]*)", "collections", writes=True)
def collection_upsert(call: ApiCall, sobject: str, field_name: str) -> ApiResponse:
    """PATCH composite/sobjects/{Obj}/{ExtField}: upsert up to 200 records."""
    obj = object_or_404(call, sobject)
    all_or_none, records = _records(call)
    try:
        Writer.external_key(obj, field_name)
    except RecordError as error:
        raise ApiError(400, error.status_code, error.message) from None

    def upsert(writer: Writer, record: dict[str, Any]) -> dict[str, Any]:
        fields = _fields(record)
        key = next((v for k, v in fields.items() if k.lower() == field_name.lower()), None)
        if key in (None, ""):
            raise RecordError("MISSING_ARGUMENT", f"{field_name} not specified", [field_name])
        record_id, created = writer.upsert(_type_of(record) if record.get("attributes") else obj.name,
                                           field_name, key, fields)
        return {"id": record_id, "created": created}

    return ApiResponse(200, _run_collection(call, all_or_none, records, upsert))


def _id18(record_id: str) -> str:
    from emulator.values import normalize_id

    return normalize_id(record_id)


# -- composite -----------------------------------------------------------------------------
def _resolve(value: Any, responses: dict[str, Any]) -> Any:
    if isinstance(value, str):
        def replace(match: re.Match[str]) -> str:
            ref, path = match.group(1), match.group(2)
            if ref not in responses:
                raise KeyError(ref)
            current: Any = responses[ref]
            for part in re.findall(r"\.([A-Za-z0-9_]+)|\[(\d+)\]", path):
                current = current[int(part[1])] if part[1] else current[part[0]]
            return str(current)
        return _REF.sub(replace, value)
    if isinstance(value, dict):
        return {k: _resolve(v, responses) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, responses) for v in value]
    return value


def _halted(reference_id: str, message: str) -> dict[str, Any]:
    return {"body": [{"errorCode": "PROCESSING_HALTED", "message": message}], "httpHeaders": {},
            "httpStatusCode": 400, "referenceId": reference_id}


@ROUTER.add("POST", r"composite", "composite", writes=True)
def composite(call: ApiCall) -> ApiResponse:
    """POST composite: subrequests in order, later ones referring to earlier results."""
    body = call.json()
    requests_ = body.get("compositeRequest") if isinstance(body, dict) else None
    if not isinstance(requests_, list) or not requests_:
        raise ApiError(400, "JSON_PARSER_ERROR", "compositeRequest is required")
    if len(requests_) > MAX_SUBREQUESTS:
        raise ApiError(400, "INVALID_API_INPUT", f"Composite requests may hold at most {MAX_SUBREQUESTS} subrequests")
    heavy = sum(1 for sub in requests_ if isinstance(sub, dict) and _HEAVY.search(str(sub.get("url", ""))))
    if heavy > MAX_QUERY_OR_COLLECTION:
        raise ApiError(400, "INVALID_API_INPUT", f"Composite requests may hold at most {MAX_QUERY_OR_COLLECTION} "
                                                 "query or sObject Collections subrequests")
    all_or_none = bool(body.get("allOrNone", False))
    outputs: list[dict[str, Any]] = []
    bodies: dict[str, Any] = {}
    if not all_or_none:
        # Each subrequest commits on its own; a failure only halts those referring to it.
        _run_subrequests(call, requests_, None, outputs, bodies, all_or_none)
        return ApiResponse(200, {"compositeResponse": outputs})
    try:
        with call.write() as writer, writer.savepoint():
            if _run_subrequests(call, requests_, writer, outputs, bodies, all_or_none):
                raise _Rollback
    except _Rollback:
        message = "The transaction was rolled back since another operation in the same transaction failed."
        outputs = [o if o["httpStatusCode"] >= 400 else _halted(o["referenceId"], message) for o in outputs]
    return ApiResponse(200, {"compositeResponse": outputs})


def _run_subrequests(call: ApiCall, requests_: list[dict[str, Any]], writer: Writer | None,
                     outputs: list[dict[str, Any]], bodies: dict[str, Any], all_or_none: bool) -> bool:
    failed = False
    for index, sub in enumerate(requests_):
        reference_id = str(sub.get("referenceId") or f"ref{index}")
        if failed and all_or_none:
            outputs.append(_halted(reference_id, "The transaction was rolled back since another operation in "
                                                 "the same transaction failed."))
            continue
        try:
            url = _resolve(str(sub.get("url", "")), bodies)
            sub_body = _resolve(sub.get("body"), bodies)
        except (KeyError, IndexError, TypeError) as error:
            outputs.append(_halted(reference_id, f"Invalid reference specified. No value for {error} found"))
            failed = True
            continue
        response = run_subrequest(call, str(sub.get("method", "GET")).upper(), url, sub_body, writer)
        outputs.append({"body": response.body, "httpHeaders": dict(response.headers),
                        "httpStatusCode": response.status, "referenceId": reference_id})
        if response.status >= 400:
            failed = True
        elif isinstance(response.body, dict | list):
            bodies[reference_id] = response.body
    return failed


# -- sObject Tree ----------------------------------------------------------------------------
@ROUTER.add("POST", rf"composite/tree/{OBJ}", "tree", writes=True)
def tree(call: ApiCall, sobject: str) -> ApiResponse:
    """POST composite/tree/{Obj}: up to 200 records with nested children, all or nothing."""
    obj = object_or_404(call, sobject)
    body = call.json()
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        raise ApiError(400, "JSON_PARSER_ERROR", "records is required")
    if _count_tree(records) > MAX_COLLECTION:
        raise ApiError(400, "EXCEEDED_ID_LIMIT", "The tree may hold at most 200 records")
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    try:
        with call.write() as writer, writer.savepoint():
            for record in records:
                _insert_tree(call, writer, obj.name, record, None, results, errors)
            if errors:
                raise _Rollback
    except _Rollback:
        return ApiResponse(400, {"hasErrors": True, "results": errors})
    return ApiResponse(201, {"hasErrors": False, "results": results})


def _count_tree(records: list[Any]) -> int:
    total = 0
    for record in records:
        total += 1
        for value in record.values() if isinstance(record, dict) else []:
            if isinstance(value, dict) and isinstance(value.get("records"), list):
                total += _count_tree(value["records"])
    return total


def _insert_tree(call: ApiCall, writer: Writer, sobject: str, record: dict[str, Any],
                 parent: tuple[str, str] | None, results: list[dict[str, Any]], errors: list[dict[str, Any]]) -> None:
    obj = call.org.schema.object(sobject)
    reference_id = str((record.get("attributes") or {}).get("referenceId") or "")
    fields: dict[str, Any] = {}
    children: list[tuple[str, list[dict[str, Any]]]] = []
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict) and "records" in value:
            children.append((key, value["records"]))
        else:
            fields[key] = value
    if parent is not None:
        fields[parent[0]] = parent[1]
    try:
        record_id = writer.insert(obj.name, fields)
    except RecordError as error:
        errors.append({"referenceId": reference_id, "errors": [error.as_result_error()]})
        return
    results.append({"referenceId": reference_id, "id": record_id})
    for relationship, child_records in children:
        rel = obj.child_relationships.get(relationship.lower())
        if rel is None:
            errors.append({"referenceId": reference_id, "errors": [{
                "statusCode": "INVALID_FIELD", "message": f"No such relationship {relationship} on {obj.name}",
                "fields": [relationship]}]})
            continue
        for child in child_records:
            _insert_tree(call, writer, rel.child_sobject, child, (rel.field, record_id), results, errors)
