"""The mapping editor's form view: pickers fed by the org's describe, submitted through
the editor's own validation (real MappingStore on Redis, the exported org's describe)."""

from __future__ import annotations

import re

from tests.admin.conftest import csrf_of


def _options(html: str, logical: str) -> list[str]:
    row = re.search(rf'<tr id="pick-{logical.replace(".", "-")}">(.*?)</tr>', html, re.S)
    assert row, f"no picker for {logical}"
    select = re.search(r'<select id="f-[^"]+"[^>]*>(.*?)</select>', row.group(1), re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def _selected(html: str, logical: str) -> str:
    row = re.search(rf'<tr id="pick-{logical.replace(".", "-")}">(.*?)</tr>', html, re.S)
    return re.search(r'<option value="([^"]*)" selected', row.group(1)).group(1)


def test_given_account_form_then_each_picker_lists_only_fields_of_a_fitting_type(client) -> None:
    html = client.get("/admin/mapping/form?object=account").text
    health = _options(html, "account.health_score")
    assert "Health_Score__c" in health and "AnnualRevenue" in health
    assert "Name" not in health and "Industry" not in health  # text and picklist fields
    assert _selected(html, "account.health_score") == "Health_Score__c"
    tier = re.search(r'<tr id="pick-account-tier">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'<select id="v-account.tier-T1"[^>]*>.*?<option value="T1" selected',
                     tier, re.S)


def test_given_form_choices_when_submitted_then_yaml_view_shows_the_validated_draft(
        client) -> None:
    page = client.get("/admin/mapping/form?object=account")
    form = {"csrf_token": csrf_of(page.text), "object": "account", "draft_from": "1",
            "field:account.nps_comment": ""}
    valid = client.post("/admin/mapping/form", data=form).text
    assert "Valid: no errors." in valid
    assert re.search(r"account\.nps_comment: null", valid)

    clash = client.post("/admin/mapping/form", data={
        **form, "field:account.health_score": "ARR__c"}).text  # already holds account.arr
    assert "error(s): the draft cannot be saved" in clash
    assert "Account.ARR__c is already bound to account.health_score" in clash


def test_given_unknown_object_then_html_404(client) -> None:
    response = client.get("/admin/mapping/form?object=spaceship")
    assert response.status_code == 404 and "There is no logical object" in response.text
