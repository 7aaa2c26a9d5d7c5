"""Outbound Message endpoint: acknowledged once durably enqueued, refused otherwise."""

from __future__ import annotations

import redis
from flask.testing import FlaskClient
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from rq.job import Job

from tests.webhooks.builders import (
    OTHER_ORG_ID,
    TOKEN,
    XML_HEADERS,
    account_id,
    account_notifications,
    notification_id,
    outbound_envelope,
)
from webhooks.outbound_xml import ACK_ENVELOPE

URL = f"/webhooks/salesforce/outbound/{TOKEN}"


def _jobs(queue: Queue) -> list[Job]:
    return [Job.fetch(job_id, connection=queue.connection) for job_id in queue.get_job_ids()]


def _assert_refused(response, code: int, queue: Queue) -> dict:
    assert response.status_code == code
    body = response.get_json()
    assert body["code"] == code
    assert set(body) == {"code", "status", "message", "errors"}
    assert queue.count == 0
    return body


def test_given_100_notifications_on_100_accounts_when_posted_then_acked_with_100_jobs(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = outbound_envelope(account_notifications(100))

    response = client.post(URL, data=body, headers=XML_HEADERS)

    assert response.status_code == 200
    assert response.get_data(as_text=True) == ACK_ENVELOPE
    assert response.mimetype == "text/xml"
    jobs = _jobs(events_queue)
    assert len(jobs) == 100
    assert sorted(job.kwargs["record_id"] for job in jobs) == sorted(
        account_id(i) for i in range(100)
    )
    first = next(job for job in jobs if job.kwargs["record_id"] == account_id(0))
    assert first.func_name == "workers.jobs.handle_record_event"
    assert first.kwargs == {
        "org_key": "default",
        "sobject": "Account",
        "record_id": account_id(0),
        "change_type": "UPSERT",
        "changed_fields": ["Name", "Tier__c"],
        "source": "outbound",
        "event_id": notification_id(0),
        "received_at": "2024-05-29T16:26:40+00:00",
    }


def test_given_a_delivery_when_delivered_twice_then_both_acked_and_one_job_per_account(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = outbound_envelope(account_notifications(3))

    first = client.post(URL, data=body, headers=XML_HEADERS)
    second = client.post(URL, data=body, headers=XML_HEADERS)

    assert first.status_code == second.status_code == 200
    assert second.get_data(as_text=True) == ACK_ENVELOPE
    assert events_queue.count == 3
    assert sorted(j.kwargs["record_id"] for j in _jobs(events_queue)) == [
        account_id(i) for i in range(3)
    ]


def test_given_two_notifications_for_one_record_when_posted_then_one_job(
    client: FlaskClient, events_queue: Queue
) -> None:
    same = {"Id": account_id(7), "Name": "Acme"}
    in_one_delivery = outbound_envelope(
        [(notification_id(1), "Account", same), (notification_id(2), "Account", same)]
    )
    later_delivery = outbound_envelope([(notification_id(3), "Account", same)])

    assert client.post(URL, data=in_one_delivery, headers=XML_HEADERS).status_code == 200
    assert client.post(URL, data=later_delivery, headers=XML_HEADERS).status_code == 200

    assert events_queue.count == 1
    assert _jobs(events_queue)[0].kwargs["event_id"] == notification_id(1)


def test_given_a_task_notification_when_posted_then_job_names_the_task_and_nil_fields_kept(
    client: FlaskClient, events_queue: Queue
) -> None:
    task_id = "00T5g00000AbCdE"  # 15-character form: the job gets the 18-character form
    body = outbound_envelope(
        [(notification_id(1), "Task", {"Id": task_id, "Subject": "QBR", "WhatId": None})]
    )

    assert client.post(URL, data=body, headers=XML_HEADERS).status_code == 200

    (job,) = _jobs(events_queue)
    assert job.kwargs["sobject"] == "Task"
    assert job.kwargs["record_id"].startswith(task_id) and len(job.kwargs["record_id"]) == 18
    assert job.kwargs["changed_fields"] == ["Subject", "WhatId"]


def test_given_wrong_org_id_when_posted_then_403_and_nothing_enqueued(
    client: FlaskClient, events_queue: Queue, redis_conn: redis.Redis
) -> None:
    body = outbound_envelope(account_notifications(2), org_id=OTHER_ORG_ID)

    response = client.post(URL, data=body, headers=XML_HEADERS)

    _assert_refused(response, 403, events_queue)
    # The notification ids were not remembered: a fixed allow-list lets the retry through.
    assert not list(redis_conn.scan_iter("radar:*:seen:*"))


def test_given_bad_path_token_when_posted_then_404_like_an_unknown_url(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = outbound_envelope(account_notifications(1))

    wrong = client.post(URL + "x", data=body, headers=XML_HEADERS)
    unknown = client.post("/no/such/url", data=body, headers=XML_HEADERS)

    assert _assert_refused(wrong, 404, events_queue)["status"] == "Not Found"
    assert unknown.status_code == 404


def test_given_no_token_configured_when_posted_then_404(
    settings, redis_conn: redis.Redis, events_queue: Queue
) -> None:
    from dataclasses import replace

    from service.app import create_app

    app = create_app(replace(settings, outbound_path_token=None), redis_client=redis_conn)
    response = app.test_client().post(
        "/webhooks/salesforce/outbound/None", data=b"<x/>", headers=XML_HEADERS
    )

    _assert_refused(response, 404, events_queue)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>&lol9;</OrganizationId>
</notifications></soapenv:Body></soapenv:Envelope>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>&xxe;</OrganizationId>
</notifications></soapenv:Body></soapenv:Envelope>"""


def test_given_billion_laughs_when_posted_then_400_without_expansion(
    client: FlaskClient, events_queue: Queue
) -> None:
    response = client.post(URL, data=BILLION_LAUGHS, headers=XML_HEADERS)

    body = _assert_refused(response, 400, events_queue)
    assert "DTD" in body["message"] or "entities" in body["message"]
    assert len(response.data) < 1000  # nothing expanded into the answer


def test_given_external_entity_when_posted_then_400_and_no_file_read(
    client: FlaskClient, events_queue: Queue
) -> None:
    response = client.post(URL, data=EXTERNAL_ENTITY, headers=XML_HEADERS)

    _assert_refused(response, 400, events_queue)
    assert b"root:" not in response.data


def test_given_body_over_the_limit_when_posted_then_413(
    app, client: FlaskClient, events_queue: Queue
) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = outbound_envelope(account_notifications(1)) + b" " * limit

    response = client.post(URL, data=body, headers=XML_HEADERS)

    assert _assert_refused(response, 413, events_queue)["status"] == "Request Entity Too Large"


def test_given_100_notifications_with_long_descriptions_when_posted_then_fits_the_limit(
    client: FlaskClient, events_queue: Queue
) -> None:
    notes = [
        (notification_id(i), "Task", {"Id": f"00T5g00000{i:05d}", "Description": "x" * 32_000})
        for i in range(100)
    ]

    response = client.post(URL, data=outbound_envelope(notes), headers=XML_HEADERS)

    assert response.status_code == 200
    assert events_queue.count == 100


def test_given_json_content_type_when_posted_then_415(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = outbound_envelope(account_notifications(1))

    response = client.post(URL, data=body, headers={"Content-Type": "application/json"})

    assert "Content-Type" in _assert_refused(response, 415, events_queue)["errors"]["headers"]


def test_given_soap12_content_type_when_posted_then_accepted(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = outbound_envelope(account_notifications(1))

    response = client.post(URL, data=body, headers={"Content-Type": "application/soap+xml"})

    assert response.status_code == 200
    assert events_queue.count == 1


def test_given_more_than_100_notifications_when_posted_then_400(
    client: FlaskClient, events_queue: Queue
) -> None:
    response = client.post(
        URL, data=outbound_envelope(account_notifications(101)), headers=XML_HEADERS
    )

    _assert_refused(response, 400, events_queue)


def test_given_malformed_notification_id_when_posted_then_400_naming_the_element(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = outbound_envelope([("005000000000001AAA", "Account", {"Id": account_id(1)})])

    response = client.post(URL, data=body, headers=XML_HEADERS)

    assert "Notification[0].Id" in _assert_refused(response, 400, events_queue)["errors"]["xml"]


def test_given_redis_down_when_posted_then_503_and_not_acked(settings) -> None:
    import redis as redis_lib

    from service.app import create_app

    dead = redis_lib.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    app = create_app(settings, redis_client=dead)
    body = outbound_envelope(account_notifications(1))

    response = app.test_client().post(URL, data=body, headers=XML_HEADERS)

    assert response.status_code == 503
    assert response.get_json()["status"] == "Service Unavailable"


class _BrokenSink:
    def submit(self, events, pipeline=None):
        raise redis.ConnectionError("queue unavailable")


def test_given_enqueue_fails_when_salesforce_retries_then_the_retry_is_processed(
    app, client: FlaskClient, events_queue: Queue
) -> None:
    body = outbound_envelope(account_notifications(2))
    runtime = app.extensions["radar.webhooks"]
    real_sink, runtime.sink = runtime.sink, _BrokenSink()

    failed = client.post(URL, data=body, headers=XML_HEADERS)
    runtime.sink = real_sink
    retried = client.post(URL, data=body, headers=XML_HEADERS)

    assert failed.status_code == 503
    assert retried.status_code == 200
    assert events_queue.count == 2


def test_given_unknown_xml_encoding_when_posted_then_400(
    client: FlaskClient, events_queue: Queue
) -> None:
    body = outbound_envelope(account_notifications(1)).replace(b"UTF-8", b"TF-8", 1)

    response = client.post(URL, data=body, headers=XML_HEADERS)

    assert _assert_refused(response, 400, events_queue)["message"] == "body is not well-formed XML"
