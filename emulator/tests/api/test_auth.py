"""Each login flow against the emulator, driven with requests as the product does."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession

from emulator.testing import EmulatorHandle, running_emulator

TIMEOUT = 10


def _token(emu: EmulatorHandle, **form: str) -> dict:
    response = emu.http().post(f"{emu.login_url}/services/oauth2/token", data=form, timeout=TIMEOUT)
    return {"status": response.status_code, **response.json()}


def _assertion(emu: EmulatorHandle, **overrides: object) -> str:
    claims = {"iss": emu.env["SALESFORCE_CLIENT_ID"], "sub": emu.env["SALESFORCE_USERNAME"],
              "aud": emu.login_url, "exp": int(time.time()) + 180}
    claims.update(overrides)
    key = Path(emu.env["SALESFORCE_PRIVATE_KEY_FILE"]).read_text()
    return jwt.encode(claims, key, algorithm="RS256")


def _works(emu: EmulatorHandle, token: str) -> bool:
    sf = Salesforce(session_id=token, instance_url=emu.instance_url, session=emu.http())
    return sf.query("SELECT Id FROM Organization")["totalSize"] == 1


def test_given_signed_assertion_when_jwt_bearer_grant_then_session_works(emu: EmulatorHandle) -> None:
    body = _token(emu, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer", assertion=_assertion(emu))
    assert body["status"] == 200
    assert body["token_type"] == "Bearer" and body["instance_url"] == emu.instance_url
    assert {"access_token", "id", "issued_at", "signature"} <= set(body)
    assert _works(emu, body["access_token"])


@pytest.mark.parametrize("audience", ["https://login.salesforce.com", "login_url"])
def test_given_production_audience_or_the_login_url_when_jwt_grant_then_accepted(emu: EmulatorHandle,
                                                                                  audience: str) -> None:
    aud = emu.login_url if audience == "login_url" else audience
    body = _token(emu, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer", assertion=_assertion(emu, aud=aud))
    assert body["status"] == 200 and _works(emu, body["access_token"])


def test_given_exp_in_milliseconds_as_the_salesforce_cli_sends_when_jwt_grant_then_accepted(
        emu: EmulatorHandle) -> None:
    # sfdx-core's tryJwtAuth sends exp = Date.now() + 300 (milliseconds); real orgs accept it.
    body = _token(emu, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer",
                  assertion=_assertion(emu, exp=int(time.time() * 1000) + 300))
    assert body["status"] == 200


@pytest.mark.parametrize("override,error", [({"aud": "https://test.salesforce.com"}, "invalid_grant"),
                                            ({"exp": int(time.time()) - 600}, "invalid_grant"),
                                            ({"sub": "nobody@example.com"}, "invalid_grant"),
                                            ({"iss": "someone-else"}, "invalid_client_id")])
def test_given_bad_assertion_when_jwt_bearer_grant_then_400(emu: EmulatorHandle, override: dict, error: str) -> None:
    body = _token(emu, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer", assertion=_assertion(emu, **override))
    assert body["status"] == 400 and body["error"] == error and body["error_description"]


def test_given_assertion_signed_by_another_key_when_jwt_grant_then_rejected(emu: EmulatorHandle) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    claims = {"iss": emu.env["SALESFORCE_CLIENT_ID"], "sub": emu.env["SALESFORCE_USERNAME"], "aud": emu.login_url,
              "exp": int(time.time()) + 180}
    body = _token(emu, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer",
                  assertion=jwt.encode(claims, other, algorithm="RS256"))
    assert body["status"] == 400 and body["error"] == "invalid_grant"


def test_given_basic_auth_when_client_credentials_then_session_works(emu: EmulatorHandle) -> None:
    response = emu.http().post(f"{emu.login_url}/services/oauth2/token", data={"grant_type": "client_credentials"},
                               auth=(emu.env["SALESFORCE_CLIENT_ID"], emu.env["SALESFORCE_CLIENT_SECRET"]),
                               timeout=TIMEOUT)
    assert response.status_code == 200
    assert _works(emu, response.json()["access_token"])


def test_given_wrong_secret_when_client_credentials_then_invalid_client(emu: EmulatorHandle) -> None:
    body = _token(emu, grant_type="client_credentials", client_id=emu.env["SALESFORCE_CLIENT_ID"],
                  client_secret="wrong")
    assert body["status"] == 400 and body["error"] == "invalid_client"


def test_given_password_grant_when_password_right_or_wrong_then_token_or_error(emu: EmulatorHandle) -> None:
    form = {"grant_type": "password", "client_id": emu.env["SALESFORCE_CLIENT_ID"],
            "client_secret": emu.env["SALESFORCE_CLIENT_SECRET"], "username": emu.env["SALESFORCE_USERNAME"]}
    good = _token(emu, **form, password=emu.env["SALESFORCE_PASSWORD"])
    bad = _token(emu, **form, password="nope")
    assert good["status"] == 200 and _works(emu, good["access_token"])
    assert bad["status"] == 400 and bad["error"] == "invalid_grant"


def test_given_refresh_token_when_refreshed_then_new_session(emu: EmulatorHandle) -> None:
    body = _token(emu, grant_type="refresh_token", client_id=emu.env["SALESFORCE_CLIENT_ID"],
                  client_secret=emu.env["SALESFORCE_CLIENT_SECRET"], refresh_token=emu.env["SALESFORCE_REFRESH_TOKEN"])
    assert body["status"] == 200 and _works(emu, body["access_token"])
    assert _token(emu, grant_type="refresh_token", client_id=emu.env["SALESFORCE_CLIENT_ID"],
                  refresh_token="5Aep-unknown")["error"] == "invalid_grant"


def test_given_soap_login_when_credentials_valid_then_session_id_and_server_url(emu: EmulatorHandle) -> None:
    envelope = (
        '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Body><urn:login>'
        f"<urn:username>{emu.env['SALESFORCE_USERNAME']}</urn:username>"
        f"<urn:password>{emu.env['SALESFORCE_PASSWORD']}</urn:password></urn:login></soapenv:Body></soapenv:Envelope>")
    response = emu.http().post(f"{emu.login_url}/services/Soap/u/59.0", data=envelope, timeout=TIMEOUT,
                               headers={"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": "login"})
    from defusedxml import ElementTree

    values = {el.tag.rpartition("}")[2]: el.text for el in ElementTree.fromstring(response.content).iter()}
    assert response.status_code == 200
    assert values["serverUrl"].startswith(f"{emu.instance_url}/services/Soap/u/59.0/")
    assert _works(emu, values["sessionId"])
    wrong = emu.http().post(f"{emu.login_url}/services/Soap/u/59.0", timeout=TIMEOUT,
                            data=envelope.replace(emu.env["SALESFORCE_PASSWORD"], "bad"))
    assert wrong.status_code == 500 and b"INVALID_LOGIN" in wrong.content


def test_given_session_ttl_when_clock_passes_it_then_401_invalid_session(tmp_path: Path) -> None:
    with running_emulator(tmp_path, session_ttl=60) as emu:
        sf = emu.salesforce()
        assert sf.query("SELECT Id FROM Organization")["totalSize"] == 1
        emu.advance_clock(seconds=61)
        with pytest.raises(SalesforceExpiredSession) as caught:
            sf.query("SELECT Id FROM Organization")
        assert caught.value.content == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_given_no_token_when_calling_rest_then_401_json_list(emu: EmulatorHandle) -> None:
    response = emu.http().get(f"{emu.instance_url}/services/data/v59.0/limits/", timeout=TIMEOUT)
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"
