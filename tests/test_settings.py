import pytest

from service.settings import Settings, SettingsError


def test_given_empty_env_when_built_then_defaults_of_the_contract():
    settings = Settings.from_env({})
    assert settings.salesforce.api_version == "59.0"
    assert settings.salesforce.auth == "jwt"
    assert settings.api_budget_percent == 10.0
    assert settings.webhook_secrets == ()


def test_given_rotated_secrets_when_built_then_all_kept_in_order():
    settings = Settings.from_env({"RADAR_WEBHOOK_SECRETS": "new, old ,", "RADAR_ALLOWED_ORG_IDS": "00D1,00D2"})
    assert settings.webhook_secrets == ("new", "old")
    assert settings.allowed_org_ids == ("00D1", "00D2")


def test_given_secrets_when_repr_then_they_are_not_shown():
    settings = Settings.from_env({"RADAR_WEBHOOK_SECRETS": "s3cret", "SALESFORCE_PASSWORD": "pw123",
                                  "RADAR_ADMIN_TOKEN": "tok999"})
    text = repr(settings)
    assert "s3cret" not in text and "pw123" not in text and "tok999" not in text


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"SALESFORCE_AUTH": "magic"}, "SALESFORCE_AUTH"),
        ({"RADAR_API_BUDGET_PERCENT": "lots"}, "RADAR_API_BUDGET_PERCENT"),
        ({"RADAR_API_BUDGET_PERCENT": "150"}, "RADAR_API_BUDGET_PERCENT"),
        ({"SALESFORCE_LOGIN_URL": "http://login.salesforce.com"}, "SALESFORCE_LOGIN_URL"),
    ],
)
def test_given_malformed_variable_when_built_then_error_names_it(env, name):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)


def test_given_no_redis_url_answering_when_harness_runs_then_a_real_server_answers(redis_conn):
    redis_conn.set("radar:probe", "1")
    assert redis_conn.get("radar:probe") == b"1"


@pytest.mark.parametrize(
    ("env", "audience"),
    [
        ({}, "https://login.salesforce.com"),
        ({"SALESFORCE_LOGIN_URL": "https://test.salesforce.com/"}, "https://test.salesforce.com"),
        ({"SALESFORCE_LOGIN_URL": "https://acme.my.salesforce.com"},
         "https://login.salesforce.com"),
        ({"SALESFORCE_LOGIN_URL": "https://acme--uat.sandbox.my.salesforce.com"},
         "https://test.salesforce.com"),
        ({"SALESFORCE_LOGIN_URL": "https://127.0.0.1:8443"}, "https://127.0.0.1:8443"),
        ({"SALESFORCE_LOGIN_URL": "https://acme.my.salesforce.com",
          "SALESFORCE_JWT_AUDIENCE": "https://acme.my.site.com/customers"},
         "https://acme.my.site.com/customers"),
    ],
)
def test_given_login_url_when_jwt_audience_derived_then_salesforce_accepts_it(env, audience):
    assert Settings.from_env(env).salesforce.audience == audience
