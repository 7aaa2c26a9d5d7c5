"""OAuth flows against the emulator's login URL, TLS trust, re-authentication on expiry."""

from __future__ import annotations

import pytest

from integration.connection import AuthenticationFailed, jwt_assertion
from integration.errors import SalesforceFailure
from service.settings import Settings
from tests.integration.conftest import make_gateway


@pytest.mark.parametrize("auth", ["jwt", "client_credentials", "password"])
def test_given_each_oauth_flow_when_connected_then_queries_work(emu, auth) -> None:
    gateway = make_gateway(emu, auth=auth)
    assert gateway.count("SELECT COUNT() FROM User") >= 1
    assert gateway.ledger.counts["auth"] == 1 and gateway.ledger.api_calls == 1
    assert gateway.user_id and gateway.user_id.startswith("005")
    assert gateway.budget.limit == 15000 and gateway.budget.used == 1


def test_given_jwt_settings_when_assertion_built_then_claims_per_salesforce(emu) -> None:
    import jwt

    settings = Settings.from_env({**emu.env, "SALESFORCE_AUTH": "jwt"}).salesforce
    claims = jwt.decode(jwt_assertion(settings, now=1_700_000_000), options={"verify_signature": False})
    assert claims == {"iss": settings.client_id, "sub": settings.username,
                      "aud": settings.login_url, "exp": 1_700_000_180}


def test_given_session_mode_when_connected_then_no_token_call(emu) -> None:
    token = emu.login()
    gateway = make_gateway(emu, auth="session", SALESFORCE_SESSION_ID=token)
    assert gateway.count("SELECT COUNT() FROM Account") == 0
    assert gateway.ledger.counts["auth"] == 0


def test_given_expired_session_when_called_then_reauthenticates_once_and_replays(emu) -> None:
    gateway = make_gateway(emu)
    gateway.count("SELECT COUNT() FROM Account")
    emu.expire_sessions()
    assert gateway.count("SELECT COUNT() FROM Account") == 0
    assert gateway.ledger.counts["auth"] == 2 and gateway.ledger.counts["count"] == 3


def test_given_expired_session_in_session_mode_when_called_then_fails_with_advice(emu) -> None:
    gateway = make_gateway(emu, auth="session", SALESFORCE_SESSION_ID=emu.login())
    emu.expire_sessions()
    with pytest.raises(SalesforceFailure, match="SALESFORCE_SESSION_ID"):
        gateway.count("SELECT COUNT() FROM Account")


def test_given_wrong_secret_when_connecting_then_admin_actionable_failure(emu) -> None:
    gateway = make_gateway(emu, auth="client_credentials", SALESFORCE_CLIENT_SECRET="nope")
    with pytest.raises(AuthenticationFailed, match="CLIENT_SECRET"):
        gateway.count("SELECT COUNT() FROM Account")


def test_given_no_ca_bundle_when_connecting_then_tls_refused_without_retries(emu) -> None:
    gateway = make_gateway(emu, SALESFORCE_CA_BUNDLE="")
    with pytest.raises(SalesforceFailure, match="SALESFORCE_CA_BUNDLE"):
        gateway.count("SELECT COUNT() FROM Account")
    assert gateway.connection.session.request_count == 1


def test_given_unknown_field_when_queried_then_fail_fast_names_the_mapping(emu) -> None:
    gateway = make_gateway(emu)
    with pytest.raises(SalesforceFailure, match="mapping") as info:
        gateway.count("SELECT COUNT() FROM Account WHERE Nope__c = 1")
    assert info.value.code == "INVALID_FIELD"
    assert gateway.ledger.counts["count"] == 1  # not retried


def test_given_every_request_when_sent_then_it_carries_a_timeout(emu) -> None:
    gateway = make_gateway(emu)
    seen: list[object] = []
    session = gateway.connection.session
    original = session.send

    def send(request, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(request, **kwargs)

    session.send = send  # observe, not replace: the real request still goes out
    gateway.count("SELECT COUNT() FROM Account")
    assert seen and all(t is not None for t in seen)
