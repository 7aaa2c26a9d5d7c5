"""Triggers delivering Outbound Messages and signed JSON callouts to a local HTTP server."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from defusedxml import ElementTree

from emulator.testing import EmulatorHandle

ACK = (b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
       b'<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>'
       b"</notificationsResponse></soapenv:Body></soapenv:Envelope>")


class Receiver:
    """A tiny HTTP endpoint that refuses the first ``refuse`` deliveries."""

    def __init__(self, refuse: int) -> None:
        self.refuse = refuse
        self.bodies: list[tuple[dict[str, str], bytes]] = []
        self.acked = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.bodies.append((dict(self.headers), body))
                if len(receiver.bodies) <= receiver.refuse:
                    self.send_response(503)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.end_headers()
                self.wfile.write(ACK)
                receiver.acked.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(refuse=2)
    yield found
    found.server.shutdown()


def test_given_outbound_message_rule_when_task_created_then_retried_until_acknowledged(
        emu: EmulatorHandle, receiver: Receiver) -> None:
    emu.add_trigger({"name": "tasks", "object": "Task", "on": ["create"], "kind": "outbound_message",
                     "url": receiver.url, "fields": ["Id", "Subject", "Status"], "retry_initial_seconds": 0.05})
    task_id = emu.salesforce().Task.create({"Subject": "Call back", "Status": "Not Started"})["id"]
    assert receiver.acked.wait(10)
    assert len(receiver.bodies) == 3
    bodies = {body for _, body in receiver.bodies}
    assert len(bodies) == 1  # every retry carries the same notification ids
    root = ElementTree.fromstring(receiver.bodies[-1][1])
    values = {el.tag.rpartition("}")[2]: el.text for el in root.iter()}
    notification = next(el for el in root.iter() if el.tag.endswith("}Notification"))
    assert values["OrganizationId"] == emu.store.org_id
    assert notification.find("{http://soap.sforce.com/2005/09/outbound}Id").text.startswith("04l")
    sobject = next(el for el in root.iter() if el.tag.endswith("sObject"))
    assert sobject.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "sf:Task"
    assert {el.tag.rpartition("}")[2]: el.text for el in sobject} == {
        "Id": task_id, "Subject": "Call back", "Status": "Not Started"}
    stats = emu.stats()["deliveries"]
    assert stats["delivered"] == 1 and stats["failed_attempts"] == 2


def test_given_json_callout_rule_with_field_filter_when_updated_then_signed_body(
        emu: EmulatorHandle, receiver: Receiver) -> None:
    receiver.refuse = 0
    emu.add_trigger({"object": "Account", "on": ["update"], "when_fields_change": ["Health_Score__c"],
                     "kind": "json_callout", "url": receiver.url, "secret": "s3cret"})
    sf = emu.salesforce()
    account = sf.Account.create({"Name": "Signal Co", "Health_Score__c": 80})["id"]
    sf.Account.update(account, {"Name": "Renamed"})  # not a watched field: no delivery
    sf.Account.update(account, {"Health_Score__c": 65})
    assert receiver.acked.wait(10)
    assert len(receiver.bodies) == 1
    headers, body = receiver.bodies[0]
    expected = hmac.new(b"s3cret", f"{headers['X-Radar-Timestamp']}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["X-Radar-Signature"] == f"v1={expected}"
    payload = json.loads(body)
    assert payload["recordId"] == account and payload["changeType"] == "UPDATE"
    assert payload["changedFields"] == ["Health_Score__c"] and payload["orgId"] == emu.store.org_id
    assert set(payload) == {"eventId", "orgId", "object", "recordId", "changeType", "changedFields", "occurredAt"}
