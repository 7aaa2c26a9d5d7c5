"""Who is calling: the OpenID Connect UserInfo endpoint and the identity URL.

- ``GET /services/oauth2/userinfo`` (Bearer token) answers the OpenID claims the Salesforce
  CLI reads after a login (``user_id``, ``organization_id``, ``preferred_username``)
  (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm).
- ``GET /id/{orgId}/{userId}`` is the identity URL the token response returns as ``id``;
  jsforce's ``identity()`` calls it with ``?format=json&oauth_token=...``
  (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm). Its
  ``urls`` keep the literal ``{version}`` placeholder as Salesforce's do.

Both answer 403 ``Bad_OAuth_Token`` to a missing or expired token, as Salesforce does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, jsonify, request

from emulator.api import bearer_token

if TYPE_CHECKING:
    from emulator.org import Org

bp = Blueprint("emulator_identity", __name__)


def _org() -> Org:
    return current_app.config["EMULATOR_ORG"]


def _bad_token() -> Response:
    response = Response("Bad_OAuth_Token", 403, content_type="text/plain")
    return response


def _user(org: Org) -> dict[str, Any] | None:
    token = bearer_token(dict(request.headers)) or request.args.get("oauth_token")
    session = org.sessions.check(token)
    if session is None:
        return None
    return org.store.get_row("User", session.user_id)


def identity_url(org: Org, user_id: str) -> str:
    """The identity URL of ``user_id`` (what the token response names ``id``)."""
    return f"{org.instance_url}/id/{org.store.org_id}/{user_id}"


def _urls(org: Org, user_id: str) -> dict[str, str]:
    base, org15 = org.instance_url, org.store.org_id[:15]
    return {
        "enterprise": f"{base}/services/Soap/c/{{version}}/{org15}",
        "metadata": f"{base}/services/Soap/m/{{version}}/{org15}",
        "partner": f"{base}/services/Soap/u/{{version}}/{org15}",
        "rest": f"{base}/services/data/v{{version}}/",
        "sobjects": f"{base}/services/data/v{{version}}/sobjects/",
        "query": f"{base}/services/data/v{{version}}/query/",
        "profile": f"{base}/{user_id}",
        "custom_domain": base,
    }


def _common(org: Org, user: dict[str, Any]) -> dict[str, Any]:
    return {"active": bool(user.get("IsActive")), "user_type": "STANDARD", "language": "en_US",
            "locale": "en_US", "utcOffset": 0, "is_app_installed": True,
            "email_verified": True, "urls": _urls(org, user["Id"])}


@bp.get("/services/oauth2/userinfo")
def userinfo() -> Response:
    """The OpenID Connect claims of the token's user."""
    org = _org()
    user = _user(org)
    if user is None:
        return _bad_token()
    body = {"sub": identity_url(org, user["Id"]), "user_id": user["Id"], "organization_id": org.store.org_id,
            "preferred_username": user["Username"], "nickname": user.get("Alias") or user["Username"],
            "name": user.get("Name") or user["LastName"], "email": user.get("Email"),
            "given_name": user.get("FirstName"), "family_name": user.get("LastName"),
            "zoneinfo": user.get("TimeZoneSidKey"), "updated_at": user.get("LastModifiedDate"),
            **_common(org, user)}
    return jsonify(body)


@bp.get("/id/<org_id>/<user_id>")
def identity(org_id: str, user_id: str) -> Response:
    """The identity service: the token's own user only (another user's URL is 403)."""
    org = _org()
    user = _user(org)
    if user is None:
        return _bad_token()
    if org_id not in (org.store.org_id, org.store.org_id[:15]) or user_id not in (user["Id"], user["Id"][:15]):
        return _bad_token()
    body = {"id": identity_url(org, user["Id"]), "asserted_user": True, "user_id": user["Id"],
            "organization_id": org.store.org_id, "username": user["Username"],
            "nick_name": user.get("Alias") or user["Username"],
            "display_name": user.get("Name") or user["LastName"], "email": user.get("Email"),
            "first_name": user.get("FirstName"), "last_name": user.get("LastName"),
            "timezone": user.get("TimeZoneSidKey"), "last_modified_date": user.get("LastModifiedDate"),
            **_common(org, user)}
    return jsonify(body)
