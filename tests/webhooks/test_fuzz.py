"""Property-based fuzzing of both webhooks through the Flask test client: whatever arrives
(random bytes, mutations of valid envelopes and JSON, random headers), the answer is never
a 5xx and every error is the JSON envelope."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.webhooks.builders import (
    NOW,
    OTHER_ORG_ID,
    SECRET,
    TOKEN,
    account_id,
    account_notifications,
    callout_body,
    notification_id,
    outbound_envelope,
    signed,
)

REQUESTS_PER_ENDPOINT = 5000
BATCH = 5  # requests per hypothesis example: generation cost is per example
FUZZ = settings(
    max_examples=REQUESTS_PER_ENDPOINT // BATCH,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

OUTBOUND_SEEDS = [
    outbound_envelope(account_notifications(1)),
    outbound_envelope(account_notifications(3, start=10)),
    outbound_envelope(
        [(notification_id(50), "Task", {"Id": "00T5g00000AbCdE", "Subject": "QBR", "WhatId": None})]
    ),
    outbound_envelope(account_notifications(2, start=20), org_id=OTHER_ORG_ID),
]
JSON_SEEDS = [
    json.loads(callout_body("evt-seed", account_id(1))),
    {
        "ChangeEventHeader": {
            "entityName": "Account",
            "recordIds": [account_id(2), account_id(3)],
            "changeType": "UPDATE",
            "changedFields": ["Name"],
            "commitTimestamp": 1716999990000,
            "transactionKey": "tx-1",
            "sequenceNumber": 1,
        },
        "Name": "Acme",
    },
]
XML_SNIPPETS = [
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b'<!ENTITY e SYSTEM "file:///etc/passwd">',
    b"&e;",
    b"<Notification>",
    b"</notifications>",
    b"<Id>04l000000000001AAA</Id>",
    b'xsi:type="sf:"',
    b'xsi:nil="true"',
    b"<![CDATA[x]]>",
    b"\x00",
    b"\xff\xfe",
    b"<?xml version='1.0' encoding='utf-16'?>",
]

header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
random_headers = st.dictionaries(
    st.sampled_from(
        ["X-Radar-Timestamp", "X-Radar-Signature", "Content-Type", "SOAPAction", "X-Other"]
    ),
    header_text,
    max_size=3,
)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """Byte-level mutations of a valid body: flips, deletions, insertions, splices."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "snippet", "truncate", "repeat"]))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif op == "snippet":
            data[at:at] = draw(st.sampled_from(XML_SNIPPETS))
        elif op == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 200))] * draw(st.integers(1, 5))
    return bytes(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)


@st.composite
def json_mutation(draw: st.DrawFn) -> bytes:
    """A seed payload with keys replaced by random JSON values or removed."""
    payload = json.loads(json.dumps(draw(st.sampled_from(JSON_SEEDS))))
    target = (
        payload["ChangeEventHeader"]
        if "ChangeEventHeader" in payload and draw(st.booleans())
        else payload
    )
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from(sorted(target) + ["extra"]))
        if draw(st.booleans()):
            target[key] = draw(json_values)
        else:
            target.pop(key, None)
    if "eventId" in payload and isinstance(payload["eventId"], str):
        payload["eventId"] = draw(st.sampled_from(["evt-a", "evt-b", payload["eventId"]])) + str(
            draw(st.integers(0, 10_000))
        )
    return json.dumps(payload).encode()


outbound_request = st.tuples(
    st.one_of(
        st.sampled_from(OUTBOUND_SEEDS),
        st.sampled_from(OUTBOUND_SEEDS).flatmap(mutated),
        st.binary(max_size=300),
    ),
    st.sampled_from([TOKEN] * 6 + [TOKEN + "x", "", "a" * 200]),
    st.sampled_from(
        ["text/xml; charset=utf-8"] * 6 + ["application/soap+xml", "application/json", ""]
    ),
    random_headers,
)

events_request = st.tuples(
    st.one_of(
        json_mutation(),
        st.sampled_from([json.dumps(s).encode() for s in JSON_SEEDS]).flatmap(mutated),
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
    ),
    st.sampled_from(["sign"] * 6 + ["sign-stale", "no-sign", "sign-wrong"]),
    st.sampled_from(["application/json"] * 6 + ["text/plain", "application/json; charset=utf-8"]),
    random_headers,
)


def _check(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        envelope = response.get_json()
        assert set(envelope) == {"code", "status", "message", "errors"}
        assert envelope["code"] == response.status_code


def test_given_5000_random_and_mutated_bodies_when_posted_to_outbound_then_never_5xx(
    client: FlaskClient,
) -> None:
    sent: list[int] = []

    @FUZZ
    @given(st.lists(outbound_request, min_size=BATCH, max_size=BATCH))
    def run(batch: list[tuple[bytes, str, str, dict[str, str]]]) -> None:
        for body, token, content_type, extra in batch:
            headers = {**extra, "Content-Type": content_type}
            response = client.post(
                f"/webhooks/salesforce/outbound/{token}", data=body, headers=headers
            )
            _check(response)
            sent.append(response.status_code)

    run()

    assert len(sent) >= REQUESTS_PER_ENDPOINT
    assert 200 in sent and 400 in sent  # both paths were exercised


def test_given_5000_random_and_mutated_bodies_when_posted_to_events_then_never_5xx(
    client: FlaskClient,
) -> None:
    sent: list[int] = []

    @FUZZ
    @given(st.lists(events_request, min_size=BATCH, max_size=BATCH))
    def run(batch: list[tuple[bytes, str, str, dict[str, str]]]) -> None:
        for body, signing, content_type, extra in batch:
            headers = dict(extra)
            if signing == "sign":
                headers.update(signed(body))
            elif signing == "sign-stale":
                headers.update(signed(body, timestamp=NOW - 10_000))
            elif signing == "sign-wrong":
                headers.update(signed(body, SECRET + "x"))
            headers["Content-Type"] = content_type
            response = client.post("/webhooks/salesforce/events", data=body, headers=headers)
            _check(response)
            sent.append(response.status_code)

    run()

    assert len(sent) >= REQUESTS_PER_ENDPOINT
    assert 202 in sent and 400 in sent and 401 in sent
