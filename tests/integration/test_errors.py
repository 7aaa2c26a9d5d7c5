"""The one error classifier: retry, re-authenticate, fail fast, or per-record."""

from __future__ import annotations

import requests
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)

from integration.errors import Action, RetryPolicy, classify, classify_status, record_action


def _sf(cls, status: int, code: str, message: str = "boom"):
    return cls("https://x/services/data/v59.0/query/", status, "query",
               [{"errorCode": code, "message": message, "fields": []}])


def test_given_503_server_unavailable_when_classified_then_retry() -> None:
    verdict = classify(_sf(SalesforceGeneralError, 503, "SERVER_UNAVAILABLE"))
    assert verdict.action is Action.RETRY


def test_given_unable_to_lock_row_on_400_when_classified_then_retry() -> None:
    assert classify(_sf(SalesforceMalformedRequest, 400, "UNABLE_TO_LOCK_ROW")).action is Action.RETRY


def test_given_timeouts_and_resets_when_classified_then_retry() -> None:
    assert classify(requests.ReadTimeout("slow")).action is Action.RETRY
    assert classify(requests.ConnectionError("reset by peer")).action is Action.RETRY
    assert classify(requests.exceptions.ChunkedEncodingError("cut")).action is Action.RETRY


def test_given_invalid_session_when_classified_then_reauthenticate() -> None:
    verdict = classify(_sf(SalesforceExpiredSession, 401, "INVALID_SESSION_ID"))
    assert verdict.action is Action.REAUTH


def test_given_request_limit_exceeded_when_classified_then_fail_fast_with_admin_hint() -> None:
    verdict = classify(_sf(SalesforceRefusedRequest, 403, "REQUEST_LIMIT_EXCEEDED"))
    assert verdict.action is Action.FAIL_FAST
    assert "RADAR_API_BUDGET_PERCENT" in verdict.message


def test_given_invalid_field_when_classified_then_fail_fast_naming_the_mapping() -> None:
    verdict = classify(_sf(SalesforceMalformedRequest, 400, "INVALID_FIELD", "No such column 'Tier__c'"))
    assert verdict.action is Action.FAIL_FAST
    assert "Tier__c" in verdict.message and "mapping" in verdict.message


def test_given_any_insufficient_access_code_when_classified_then_permission_hint() -> None:
    verdict = classify_status(403, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "no")
    assert verdict.action is Action.FAIL_FAST and "sharing" in verdict.message
    assert "permission" in classify_status(403, "INSUFFICIENT_ACCESS_XYZ", "no").message


def test_given_validation_codes_when_record_level_then_record_not_retried() -> None:
    for code in ("REQUIRED_FIELD_MISSING", "STRING_TOO_LONG", "DUPLICATE_VALUE",
                 "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "FIELD_CUSTOM_VALIDATION_EXCEPTION"):
        assert record_action(code) is Action.RECORD
    assert record_action("UNABLE_TO_LOCK_ROW") is Action.RETRY


def test_given_oauth_error_body_when_classified_then_code_is_oauth_error() -> None:
    verdict = classify_status(400, "invalid_grant", "user hasn't approved this consumer")
    assert verdict.action is Action.FAIL_FAST and "pre-authorized" in verdict.message


def test_given_retry_policy_when_delays_listed_then_exponential_and_capped() -> None:
    policy = RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=4.0)
    assert list(policy.delays()) == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert policy.delay(10, rng=lambda lo, hi: hi) == 4.0
    assert policy.delay(0, rng=lambda lo, hi: lo) == 0.0
