"""The emulator's trigger payloads (emulator/outbound.py) are accepted as they are: the
signing format and envelopes are a contract between the two."""

from __future__ import annotations

from flask.testing import FlaskClient
from rq import Queue

from emulator import outbound as emulated
from tests.webhooks.builders import NOW, ORG_ID, SECRET, TOKEN, account_id, notification_id


def test_given_emulator_signed_callout_when_posted_then_accepted(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = emulated.callout_body(
        "3f0c1d9e-5b7a-4e8f-9a61-0c2d4e6f8a10", ORG_ID, "Account", account_id(4), "UPDATE",
        ["Name"], "2024-05-29T16:26:40.000+0000",
    )  # fmt: skip
    headers = {
        "Content-Type": "application/json",
        emulated.TIMESTAMP_HEADER: str(NOW),
        emulated.SIGNATURE_HEADER: emulated.sign(SECRET, str(NOW), body),
    }

    response = client.post("/webhooks/salesforce/events", data=body.encode(), headers=headers)

    assert response.status_code == 202, response.get_data(as_text=True)
    assert events_queue.count == 1


def test_given_emulator_outbound_envelope_when_posted_then_acknowledged(
    client: FlaskClient, events_queue: Queue
) -> None:
    note = (
        f"<Notification><Id>{notification_id(1)}</Id>"
        '<sObject xsi:type="sf:Account" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
        f"<sf:Id>{account_id(5)}</sf:Id><sf:Name>Acme</sf:Name></sObject></Notification>"
    )
    body = emulated.outbound_envelope(
        ORG_ID, "04k5g000000Abc1AAC", "https://emulator", "59.0", [note]
    )

    response = client.post(
        f"/webhooks/salesforce/outbound/{TOKEN}",
        data=body.encode(),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
    )

    assert response.status_code == 200
    assert emulated.is_acknowledged(response.data)
    assert events_queue.count == 1
