"""The standard invocable action Expansion Radar uses: customNotificationAction, the bell
and mobile push (API 46.0+;
https://developer.salesforce.com/docs/atlas.en-us.api_action.meta/api_action/actions_obj_custom_notification.htm).

POST /services/data/vXX.X/actions/standard/customNotificationAction with
``{"inputs": [{"customNotifTypeId", "recipientIds", "title", "body", "targetId"}]}`` answers
one result per input, ``{"actionName", "errors", "isSuccess", "outputValues"}``. Sent
notifications are kept on the org (``Org.notifications``) for tests and the stats page.
"""

from __future__ import annotations

import re
from typing import Any

from emulator.api import ROUTER, ApiCall, ApiResponse
from emulator.errors import ApiError

ACTION = "customNotificationAction"
_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
_INPUTS = ("customNotifTypeId", "recipientIds", "title", "body", "targetId", "targetPageRef",
           "senderId", "actionGroup")


@ROUTER.add("GET", r"actions/standard/customNotificationAction", "actions")
def describe_action(call: ApiCall) -> ApiResponse:
    """The action's inputs, as the describe of an invocable action lists them."""
    required = {"customNotifTypeId", "recipientIds", "title", "body"}
    return ApiResponse(200, {"name": ACTION, "label": "Send Custom Notification",
                             "inputs": [{"name": n, "required": n in required} for n in _INPUTS]})


def _error(message: str, code: str = "INVALID_INPUT") -> dict[str, Any]:
    return {"actionName": ACTION, "errors": [{"statusCode": code, "message": message,
                                              "fields": []}],
            "isSuccess": False, "outputValues": None}


def _record(call: ApiCall, sobject: str, record_id: str) -> dict[str, Any] | None:
    try:
        return call.org.store.get(sobject, record_id)
    except Exception:  # noqa: BLE001 - an unknown or malformed id is simply not found
        return None


def _check(call: ApiCall, item: Any) -> str | None:
    """Why the action would refuse ``item`` (None when it is fine)."""
    if not isinstance(item, dict):
        return "Each input must be an object"
    missing = [n for n in ("customNotifTypeId", "recipientIds", "title", "body")
               if not item.get(n)]
    if missing:
        return f"Missing required input parameter: {missing[0]}"
    if not item.get("targetId") and not item.get("targetPageRef"):
        return "Specify a targetId or a targetPageRef"
    if len(str(item["title"])) > 250 or len(str(item["body"])) > 750:
        return "The title is limited to 250 characters and the body to 750"
    type_id = str(item["customNotifTypeId"])
    if not _ID.match(type_id) or _record(call, "CustomNotificationType", type_id) is None:
        return "Invalid custom notification type id"
    recipients = item["recipientIds"]
    if (not isinstance(recipients, list) or not recipients
            or not all(_ID.match(str(r)) for r in recipients)):
        return "recipientIds must be a non-empty list of ids"
    for recipient in recipients:
        user = _record(call, "User", str(recipient))
        if user is None or not user.get("IsActive"):
            return "Every recipient must be an active user"
    return None


@ROUTER.add("POST", r"actions/standard/customNotificationAction", "actions", writes=True)
def send_notification(call: ApiCall) -> ApiResponse:
    """Validate each input; accepted ones are recorded as sent."""
    body = call.json()
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, list) or not inputs:
        raise ApiError(400, "INVALID_INPUT", "The request needs a non-empty inputs list")
    results = []
    for item in inputs:
        problem = _check(call, item)
        if problem is not None:
            results.append(_error(problem))
            continue
        call.org.notifications.append({k: item[k] for k in _INPUTS if k in item})
        results.append({"actionName": ACTION, "errors": None, "isSuccess": True,
                        "outputValues": {"SuccessMessage":
                                         "Your custom notification is processed successfully."}})
    return ApiResponse(200, results)
