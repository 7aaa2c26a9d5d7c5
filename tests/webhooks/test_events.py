"""Signed JSON events endpoint: verified before parsing, validated, de-replayed, enqueued."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from rq import Queue
from rq.job import Job

from tests.webhooks.builders import (
    NOW,
    OLD_SECRET,
    OTHER_ORG_ID,
    SECRET,
    account_id,
    callout_body,
    signed,
)

URL = "/webhooks/salesforce/events"


def _assert_refused(response, code: int, queue: Queue) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == code
    assert set(body) == {"code", "status", "message", "errors"}
    assert queue.count == 0
    return body


def test_given_a_signed_callout_when_posted_then_202_and_one_job_with_the_contract(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", account_id(1))

    response = client.post(URL, data=body, headers=signed(body))

    assert response.status_code == 202
    assert response.get_json() == {"eventId": "evt-1", "enqueued": 1, "coalesced": 0}
    (job_id,) = events_queue.get_job_ids()
    job = Job.fetch(job_id, connection=events_queue.connection)
    assert job.func_name == "workers.jobs.handle_record_event"
    assert job.kwargs == {
        "org_key": "default",
        "sobject": "Account",
        "record_id": account_id(1),
        "change_type": "UPDATE",
        "changed_fields": ["Tier__c"],
        "source": "callout",
        "event_id": "evt-1",
        "received_at": "2024-05-29T16:26:40+00:00",
    }


def test_given_a_cdc_event_on_three_records_when_posted_then_three_cdc_jobs(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = json.dumps(
        {
            "ChangeEventHeader": {
                "entityName": "Contact",
                "recordIds": ["0035g00000AbCdEAAV", "0035g00000AbCdFAAV", "0035g00000AbCdGAAV"],
                "changeType": "UPDATE",
                "changedFields": ["Title", "LastModifiedDate"],
                "commitTimestamp": 1716999990000,
                "transactionKey": "0002b5a1-7c7e-1fb0-2ab1-e1c2b3f3a4c5",
                "sequenceNumber": 1,
                "commitUser": "0055g00000XyZabAAB",
            },
            "Title": "VP Operations",
        }
    ).encode()

    response = client.post(URL, data=body, headers=signed(body))

    assert response.status_code == 202
    jobs = [Job.fetch(i, connection=events_queue.connection) for i in events_queue.get_job_ids()]
    assert {j.kwargs["source"] for j in jobs} == {"cdc"}
    assert {j.kwargs["sobject"] for j in jobs} == {"Contact"}
    assert len(jobs) == 3
    assert jobs[0].kwargs["changed_fields"] == ["Title", "LastModifiedDate"]


def test_given_a_burst_for_one_record_when_posted_then_one_queued_job(
    client: FlaskClient, events_queue: Queue
) -> None:
    for n in range(5):
        body = callout_body(f"evt-burst-{n}", account_id(9))
        assert client.post(URL, data=body, headers=signed(body)).status_code == 202

    assert events_queue.count == 1


def test_given_old_and_new_secret_when_each_signs_then_both_accepted(
    client: FlaskClient, events_queue: Queue
) -> None:
    new = callout_body("evt-new", account_id(1))
    old = callout_body("evt-old", account_id(2))

    assert client.post(URL, data=new, headers=signed(new, SECRET)).status_code == 202
    assert client.post(URL, data=old, headers=signed(old, OLD_SECRET)).status_code == 202
    assert events_queue.count == 2


def test_given_signature_header_with_several_entries_when_one_matches_then_accepted(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-multi", account_id(1))
    headers = signed(body, "retired-secret")
    headers["X-Radar-Signature"] += "," + signed(body, OLD_SECRET)["X-Radar-Signature"]

    assert client.post(URL, data=body, headers=headers).status_code == 202


def test_given_bad_signature_when_posted_then_401_and_nothing_enqueued(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", account_id(1))

    response = client.post(URL, data=body, headers=signed(body, "not-our-secret"))

    errors = _assert_refused(response, 401, events_queue)["errors"]
    assert "X-Radar-Signature" in errors["headers"]


def test_given_body_changed_after_signing_when_posted_then_401(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", account_id(1))
    headers = signed(body)

    response = client.post(URL, data=body.replace(b"T1", b"T3"), headers=headers)

    _assert_refused(response, 401, events_queue)


def test_given_stale_timestamp_when_posted_then_401_naming_the_window(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", account_id(1))

    response = client.post(URL, data=body, headers=signed(body, timestamp=NOW - 301))

    body_json = _assert_refused(response, 401, events_queue)
    assert "tolerance" in body_json["message"]
    assert "X-Radar-Timestamp" in body_json["errors"]["headers"]


def test_given_timestamp_from_the_future_beyond_window_when_posted_then_401(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", account_id(1))

    response = client.post(URL, data=body, headers=signed(body, timestamp=NOW + 301))

    _assert_refused(response, 401, events_queue)


def test_given_missing_signature_headers_when_posted_then_401(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", account_id(1))

    response = client.post(URL, data=body, headers={"Content-Type": "application/json"})

    _assert_refused(response, 401, events_queue)


def test_given_replayed_event_id_when_posted_again_then_409(
    client: FlaskClient, events_queue: Queue, clock
) -> None:
    body = callout_body("evt-1", account_id(1))
    assert client.post(URL, data=body, headers=signed(body)).status_code == 202
    events_queue.empty()
    clock.now += 60  # a re-signed copy, still inside the window

    response = client.post(URL, data=body, headers=signed(body, timestamp=int(clock.now)))

    assert _assert_refused(response, 409, events_queue)["status"] == "Conflict"


def test_given_wrong_org_id_when_posted_then_403(client: FlaskClient, events_queue: Queue) -> None:
    body = callout_body("evt-1", account_id(1), orgId=OTHER_ORG_ID)

    response = client.post(URL, data=body, headers=signed(body))

    _assert_refused(response, 403, events_queue)


def test_given_wrong_content_type_when_signed_then_415(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", account_id(1))
    headers = {**signed(body), "Content-Type": "text/plain"}

    response = client.post(URL, data=body, headers=headers)

    _assert_refused(response, 415, events_queue)


def test_given_body_over_1_mib_when_posted_then_413(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", account_id(1), fields={"Description": "x" * (1024 * 1024)})

    response = client.post(URL, data=body, headers=signed(body))

    _assert_refused(response, 413, events_queue)


def test_given_invalid_fields_when_posted_then_400_with_field_errors(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = callout_body("evt-1", "not-an-id", changeType="RENAME")

    response = client.post(URL, data=body, headers=signed(body))

    errors = _assert_refused(response, 400, events_queue)["errors"]["json"]
    assert set(errors) == {"recordId", "changeType"}


def test_given_signed_non_json_when_posted_then_400(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = b"{not json"

    response = client.post(URL, data=body, headers=signed(body))

    _assert_refused(response, 400, events_queue)


def test_given_gap_overflow_without_record_ids_when_posted_then_accepted_without_jobs(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = json.dumps(
        {
            "ChangeEventHeader": {
                "entityName": "Account",
                "recordIds": [],
                "changeType": "GAP_OVERFLOW",
                "commitTimestamp": 1716999990000,
                "transactionKey": "tx-overflow-1",
            }
        }
    ).encode()

    response = client.post(URL, data=body, headers=signed(body))

    assert response.status_code == 202
    assert events_queue.count == 0
