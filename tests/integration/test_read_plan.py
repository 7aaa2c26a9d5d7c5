"""Read strategy: call formulas, SOQL building, and the per-account k-way merge."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integration.contracts import ObjectRead, ReadSpec
from integration.read_plan import (
    ReadOptions,
    StreamOrderError,
    build_changes,
    build_count,
    build_query,
    build_subquery,
    bulk_steps,
    choose_api,
    fold_parent,
    keyed,
    merge_by_account,
    naive_calls,
    planned_calls,
    rest_pages,
    strategies,
)
from tests.integration.specs import default_spec


def test_given_counts_when_choosing_api_then_bulk_only_above_threshold() -> None:
    options = ReadOptions(bulk_threshold=20_000)
    assert choose_api(20_000, options) == "rest"
    assert choose_api(20_001, options) == "bulk"


def test_given_row_counts_when_costed_then_formulas_hold() -> None:
    assert rest_pages(0) == 1 and rest_pages(2000) == 1 and rest_pages(2001) == 2
    assert bulk_steps(120_000) == 3 + 3  # describe, create, 1 poll + 3 result pages


def test_given_default_spec_when_planned_then_line_items_fold_into_opportunities() -> None:
    spec = default_spec()
    child = spec.get("opportunity_line_item")
    assert child is not None and fold_parent(child, spec) == spec.get("opportunity")
    counts = {"account": 10_000, "contact": 40_000, "opportunity": 15_000,
              "opportunity_line_item": 30_000, "case": 9_000, "product_usage": 120_000,
              "task": 18_000, "product": 40}
    apis = strategies(spec, counts)
    assert apis["opportunity_line_item"] == "folded"
    assert apis["contact"] == "bulk" and apis["product_usage"] == "bulk"
    expected = (
        5  # account: 10,000/2,000 pages
        + 4  # contact: bulk 40,000 rows -> describe/create/poll + 1 page
        + 8  # opportunity (line items folded in: no call of their own)
        + 5  # case
        + 6  # usage: bulk, ceil(120,000/50,000) = 3 pages
        + 9  # task
        + 1  # product
        + 2  # seven COUNT() probes, five to a composite call
    )
    assert planned_calls(counts, spec) == expected


def test_given_no_spec_when_planned_then_each_object_costed_alone() -> None:
    # a: one page; b: three pages; both COUNT() probes in one composite call
    assert planned_calls({"a": 0, "b": 4001}) == 1 + 3 + 1


def test_given_naive_strategy_when_costed_then_per_account_queries_dominate() -> None:
    assert naive_calls(10_000, 6, 500) == 5 + 60_000 + 500


def test_given_child_object_when_query_built_then_ordered_by_account_then_id() -> None:
    case = ObjectRead("case", "Case", ("Subject",), account_path="AccountId")
    assert build_query(case) == "SELECT Id, AccountId, Subject FROM Case ORDER BY AccountId, Id"
    resumed = build_query(case, after="001000000000001AAA")
    assert "WHERE AccountId > '001000000000001AAA'" in resumed
    assert "ORDER BY" not in build_query(case, ordered=False)


def test_given_hostile_id_when_query_built_then_value_is_escaped() -> None:
    case = ObjectRead("case", "Case", ("Subject",), account_path="AccountId")
    soql = build_query(case, account_ids=["001' OR Name != '"])
    assert "IN ('001\\' OR Name != \\'')" in soql


def test_given_field_with_sql_when_query_built_then_refused() -> None:
    bad = ObjectRead("case", "Case", ("Subject FROM User --",), account_path="AccountId")
    with pytest.raises(ValueError):
        build_query(bad)


def test_given_window_when_changes_query_built_then_half_open_on_systemmodstamp() -> None:
    case = ObjectRead("case", "Case", ("Subject",), account_path="AccountId")
    soql = build_changes(case, datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC))
    assert soql == ("SELECT Id, AccountId, SystemModstamp FROM Case"
                    " WHERE SystemModstamp >= 2024-05-01T00:00:00+00:00"
                    " AND SystemModstamp < 2024-05-02T00:00:00+00:00")
    # No write of ours in the window: the integration user's rows are news like any other.
    none = build_changes(case, datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC),
                         own_user="005A")
    assert none == soql


def test_given_own_write_spans_when_changes_query_built_then_only_stamps_inside_are_echoes(
        ) -> None:
    case = ObjectRead("case", "Case", ("Subject",), account_path="AccountId")
    spans = [(datetime(2024, 5, 1, 10, tzinfo=UTC), datetime(2024, 5, 1, 10, 5, tzinfo=UTC)),
             (datetime(2024, 4, 1, tzinfo=UTC), datetime(2024, 4, 2, tzinfo=UTC))]  # before
    own = build_changes(case, datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC),
                        own_user="005A", own_spans=spans)
    assert own.endswith(" AND (LastModifiedById != '005A' OR"
                        " ((SystemModstamp < 2024-05-01T10:00:00+00:00"
                        " OR SystemModstamp > 2024-05-01T10:05:00+00:00)))")


def test_given_filter_when_count_built_then_same_filter() -> None:
    opp = ObjectRead("opportunity", "Opportunity", ("Name",), account_path="AccountId",
                     where="IsDeleted = false")
    assert build_count(opp) == "SELECT COUNT() FROM Opportunity WHERE (IsDeleted = false)"


def test_given_folded_child_when_subquery_built_then_parent_paths_dropped() -> None:
    spec = default_spec()
    child, parent = spec.get("opportunity_line_item"), spec.get("opportunity")
    assert child is not None and parent is not None
    sub = build_subquery(child, "OpportunityLineItems", parent)
    assert sub.startswith("(SELECT Id, OpportunityId, Product2Id")
    assert "Opportunity.AccountId" not in sub and sub.endswith("FROM OpportunityLineItems ORDER BY Id)")


def test_given_sorted_streams_when_merged_then_one_bundle_per_account_with_its_children() -> None:
    accounts = [{"Id": "001A"}, {"Id": "001B"}, {"Id": "001D"}]
    cases = [{"Id": "500x", "AccountId": None}, {"Id": "5001", "AccountId": "001A"},
             {"Id": "5002", "AccountId": "001C"}, {"Id": "5003", "AccountId": "001D"}]
    contacts = [{"Id": "0031", "AccountId": "001B"}, {"Id": "0032", "AccountId": "001B"}]
    bundles = list(merge_by_account(iter(accounts), {
        "case": keyed(iter(cases), "AccountId"), "contact": keyed(iter(contacts), "AccountId")}))
    assert [b.account_id for b in bundles] == ["001A", "001B", "001D"]
    assert [c["Id"] for c in bundles[0].children["case"]] == ["5001"]
    assert [c["Id"] for c in bundles[1].children["contact"]] == ["0031", "0032"]
    assert [c["Id"] for c in bundles[2].children["case"]] == ["5003"]
    assert bundles[2].children["contact"] == []


def test_given_parent_path_when_keyed_then_nested_value_used() -> None:
    rows = [{"Id": "00k1", "Opportunity": {"AccountId": "001A"}}]
    assert next(keyed(iter(rows), "Opportunity.AccountId"))[0] == "001A"


def test_given_unsorted_stream_when_merged_then_order_error_not_silent_loss() -> None:
    rows = [{"Id": "1", "AccountId": "001B"}, {"Id": "2", "AccountId": "001A"}]
    with pytest.raises(StreamOrderError):
        list(keyed(iter(rows), "AccountId"))


def test_given_generator_streams_when_merged_then_consumed_lazily() -> None:
    pulled: list[str] = []

    def accounts():
        for i in range(1000):
            pulled.append(f"a{i}")
            yield {"Id": f"001{i:06d}"}

    merged = merge_by_account(accounts(), {})
    next(merged)
    assert len(pulled) == 1
    assert ReadSpec(()).get("x") is None
