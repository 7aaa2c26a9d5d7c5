"""Records -> AccountSnapshot / OrgContext through a mapping, robust to real-org values."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from crm_mapping.document import FieldMapping, default_mapping, load_mapping
from crm_mapping.snapshots import to_org_context, to_snapshot
from crm_mapping.translate import TranslationIssue, build_org_index
from emulator.ids import to18
from tests.crm_mapping import records as R

NOW = datetime(2026, 10, 15, tzinfo=UTC)


def _snapshot(mapping: FieldMapping | None = None, bundle=None, issues=None):  # noqa: ANN001, ANN202
    mapping = mapping or default_mapping()
    index = build_org_index(R.org_data(), mapping)
    return to_snapshot(bundle or R.bundle(), mapping, index, NOW, issues)


def test_given_default_org_records_then_snapshot_carries_domain_values() -> None:
    snap = _snapshot()
    assert snap.id == R.ACCOUNT and len(snap.id) == 18  # 15-char Id normalised
    assert (snap.name, snap.tier, snap.health_score, snap.employees) == ("Acme Corp", "T1", 78.0, 1200)
    assert snap.renewal_date == date(2026, 12, 31)
    assert snap.contracted_departments == ("Sales", "Marketing")
    assert snap.csm_id == R.CSM
    contact = snap.contacts[0]
    assert contact.account_roles == ("Economic Buyer", "Influencer")
    assert contact.created_date == datetime(2026, 1, 5, 10, tzinfo=UTC)
    opp = snap.opportunities[0]
    assert (opp.is_won, opp.amount, opp.stage) == (True, 120000.0, "Closed Won")
    assert opp.line_items[0].product_id == R.PRODUCT
    assert opp.contact_roles[0].role == "Decision Maker"
    assert opp.competitors == ("Globex",)  # flat "Opportunity.AccountId" key also fine
    task = next(a for a in snap.activities if a.kind == "Task")
    assert (task.radar_action, task.signal_type, task.qual_budget) == ("follow_up", "usage_spike", "50k")
    assert any(a.kind == "Event" for a in snap.activities)


def test_given_product_named_instead_of_linked_then_resolved_by_name() -> None:
    snap = _snapshot()
    assert snap.cases[0].product_id == R.PRODUCT_2


def test_given_messy_values_then_none_not_crash() -> None:
    account = R.account_record(Health_Score__c="n/a", NumberOfEmployees="1,500",
                                ARR__c="$120,000", NPS_Score__c="", Renewal_Date__c="soon")
    snap = _snapshot(bundle=R.bundle(account))
    assert snap.health_score is None and snap.nps_score is None and snap.renewal_date is None
    assert (snap.employees, snap.arr) == (1500, 120000.0)
    usage = snap.usage
    assert len(usage) == 1  # the 2099 period is dropped
    assert (usage[0].active_users, usage[0].licensed_units, usage[0].usage_units) == (45.0, 50.0, None)


def test_given_field_absent_from_records_then_listed_unavailable() -> None:
    account = R.account_record()
    del account["NPS_Score__c"]
    snap = _snapshot(bundle=R.bundle(account))
    assert "account.nps_score" in snap.unavailable
    assert "account.tier" not in snap.unavailable


def test_given_object_skipped_by_integration_then_object_unavailable() -> None:
    item = R.bundle()
    del item.children["product_usage"]  # integration drops objects missing in the org
    snap = _snapshot(bundle=item)
    assert "product_usage" in snap.unavailable and snap.usage == ()
    assert "asset" not in snap.unavailable  # read, just no rows


def test_given_unmapped_field_then_unavailable() -> None:
    mapping = load_mapping({"fields": {"account.health_score": None}})
    snap = _snapshot(mapping)
    assert snap.health_score is None and "account.health_score" in snap.unavailable


def test_given_history_rows_then_field_changes_with_logical_names() -> None:
    snap = _snapshot()
    fields = {(c.field, c.old_value, c.new_value) for c in snap.history}
    assert fields == {("account.employees", "900", "1200"),
                      ("contact.title", "Director", "VP Engineering")}


def test_given_other_org_names_when_mapped_then_same_snapshot(other_org: FieldMapping) -> None:
    account = R.account_record(Customer_Tier__c="Strategic", CS_Health__c="81")
    del account["Tier__c"], account["Health_Score__c"]
    snap = _snapshot(other_org, R.bundle(account))
    assert (snap.tier, snap.health_score) == ("T1", 81.0)
    growth = _snapshot(other_org, R.bundle(R.account_record(Customer_Tier__c="Growth")))
    assert growth.tier == "T2"
    qualifying = R.bundle(opportunity=[{"Id": R.OPP, "AccountId": R.ACCOUNT, "Name": "Exp",
                                        "StageName": "Qualification", "IsClosed": False,
                                        "IsWon": False}])
    assert _snapshot(other_org, qualifying).opportunities[0].stage == "S2"


def test_given_unknown_tier_value_then_none_and_reported() -> None:
    issues: list[TranslationIssue] = []
    snap = _snapshot(bundle=R.bundle(R.account_record(Tier__c="Platinum")), issues=issues)
    assert snap.tier is None and "account.tier" in snap.unavailable
    assert [(i.logical, i.value) for i in issues] == [("account.tier", "Platinum")]


def test_given_org_data_then_context_has_prices_users_and_time_zone() -> None:
    ctx = to_org_context(R.org_data(), default_mapping(), ("Globex",))
    prices = {p.name: p.list_price for p in ctx.products}
    assert prices == {"Seats": 2400.0, "Analytics": 1000.0}
    assert ctx.products[1].keywords == ("analytics", "dashboards")
    assert ctx.time_zone == "Europe/London" and ctx.competitors == ("Globex",)
    assert ctx.users[0].role == "AE"
    assert ctx.org_id == to18(R.make_id("00D", 1))


def test_given_many_bundles_then_translation_keeps_up_with_detection() -> None:
    mapping = default_mapping()
    index = build_org_index(R.org_data(), mapping)
    bundles = [R.bundle() for _ in range(2000)]
    to_snapshot(bundles[0], mapping, index, NOW)  # build the translator once
    started = time.perf_counter()
    for item in bundles:
        to_snapshot(item, mapping, index, NOW)
    rate = len(bundles) / (time.perf_counter() - started)
    assert rate > 1500, f"{rate:.0f} bundles/s"  # ~7,000/s on one idle core
