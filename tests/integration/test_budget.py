"""API budget arithmetic and the call ledger."""

from __future__ import annotations

import pytest
import requests

from integration.budget import ApiBudget, BudgetExhausted, CallLedger, parse_limit_info


def _response(header: str | None) -> requests.Response:
    response = requests.Response()
    if header:
        response.headers["Sforce-Limit-Info"] = header
    return response


def test_given_limit_info_header_when_parsed_then_used_and_max() -> None:
    assert parse_limit_info("api-usage=18/5000") == (18, 5000)
    assert parse_limit_info("api-usage=25/5000; per-app-api-usage=17/250(appName=x)") == (25, 5000)
    assert parse_limit_info(None) is None and parse_limit_info("nothing") is None


def test_given_unknown_max_when_checked_then_first_call_allowed() -> None:
    ApiBudget(10).check()


def test_given_ten_percent_of_1000_when_100_spent_then_next_call_refused() -> None:
    budget = ApiBudget(10)
    budget.observe(_response("api-usage=5/1000"))
    for _ in range(100):
        budget.check()
        budget.record_call()
    with pytest.raises(BudgetExhausted) as info:
        budget.check()
    assert info.value.spent == 100 and info.value.allowance == 100
    assert "resumes from the checkpoint" in str(info.value)


def test_given_org_near_its_limit_when_checked_then_ceiling_stops_before_the_limit() -> None:
    budget = ApiBudget(50, org_ceiling_percent=95)
    budget.observe(_response("api-usage=949/1000"))
    budget.check()
    budget.observe(_response("api-usage=950/1000"))
    with pytest.raises(BudgetExhausted, match="ceiling"):
        budget.check()
    assert budget.remaining() == 0


def test_given_explicit_max_calls_when_reached_then_refused_even_without_header() -> None:
    budget = ApiBudget(100, max_calls=2)
    budget.record_call()
    budget.check()
    budget.record_call()
    with pytest.raises(BudgetExhausted):
        budget.check()


def test_given_multi_step_operation_when_checked_for_several_then_refused_early() -> None:
    budget = ApiBudget(10)
    budget.observe(_response("api-usage=0/100"))
    for _ in range(6):
        budget.record_call()
    budget.check(4)
    with pytest.raises(BudgetExhausted):
        budget.check(5)


def test_given_ledger_when_calls_added_then_totals_by_kind_and_metered() -> None:
    ledger = CallLedger()
    ledger.add("auth")
    ledger.add("query_page", 3)
    ledger.add("collection_write")
    assert ledger.total == 5 and ledger.api_calls == 4
    snapshot = ledger.as_dict()
    ledger.add("count")
    assert ledger.since(snapshot)["count"] == 1
    with pytest.raises(ValueError):
        ledger.add("mystery")
