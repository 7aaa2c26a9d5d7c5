"""Admin mapping API: token, 400 per problem, versions kept, OpenAPI valid."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from crm_mapping.api import init_app
from crm_mapping.document import FieldMapping
from crm_mapping.store import MappingStore
from integration.contracts import AccountBundle, OrgData
from tests.crm_mapping import records as R
from tests.crm_mapping.conftest import OTHER_ORG_DOCUMENT

TOKEN = "s3cret-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(redis_conn: redis.Redis, describes: dict[str, Any]) -> Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(TESTING=True, RADAR_ADMIN_TOKEN=TOKEN)

    def samples(mapping: FieldMapping, limit: int) -> tuple[Sequence[AccountBundle], OrgData]:
        account = R.account_record(Customer_Tier__c="Strategic", CS_Health__c=64)
        return [R.bundle(account) for _ in range(limit + 2)], R.org_data()

    init_app(app, lambda: MappingStore(redis_conn, "acme"),
             lambda names: {n: describes.get(n) for n in names}, samples)
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_given_no_token_then_401_error_envelope(client: FlaskClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = client.get("/admin/mapping/versions", headers=headers)
        assert response.status_code == 401
        body = response.get_json()
        assert body["code"] == 401 and body["status"] == "Unauthorized" and body["message"]
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_given_invalid_document_then_400_with_one_error_per_problem(client: FlaskClient) -> None:
    document = {"fields": {"account.teir": "X__c", "account.tier": {"field": "bad name"},
                           "account.health_score": "ARR__c"}}
    response = client.post("/admin/mapping/versions", json={"document": document}, headers=AUTH)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert [e["path"] for e in errors] == ["fields.account.teir", "fields.account.tier.field",
                                           "fields.account.health_score.field"]
    listed = client.get("/admin/mapping/versions", headers=AUTH).get_json()
    assert [v["version"] for v in listed] == [1]  # nothing saved


def test_given_saves_activate_rollback_then_every_version_kept(client: FlaskClient) -> None:
    saved = client.post("/admin/mapping/versions", headers=AUTH,
                        json={"document": OTHER_ORG_DOCUMENT, "comment": "their names"})
    assert saved.status_code == 201
    version = saved.get_json()["version"]
    assert saved.get_json()["document"]["fields"]["account.health_score"] == "CS_Health__c"
    activated = client.post(f"/admin/mapping/versions/{version}/activate", headers=AUTH,
                            json={"force": True})  # the org lacks its fields: see below
    assert activated.get_json()["active"] is True
    rolled = client.post("/admin/mapping/versions/1/rollback", json={"comment": "oops"},
                         headers=AUTH)
    assert rolled.status_code == 201 and rolled.get_json()["based_on"] == 1
    listed = client.get("/admin/mapping/versions", headers=AUTH).get_json()
    assert [(v["version"], v["active"]) for v in listed] == [(1, False), (2, False), (3, True)]
    one = client.get("/admin/mapping/versions/2", headers=AUTH).get_json()
    assert one["comment"] == "their names"
    diff = client.get("/admin/mapping/diff?from=1&to=2", headers=AUTH).get_json()
    assert set(diff["changed"]) == {"account.tier", "account.health_score",
                                    "opportunity.stage_name"}
    assert client.get("/admin/mapping/versions/99", headers=AUTH).status_code == 404


def test_given_version_naming_missing_fields_when_activated_then_409_names_them_and_nothing_moves(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    saved = client.post("/admin/mapping/versions", headers=AUTH,
                        json={"document": OTHER_ORG_DOCUMENT}).get_json()["version"]

    refused = client.post(f"/admin/mapping/versions/{saved}/activate", headers=AUTH)

    assert refused.status_code == 409
    errors = refused.get_json()["errors"]
    assert {e["path"] for e in errors} == {"account.tier", "account.health_score"}
    assert any("Account.Customer_Tier__c" in e["message"] for e in errors)
    assert "force" in refused.get_json()["message"]
    versions = client.get("/admin/mapping/versions", headers=AUTH).get_json()
    assert [v["version"] for v in versions if v["active"]] == [1]
    # saving with activate runs the same check and stores nothing when refused
    again = client.post("/admin/mapping/versions", headers=AUTH,
                        json={"document": OTHER_ORG_DOCUMENT, "activate": True})
    assert again.status_code == 409
    assert len(client.get("/admin/mapping/versions", headers=AUTH).get_json()) == 2
    with caplog.at_level("WARNING"):
        forced = client.post(f"/admin/mapping/versions/{saved}/activate", headers=AUTH,
                             json={"force": True})
    assert forced.status_code == 200 and forced.get_json()["active"] is True
    assert f"mapping version {saved} activated with force" in caplog.text


@pytest.mark.parametrize("flag", [0, 1, "true", "yes", None])
def test_given_a_non_boolean_flag_then_422_and_nothing_saved(client: FlaskClient, flag) -> None:
    response = client.post("/admin/mapping/versions", headers=AUTH,
                           json={"document": {}, "activate": flag})
    assert response.status_code == 422
    assert "activate" in response.get_json()["errors"]["json"]
    assert len(client.get("/admin/mapping/versions", headers=AUTH).get_json()) == 1


def test_given_draft_then_preflight_and_five_sample_snapshots(client: FlaskClient) -> None:
    response = client.post("/admin/mapping/validate", json={"document": OTHER_ORG_DOCUMENT},
                           headers=AUTH)
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["samples"]) == 5
    assert body["samples"][0]["tier"] == "T1" and body["samples"][0]["health_score"] == 64.0
    # the describe comes from the default export, which has no Customer_Tier__c
    assert body["ok"] is False
    fields = {p["field"] for p in body["preflight"]["problems"] if p["severity"] == "error"}
    assert fields == {"Customer_Tier__c", "CS_Health__c"}


def test_given_default_draft_then_ok(client: FlaskClient) -> None:
    body = client.post("/admin/mapping/validate", json={"document": {}}, headers=AUTH).get_json()
    assert body["ok"] is True and body["preflight"]["ok"] is True


def test_given_openapi_document_then_it_validates(app: Flask) -> None:
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    validate(spec)
    assert "/admin/mapping/versions/{version}/rollback" in spec["paths"]
    assert "400" in spec["paths"]["/admin/mapping/versions"]["post"]["responses"]
