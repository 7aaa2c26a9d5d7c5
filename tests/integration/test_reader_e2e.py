"""Streaming reads against the emulator over HTTPS with the real simple-salesforce client."""

from __future__ import annotations

from collections import defaultdict

from integration.contracts import ObjectRead, ReadSpec
from integration.read_plan import ReadOptions
from integration.reader import OrgReader
from tests.integration.conftest import make_gateway
from tests.integration.specs import default_spec

CHILD_KEYS = {"contact": ("Contact", "AccountId"), "opportunity": ("Opportunity", "AccountId"),
              "case": ("Case", "AccountId"), "product_usage": ("Product_Usage__c", "Account__c"),
              "task": ("Task", "AccountId")}


def truth(store) -> dict[str, dict[str, set[str]]]:
    """Account id -> logical -> child ids, straight from the store."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for logical, (sobject, key) in CHILD_KEYS.items():
        for row in store.query(f"SELECT Id, {key} FROM {sobject}"):  # noqa: S608 - test constants
            if row[key]:
                out[row[key]][logical].add(row["Id"])
    for row in store.query("SELECT Id, Opportunity.AccountId FROM OpportunityLineItem"):
        out[row["Opportunity"]["AccountId"]]["opportunity_line_item"].add(row["Id"])
    return out


def read_all(reader: OrgReader) -> dict[str, dict[str, set[str]]]:
    reader.plan()
    return {b.account_id: {k: {r["Id"] for r in v} for k, v in b.children.items() if v}
            for b in reader.stream_bundles()}


def test_given_seeded_org_when_full_scan_then_every_child_in_its_account_bundle(seeded) -> None:
    emu, counts = seeded
    gateway = make_gateway(emu)
    reader = OrgReader(gateway, default_spec())
    bundles = read_all(reader)
    expected = truth(emu.store)
    assert len(bundles) == counts["account"]
    for account_id, children in bundles.items():
        assert children == {k: v for k, v in expected.get(account_id, {}).items() if v}
    line_item = next(r for b in OrgReader(make_gateway(emu), default_spec()).stream_bundles()
                     for r in b.children["opportunity_line_item"])
    assert line_item["Opportunity"]["AccountId"] and line_item["UnitPrice"] > 0
    assert reader.stats.apis["opportunity_line_item"] == "folded"


def test_given_full_scan_when_counted_then_within_ten_percent_of_planned_minimum(seeded) -> None:
    emu, _ = seeded
    gateway = make_gateway(emu)
    reader = OrgReader(gateway, default_spec())
    read_all(reader)
    reader.read_org_data()
    planned = reader.stats.planned_minimum(default_spec(), reader.options)
    assert gateway.ledger.api_calls <= 1.1 * planned
    assert emu.stats()["api_used"] == gateway.ledger.api_calls


def test_given_small_pages_when_scanned_then_pages_follow_the_formula(seeded) -> None:
    emu, counts = seeded
    gateway = make_gateway(emu)
    options = ReadOptions(page_size=200, fold_children=False)
    spec = ReadSpec((default_spec().objects[0], ObjectRead(
        "product_usage", "Product_Usage__c", ("Usage_Units__c",), account_path="Account__c")))
    reader = OrgReader(gateway, spec, options)
    read_all(reader)
    assert gateway.ledger.counts["composite"] == 1  # both COUNT() probes in one call
    assert gateway.ledger.counts["query_page"] == 2  # 24 accounts, 50 usage rows: one page each
    assert reader.stats.planned_minimum(spec, options) == gateway.ledger.api_calls


def test_given_bulk_threshold_crossed_when_scanned_then_bulk_rows_merge_identically(seeded) -> None:
    emu, _ = seeded
    rest = read_all(OrgReader(make_gateway(emu), default_spec()))
    gateway = make_gateway(emu)
    reader = OrgReader(gateway, default_spec(), ReadOptions(bulk_threshold=20))
    bulk = read_all(reader)
    assert bulk == rest
    assert reader.stats.apis["contact"] == "bulk" and reader.stats.apis["account"] == "bulk"
    assert gateway.ledger.counts["bulk_job_step"] >= 3 * 4
    usage = next(r for b in OrgReader(gateway, default_spec(), ReadOptions(bulk_threshold=20))
                 .stream_bundles() for r in b.children["product_usage"])
    assert isinstance(usage["Usage_Units__c"], float)  # CSV typed through describe


def test_given_resume_point_when_scanned_then_only_later_accounts(seeded) -> None:
    emu, _ = seeded
    all_ids = sorted(read_all(OrgReader(make_gateway(emu), default_spec())))
    reader = OrgReader(make_gateway(emu), default_spec())
    later = [b.account_id for b in reader.stream_bundles(after_account_id=all_ids[9])]
    assert later == all_ids[10:]


def test_given_account_ids_when_read_for_them_then_only_those_bundles(seeded) -> None:
    emu, _ = seeded
    expected = truth(emu.store)
    wanted = sorted(expected)[:3]
    gateway = make_gateway(emu)
    reader = OrgReader(gateway, default_spec(), ReadOptions(in_chunk=2))
    bundles = {b.account_id: b for b in reader.bundles_for(wanted)}
    assert sorted(bundles) == wanted
    for account_id in wanted:
        got = {k: {r["Id"] for r in v} for k, v in bundles[account_id].children.items() if v}
        assert got == {k: v for k, v in expected[account_id].items() if v}
    # two chunks x three queries (accounts with their contacts, cases and usage as
    # subqueries; opportunities with their line items; tasks): one composite call each
    assert gateway.ledger.counts["composite"] == 2
    assert gateway.ledger.counts["query_page"] == 0


def test_given_optional_object_missing_in_org_when_scanned_then_skipped_and_reported(seeded) -> None:
    emu, counts = seeded
    spec = ReadSpec((*default_spec().objects,
                     ObjectRead("asset", "Asset_Missing__c", ("Name",), account_path="AccountId",
                                required=False)))
    reader = OrgReader(make_gateway(emu), spec)
    bundles = list(reader.stream_bundles())
    assert len(bundles) == counts["account"]
    assert "asset" in reader.stats.skipped and "asset" not in bundles[0].children
