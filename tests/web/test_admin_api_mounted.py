"""The admin mapping API is mounted by the app factory and guarded by RADAR_ADMIN_TOKEN."""

from openapi_spec_validator import validate

from service.app import create_app
from service.settings import Settings


def _app(redis_conn, redis_url):
    settings = Settings.from_env({"REDIS_URL": redis_url, "RADAR_ADMIN_TOKEN": "admin-tok-1",
                                  "RADAR_WEBHOOK_SECRETS": "s1"})
    return create_app(settings, redis_client=redis_conn, test_config={"TESTING": True},
                      salesforce_probe=lambda: True)


def test_given_app_when_versions_listed_without_token_then_401_envelope(redis_conn, redis_url):
    client = _app(redis_conn, redis_url).test_client()
    answer = client.get("/admin/mapping/versions")
    assert answer.status_code == 401
    assert answer.get_json()["code"] == 401


def test_given_admin_token_when_versions_listed_then_the_seeded_default_is_active(redis_conn,
                                                                                   redis_url):
    client = _app(redis_conn, redis_url).test_client()
    answer = client.get("/admin/mapping/versions",
                        headers={"Authorization": "Bearer admin-tok-1"})
    assert answer.status_code == 200
    body = answer.get_json()
    versions = body if isinstance(body, list) else body.get("versions", body.get("items"))
    assert len(versions) == 1


def test_given_app_when_openapi_served_then_it_validates(redis_conn, redis_url):
    client = _app(redis_conn, redis_url).test_client()
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    assert any(path.startswith("/admin/mapping") for path in document["paths"])
