"""The error taxonomy (integration/diagnosis.py): kind, exit code and retry per failure."""

from __future__ import annotations

import pytest
import redis
import requests

from integration.diagnosis import Kind, OperatorError, diagnose
from integration.errors import AuthenticationFailed, SalesforceFailure
from service.settings import SettingsError


@pytest.mark.parametrize(("error", "kind", "code", "retried", "names"), [
    (SettingsError("RADAR_API_BUDGET_PERCENT must be a number"), Kind.CONFIGURATION, 2, False,
     "RADAR_API_BUDGET_PERCENT"),
    (redis.ConnectionError("Error 111"), Kind.UNREACHABLE, 3, True, "REDIS_URL"),
    (redis.AuthenticationError("invalid password"), Kind.CONFIGURATION, 2, False, "REDIS_URL"),
    (requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED"), Kind.CONFIGURATION, 2, False,
     "SALESFORCE_CA_BUNDLE"),
    (requests.ConnectionError("refused"), Kind.UNREACHABLE, 3, True, "SALESFORCE_LOGIN_URL"),
    (SalesforceFailure("TLS_VERIFICATION_FAILED", "x"), Kind.CONFIGURATION, 2, False,
     "SALESFORCE_CA_BUNDLE"),
    (SalesforceFailure("ConnectionError", "max retries"), Kind.UNREACHABLE, 3, True,
     "SALESFORCE_LOGIN_URL"),
    (SalesforceFailure("SERVER_UNAVAILABLE", "maintenance"), Kind.UNREACHABLE, 3, True,
     "could not be reached"),
    (AuthenticationFailed("invalid_grant", "authentication failure"), Kind.CONFIGURATION, 2,
     False, "refused the login"),
    (SalesforceFailure("INVALID_FIELD", "No such column 'X__c'"), Kind.CONFIGURATION, 2, False,
     "INVALID_FIELD"),
    (SalesforceFailure("INSUFFICIENT_ACCESS_OR_READONLY", "cannot edit"), Kind.PERMISSION, 2,
     False, "INSUFFICIENT_ACCESS_OR_READONLY"),
    (SalesforceFailure("UNABLE_TO_LOCK_ROW", "still locked"), Kind.FAILURE, 1, True,
     "UNABLE_TO_LOCK_ROW"),
    (OperatorError("the org does not match the active mapping"), Kind.CONFIGURATION, 2, False,
     "mapping"),
    (KeyError("boom"), Kind.FAILURE, 1, True, "KeyError"),
])
def test_given_failure_when_diagnosed_then_kind_exit_code_retry_and_one_line(
        error: BaseException, kind: Kind, code: int, retried: bool, names: str) -> None:
    problem = diagnose(error)
    assert (problem.kind, problem.exit_code, problem.retryable) == (kind, code, retried)
    assert names in problem.message
    assert "\n" not in problem.message


def test_given_multiline_message_when_diagnosed_then_one_line() -> None:
    problem = diagnose(SalesforceFailure("INVALID_FIELD", "line one\n  line two"))
    assert problem.message == "Salesforce INVALID_FIELD: line one line two"
