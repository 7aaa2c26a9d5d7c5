"""The mapping editor over the real MappingStore (real Redis) and the org check."""

from __future__ import annotations

import re

import redis
from flask import Flask

from crm_mapping.store import MappingStore
from service.admin import AdminSources, init_admin
from service.admin.mapping_source import StoreMappingSource, version_yaml
from tests.admin.conftest import csrf_of, log_in

GOOD = "  account.health_score: Health_Score__c\n"


def _draft(client, text: str, action: str = "validate", **extra: str):
    page = client.get("/admin/mapping").text
    return client.post("/admin/mapping/draft",
                       data={"csrf_token": csrf_of(page), "draft": text, "action": action,
                             **extra})


def _active_text(redis_conn: redis.Redis) -> str:
    return version_yaml(MappingStore(redis_conn).active())


def _problem_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="problem (?:error|warning)">(.*?)</tr>', html, re.S)


def test_given_fresh_org_when_editor_opened_then_seeded_version_listed_active(client) -> None:
    html = client.get("/admin/mapping").text
    assert re.search(r'id="version-1" class="active"', html)
    assert "account.tier:" in html and "Tier__c" in html  # the draft starts from it


def test_given_bad_api_name_when_validated_then_problem_names_object_and_field(
        client, redis_conn: redis.Redis) -> None:
    text = _active_text(redis_conn).replace(GOOD, "  account.health_score: Health Score__c\n")
    response = _draft(client, text)
    rows = _problem_rows(response.text)
    assert len(rows) == 1
    assert "Account" in rows[0] and "Health Score__c (account.health_score)" in rows[0]
    assert "is not a Salesforce API name" in rows[0]
    assert "set fields.account.health_score to the API name of a field of Account" in rows[0]
    assert "Health Score__c" in response.text.split('id="draft"')[1]  # the draft is kept


def test_given_field_missing_in_org_when_validated_then_preflight_fix_shown(
        client, redis_conn: redis.Redis) -> None:
    text = _active_text(redis_conn).replace(GOOD, "  account.health_score: CS_Health__c\n")
    rows = _problem_rows(_draft(client, text).text)
    assert any("CS_Health__c" in r and "Account" in r and "does not exist on Account" in r
               and "deploy it" in r for r in rows)


def test_given_invalid_draft_when_saved_then_refused_and_nothing_stored(
        client, redis_conn: redis.Redis) -> None:
    text = _active_text(redis_conn).replace(GOOD, "  account.health_score: 9bad\n")
    response = _draft(client, text, action="save")
    assert response.status_code == 422
    assert "Not saved" in response.text
    assert [v.version for v in MappingStore(redis_conn).list_versions()] == [1]


def test_given_not_yaml_when_validated_then_one_document_problem(client) -> None:
    rows = _problem_rows(_draft(client, "fields: [unclosed").text)
    assert len(rows) == 1 and "not valid YAML" in rows[0]


def test_given_valid_draft_when_saved_activated_and_rolled_back_then_store_follows(
        client, redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn)
    text = _active_text(redis_conn).replace("  account.nps_comment: NPS_Comment__c\n",
                                            "  account.nps_comment: null\n")
    response = _draft(client, text, action="save", comment="no NPS comments", author="Robin")
    assert response.status_code == 302
    saved = store.get(2)
    assert not saved.active and saved.author == "Robin" and saved.comment == "no NPS comments"
    assert saved.document["fields"]["account.nps_comment"] is None

    page = client.get("/admin/mapping").text
    response = client.post("/admin/mapping/activate/2", data={"csrf_token": csrf_of(page)},
                           follow_redirects=True)
    assert "Version 2 is active." in response.text
    assert store.active_version_number() == 2

    response = client.post("/admin/mapping/rollback/1", data={"csrf_token": csrf_of(page)},
                           follow_redirects=True)
    assert "version 3 (a copy of version 1) is active" in response.text
    assert store.active().based_on == 1 and store.active_version_number() == 3


def test_given_two_versions_when_compared_then_changed_field_listed(
        client, redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn)
    document = store.active().document
    document["fields"]["account.nps_comment"] = None
    store.save(document, author="t")
    html = client.get("/admin/mapping/compare?a=1&b=2").text
    assert re.search(r'class="removed"><td>removed</td><td><code>account.nps_comment</code>'
                     r'</td><td>Account.NPS_Comment__c</td>', html)
    assert "bind every field the same way" in client.get("/admin/mapping/compare?a=1&b=1").text


def test_given_version_when_viewed_then_yaml_shown(client) -> None:
    html = client.get("/admin/mapping/show/1").text
    assert 'id="version-yaml"' in html and "account.tier:" in html


def test_given_unknown_version_when_viewed_then_404_page(client) -> None:
    response = client.get("/admin/mapping/show/99")
    assert response.status_code == 404
    assert "Mapping version 99 does not exist." in response.text
    assert client.get("/admin/mapping/compare?a=1&b=99").status_code == 404


def test_given_version_failing_org_check_when_activated_then_refused(
        client, redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn)
    document = store.active().document
    document["fields"]["account.health_score"] = "CS_Health__c"  # not in this org
    store.save(document, author="cli")
    page = client.get("/admin/mapping").text
    response = client.post("/admin/mapping/activate/2", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 422
    assert "was not activated" in response.text
    assert store.active_version_number() == 1


def test_given_org_unreachable_when_validated_then_document_checked_and_save_allowed(
        redis_conn: redis.Redis, settings, fake_status, fake_insights) -> None:
    def unreachable(names):
        raise ConnectionError("secret-host unreachable")

    source = StoreMappingSource(lambda: MappingStore(redis_conn), unreachable)
    app = Flask("org_down")
    init_admin(app, AdminSources(source, fake_status, fake_insights), settings)
    client = app.test_client()
    log_in(client)
    text = _active_text(redis_conn)
    response = _draft(client, text)
    assert "the org could not be checked: ConnectionError" in response.text
    assert "secret-host" not in response.text
    assert _draft(client, text, action="save").status_code == 302


def test_given_many_versions_when_editor_opened_then_newest_twenty_and_pages_to_older(
        client, redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn)
    document = store.active().document
    for n in range(44):  # versions 2..45
        store.save(document, author="bulk", comment=f"change {n}")
    store.activate(3)

    first = client.get("/admin/mapping").text
    shown = [int(n) for n in re.findall(r'<tr id="version-(\d+)"', first)]
    assert shown == list(range(45, 25, -1))
    assert "45 saved, newest first · page 1 of 3" in first
    assert 'id="versions-older"' in first and 'id="versions-newer"' not in first
    assert "version 3" in re.search(r'id="active-version">(.*?)<', first)[1]  # not on page 1

    last = client.get("/admin/mapping?page=3").text
    assert [int(n) for n in re.findall(r'<tr id="version-(\d+)"', last)] == [5, 4, 3, 2, 1]
    assert re.search(r'id="version-3" class="active"', last)
    assert 'id="versions-newer"' in last and 'id="versions-older"' not in last
    beyond = client.get("/admin/mapping?page=99").text  # clamped to the last page
    assert "page 3 of 3" in beyond
