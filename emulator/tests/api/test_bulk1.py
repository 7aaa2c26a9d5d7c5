"""Bulk API 1.0 query jobs as tap-salesforce's BULK mode drives them (JSON), and in XML."""

from __future__ import annotations

import csv
import io
import json

from defusedxml import ElementTree
from simple_salesforce import Salesforce

from emulator.testing import EmulatorHandle

TIMEOUT = 10
NS = "{http://www.force.com/2009/06/asyncapi/dataload}"


def _call(emu: EmulatorHandle, method: str, path: str, token: str, body: bytes | str = b"",
          content_type: str = "application/json") -> tuple[int, bytes]:
    response = emu.http().request(method, f"{emu.instance_url}/services/async/59.0/{path}", timeout=TIMEOUT,
                                  data=body, headers={"X-SFDC-Session": token, "Content-Type": content_type})
    return response.status_code, response.content


def test_given_query_job_when_batch_completes_then_result_csv_holds_every_row(sf: Salesforce,
                                                                              emu: EmulatorHandle) -> None:
    for name in ("Alpha", "Beta, Inc.", "Gamma"):
        sf.Account.create({"Name": name})
    token = emu.login()
    status, job = _call(emu, "POST", "job", token, b'{"operation": "query", "object": "Account", '
                                                   b'"contentType": "CSV"}')
    job_id = json.loads(job)["id"]
    assert status == 201 and job_id.startswith("750")
    status, batch = _call(emu, "POST", f"job/{job_id}/batch", token, "SELECT Id, Name FROM Account ORDER BY Name",
                          "text/csv")
    batch_id = json.loads(batch)["id"]
    assert status == 201
    info = json.loads(_call(emu, "GET", f"job/{job_id}/batch/{batch_id}", token)[1])
    assert info["state"] == "Completed" and info["numberRecordsProcessed"] == 3
    (result_id,) = json.loads(_call(emu, "GET", f"job/{job_id}/batch/{batch_id}/result", token)[1])
    _, text = _call(emu, "GET", f"job/{job_id}/batch/{batch_id}/result/{result_id}", token)
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    assert [r["Name"] for r in rows] == ["Alpha", "Beta, Inc.", "Gamma"]
    closed = json.loads(_call(emu, "POST", f"job/{job_id}", token, b'{"state": "Closed"}')[1])
    assert closed["state"] == "Closed" and closed["numberRecordsProcessed"] == 3


def test_given_xml_job_when_created_then_xml_job_info(emu: EmulatorHandle) -> None:
    body = ('<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">'
            "<operation>query</operation><object>Contact</object><contentType>CSV</contentType></jobInfo>")
    status, reply = _call(emu, "POST", "job", emu.login(), body, "application/xml; charset=UTF-8")
    root = ElementTree.fromstring(reply)
    assert status == 201 and root.tag == f"{NS}jobInfo"
    assert root.findtext(f"{NS}state") == "Open" and root.findtext(f"{NS}object") == "Contact"


def test_given_bad_soql_when_batch_added_then_batch_failed_with_message(emu: EmulatorHandle) -> None:
    token = emu.login()
    job_id = json.loads(_call(emu, "POST", "job", token, b'{"operation": "query", "object": '
                                                                       b'"Account"}')[1])["id"]
    batch = json.loads(_call(emu, "POST", f"job/{job_id}/batch", token, "SELECT Nope FROM Account",
                                           "text/csv")[1])
    info = json.loads(_call(emu, "GET", f"job/{job_id}/batch/{batch['id']}", token)[1])
    assert info["state"] == "Failed" and "Nope" in info["stateMessage"]


def test_given_bad_session_or_ingest_when_called_then_bulk_errors(emu: EmulatorHandle) -> None:
    status, reply = _call(emu, "POST", "job", "expired", b'{"operation": "query", "object": "Account"}')
    assert status == 400 and json.loads(reply)["exceptionCode"] == "InvalidSessionId"
    status, reply = _call(emu, "POST", "job", emu.login(), b'{"operation": "insert", "object": "Account"}')
    assert status == 400 and "Bulk API 2.0" in json.loads(reply)["exceptionMessage"]
