"""Salesforce custom notifications — the bell in Lightning and the mobile push — sent
through the standard invocable action (API 46.0+):
POST /services/data/vXX.X/actions/standard/customNotificationAction with
``{"inputs": [{"customNotifTypeId", "recipientIds", "title", "body", "targetId"}]}``
(https://developer.salesforce.com/docs/atlas.en-us.api_action.meta/api_action/actions_obj_custom_notification.htm).
The notification type ships in the package (field_specs.sfdx, ``Expansion_Radar_Alert``);
its id is looked up once per run by DeveloperName.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simple_salesforce import format_soql

from integration.gateway import SalesforceGateway

log = logging.getLogger(__name__)
TYPE_NAME = "Expansion_Radar_Alert"
ACTION_PATH = "actions/standard/customNotificationAction"
PER_CALL = 50  # inputs per request, well inside what the action accepts in one call
TITLE_MAX, BODY_MAX = 250, 750  # the action's limits on title and body


@dataclass(frozen=True)
class Notification:
    """One bell notification for one user, opening ``target_id`` when tapped."""

    recipient_id: str
    title: str
    body: str
    target_id: str

    def as_input(self, type_id: str) -> dict[str, Any]:
        return {"customNotifTypeId": type_id, "recipientIds": [self.recipient_id],
                "title": self.title[:TITLE_MAX], "body": self.body[:BODY_MAX],
                "targetId": self.target_id}


# The type's id, looked up by name; a write-back lets it ride in a composite call it makes
# anyway (``send(..., type_rows=...)``), so it costs no call of its own there.
TYPE_SOQL = format_soql("SELECT Id FROM CustomNotificationType WHERE DeveloperName = {}",
                        TYPE_NAME)


def notification_type_id(gateway: SalesforceGateway) -> str | None:
    """The id of the package's notification type (None when it is not deployed)."""
    records = gateway.query_page(TYPE_SOQL).get("records") or []
    return records[0]["Id"] if records else None


def send(gateway: SalesforceGateway, notifications: Sequence[Notification],
         type_rows: Sequence[dict[str, Any]] | None = None) -> int:
    """Send ``notifications``; returns how many Salesforce accepted. A missing type or a
    refused input is logged, never fatal: the Task the notification points at exists.

    Args:
        type_rows: the rows of ``TYPE_SOQL`` when the caller already ran it; None looks the
            type up (one query) only when there is something to send.
    """
    if not notifications:
        return 0
    if type_rows is None:
        type_id = notification_type_id(gateway)
    else:
        type_id = type_rows[0]["Id"] if type_rows else None
    if type_id is None:
        log.warning("custom notification type %s is not deployed; %d notification(s) skipped",
                    TYPE_NAME, len(notifications))
        return 0
    sent = 0
    for start in range(0, len(notifications), PER_CALL):
        chunk = notifications[start:start + PER_CALL]
        body = {"inputs": [n.as_input(type_id) for n in chunk]}
        results = gateway.call("other", lambda sf, body=body: sf.restful(
            ACTION_PATH, method="POST", json=body))
        for result in results or ():
            if result.get("isSuccess"):
                sent += 1
            else:
                log.warning("custom notification refused: %s", result.get("errors"))
    return sent
