"""Login: the OAuth 2.0 token endpoint (JWT bearer, client credentials, username-password,
refresh token) and the SOAP partner login.

JWT bearer: an RS256 assertion with iss = consumer key, sub = username, aud = login URL,
exp not yet passed, verified against the connected app's certificate
(https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm).
Errors answer 400 ``{"error","error_description"}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import jwt
from defusedxml import ElementTree
from flask import Blueprint, Response, current_app, jsonify, request

if TYPE_CHECKING:
    from emulator.org import Org

bp = Blueprint("emulator_auth", __name__)
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _org() -> Org:
    return current_app.config["EMULATOR_ORG"]


def _error(error: str, description: str, status: int = 400) -> Response:
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    return response


def token_body(org: Org, user_id: str, username: str, with_refresh: bool = False) -> dict[str, Any]:
    """The token endpoint's success body for a new session of ``user_id``."""
    session = org.sessions.issue(user_id, username)
    issued_at = str(int(session.issued_at * 1000))
    identity = f"{org.instance_url}/id/{org.store.org_id}/{user_id}"
    # Salesforce signs id + issued_at with the consumer secret (HMAC-SHA256, base64).
    signature = base64.b64encode(hmac.new(org.credentials.client_secret.encode(),
                                          (identity + issued_at).encode(), hashlib.sha256).digest()).decode()
    body = {"access_token": session.token, "instance_url": org.instance_url, "id": identity,
            "token_type": "Bearer", "issued_at": issued_at, "signature": signature, "scope": "api"}
    if with_refresh:
        body["refresh_token"] = org.sessions.issue_refresh_token(user_id, username)
    return body


def _client(form: dict[str, str]) -> tuple[str | None, str | None]:
    if request.authorization and request.authorization.type == "basic":
        return request.authorization.username, request.authorization.password
    return form.get("client_id"), form.get("client_secret")


@bp.post("/services/oauth2/token")
def oauth_token() -> Response:
    """POST /services/oauth2/token."""
    org = _org()
    form = request.form.to_dict()
    grant = form.get("grant_type", "")
    if grant == JWT_GRANT:
        return _jwt_grant(org, form.get("assertion", ""))
    client_id, client_secret = _client(form)
    creds = org.credentials
    if grant == "refresh_token":
        if client_id != creds.client_id or (client_secret and client_secret != creds.client_secret):
            return _error("invalid_client_id", "client identifier invalid")
        owner = org.sessions.redeem_refresh_token(form.get("refresh_token", ""))
        if owner is None:
            return _error("invalid_grant", "expired access/refresh token")
        return jsonify(token_body(org, owner[0], owner[1]))
    if client_id != creds.client_id or client_secret != creds.client_secret:
        return _error("invalid_client", "invalid client credentials")
    if grant == "client_credentials":
        # The connected app's "Run As" user is the integration user.
        return jsonify(token_body(org, org.store.integration_user_id, _username(org, org.store.integration_user_id)))
    if grant == "password":
        user = org.user_by_username(form.get("username", ""))
        if user is None or not hmac.compare_digest(form.get("password", ""), creds.password):
            return _error("invalid_grant", "authentication failure")
        return jsonify(token_body(org, user["Id"], user["Username"]))
    return _error("unsupported_grant_type", "grant type not supported")


# Audiences a production org's token endpoint accepts: its own My Domain login URL (what the
# emulator is) and https://login.salesforce.com; https://test.salesforce.com is a sandbox's
# (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm: "aud" is
# login.salesforce.com, test.salesforce.com or the Experience Cloud site URL). The Salesforce
# CLI tries the login URL first, then the others (sfdx-core src/util/sfdcUrl.ts
# getLoginAudienceCombos).
PRODUCTION_AUDIENCE = "https://login.salesforce.com"
# Salesforce refuses an assertion whose exp has passed; it does not bound exp from above in
# practice, although its help asks for "within 3 minutes": the Salesforce CLI sends
# exp = Date.now() + 300, a value in *milliseconds* (sfdx-core src/org/authInfo.ts
# tryJwtAuth), and real orgs accept it. The clock skew Salesforce tolerates is not
# documented; a few seconds here keeps a client with a slightly fast clock working.
EXP_LEEWAY_SECONDS = 5


def _jwt_grant(org: Org, assertion: str) -> Response:
    login_url = org.instance_url.rstrip("/")
    audiences = [login_url, login_url + "/", PRODUCTION_AUDIENCE, PRODUCTION_AUDIENCE + "/"]
    try:
        claims = jwt.decode(assertion, org.credentials.public_key(), algorithms=["RS256"],  # type: ignore[arg-type]
                            audience=audiences, options={"require": ["exp", "iss", "sub", "aud"]},
                            leeway=EXP_LEEWAY_SECONDS)
    except jwt.ExpiredSignatureError:
        return _error("invalid_grant", "expired authorization code")
    except jwt.InvalidAudienceError:
        return _error("invalid_grant", "audience is invalid")
    except jwt.PyJWTError:
        return _error("invalid_grant", "invalid assertion")
    if claims.get("iss") != org.credentials.client_id:
        return _error("invalid_client_id", "client identifier invalid")
    user = org.user_by_username(str(claims.get("sub", "")))
    if user is None:
        return _error("invalid_grant", "user hasn't approved this consumer")
    return jsonify(token_body(org, user["Id"], user["Username"]))


def _username(org: Org, user_id: str) -> str:
    row = org.store.get_row("User", user_id)
    return row["Username"] if row else ""


_SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"


@bp.post("/services/Soap/u/<version>")
def soap_login(version: str) -> Response:
    """SOAP partner API login: answers sessionId and serverUrl."""
    org = _org()
    try:
        root = ElementTree.fromstring(request.get_data())
    except ElementTree.ParseError:
        return _soap_fault("soapenv:Client", "Element type is malformed")
    values = {el.tag.rpartition("}")[2]: (el.text or "") for el in root.iter()}
    if "login" not in values:
        return _soap_fault("sf:UNKNOWN_EXCEPTION", "UNKNOWN_EXCEPTION: only login is emulated")
    user = org.user_by_username(values.get("username", ""))
    if user is None or not hmac.compare_digest(values.get("password", ""), org.credentials.password):
        return _soap_fault("sf:INVALID_LOGIN",
                           "INVALID_LOGIN: Invalid username, password, security token; or user locked out.")
    session = org.sessions.issue(user["Id"], user["Username"])
    server = f"{org.instance_url}/services/Soap/u/{escape(version)}/{org.store.org_id[:15]}"
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_SOAP_NS}" '
        'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><loginResponse><result>"
        f"<metadataServerUrl>{org.instance_url}/services/Soap/m/{escape(version)}/{org.store.org_id[:15]}</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
        f"<serverUrl>{server}</serverUrl><sessionId>{escape(session.token)}</sessionId>"
        f"<userId>{user['Id']}</userId><userInfo><organizationId>{org.store.org_id}</organizationId>"
        f"<userId>{user['Id']}</userId><userName>{escape(user['Username'])}</userName>"
        f"<sessionSecondsValid>{int(org.sessions.ttl)}</sessionSecondsValid></userInfo>"
        "</result></loginResponse></soapenv:Body></soapenv:Envelope>")
    return Response(body, 200, content_type="text/xml; charset=utf-8")


def _soap_fault(code: str, message: str) -> Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_SOAP_NS}" '
            'xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>'
            f"<faultcode>{escape(code)}</faultcode><faultstring>{escape(message)}</faultstring>"
            "</soapenv:Fault></soapenv:Body></soapenv:Envelope>")
    return Response(body, 500, content_type="text/xml; charset=utf-8")
