"""App factory: one JSON error envelope for every error, probes, settings passed in."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import redis
from flask import Flask, request
from flask.testing import FlaskClient
from redis.backoff import NoBackoff
from redis.retry import Retry

from service.app import create_app, default_salesforce_probe
from service.redis_server import free_port
from service.settings import SalesforceSettings, Settings

ENVELOPE_KEYS = {"code", "status", "message", "errors"}


def test_given_unknown_url_when_requested_then_404_envelope(client: FlaskClient) -> None:
    response = client.get("/nowhere")

    assert response.status_code == 404
    assert response.get_json() == {
        "code": 404,
        "status": "Not Found",
        "message": response.get_json()["message"],
        "errors": {},
    }


def test_given_get_on_a_webhook_when_requested_then_405_envelope_with_allow(
    client: FlaskClient,
) -> None:
    response = client.get("/webhooks/salesforce/events")

    assert response.status_code == 405
    assert set(response.get_json()) == ENVELOPE_KEYS
    assert "POST" in response.headers["Allow"]


def test_given_flask_raises_413_and_415_itself_when_requested_then_envelopes(app: Flask) -> None:
    @app.post("/echo")
    def echo() -> dict:
        return {"got": request.get_json()}  # Flask raises 415 for a non-JSON body

    client = app.test_client()
    too_large = client.post(
        "/echo", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json"
    )
    wrong_type = client.post("/echo", data=b"{}", content_type="text/plain")

    assert too_large.status_code == 413 and set(too_large.get_json()) == ENVELOPE_KEYS
    assert wrong_type.status_code == 415
    assert wrong_type.get_json()["status"] == "Unsupported Media Type"


def test_given_a_view_crashes_when_requested_then_500_envelope_without_details(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")

    assert response.status_code == 500
    assert response.get_json()["status"] == "Internal Server Error"
    assert b"secret internals" not in response.data


def test_given_healthz_when_redis_is_down_then_still_ok(settings: Settings) -> None:
    dead = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    app = create_app(settings, redis_client=dead, salesforce_probe=lambda: True)

    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_given_redis_and_salesforce_up_when_readyz_then_200(client: FlaskClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.get_json()["checks"] == {"redis": {"ok": True}, "salesforce": {"ok": True}}


@pytest.mark.parametrize("probe_result", [False, ConnectionError("refused")])
def test_given_salesforce_unreachable_when_readyz_then_503_envelope_naming_it(
    settings: Settings, redis_conn: redis.Redis, probe_result: object
) -> None:
    def probe() -> bool:
        if isinstance(probe_result, Exception):
            raise probe_result
        return bool(probe_result)

    app = create_app(settings, redis_client=redis_conn, salesforce_probe=probe)
    response = app.test_client().get("/readyz")

    body = response.get_json()
    assert response.status_code == 503
    assert body["message"] == "not ready: salesforce"
    assert body["errors"]["checks"]["redis"] == {"ok": True}
    assert body["errors"]["checks"]["salesforce"]["ok"] is False


def test_given_redis_down_when_readyz_then_503(settings: Settings) -> None:
    dead = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    app = create_app(settings, redis_client=dead, salesforce_probe=lambda: True)

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["message"] == "not ready: redis"


class _VersionsHandler(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.paths.append(self.path)
        self.send_response(200 if self.path == "/services/data/" else 404)
        self.end_headers()
        self.wfile.write(b'[{"version":"59.0"}]')

    def log_message(self, *args: object) -> None:
        pass


def test_given_instance_url_when_default_probe_runs_then_gets_services_data() -> None:
    server = HTTPServer(("127.0.0.1", free_port()), _VersionsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        instance = f"http://127.0.0.1:{server.server_port}"
        probe = default_salesforce_probe(SalesforceSettings(instance_url=instance))
        assert probe() is True
        assert _VersionsHandler.paths[-1] == "/services/data/"
    finally:
        server.shutdown()
        thread.join()


def test_given_nothing_listening_when_default_probe_runs_then_raises() -> None:
    probe = default_salesforce_probe(
        SalesforceSettings(instance_url=f"http://127.0.0.1:{free_port()}")
    )

    with pytest.raises(Exception):  # noqa: B017 - any failure means "not reachable"
        probe()


def test_given_settings_from_env_when_factory_called_without_args_then_uses_them(
    monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("RADAR_OUTBOUND_TOKEN", "env-token")

    app = create_app()

    assert app.config["RADAR_SETTINGS"].outbound_path_token == "env-token"
    assert app.extensions["radar.redis"].connection_pool.connection_kwargs["port"] == int(
        redis_url.rsplit(":", 1)[1].split("/")[0]
    )


def test_given_import_of_app_module_when_env_is_broken_then_import_does_no_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    import service.app

    monkeypatch.setenv("RADAR_API_BUDGET_PERCENT", "not-a-number")
    importlib.reload(service.app)  # must not read settings at import
