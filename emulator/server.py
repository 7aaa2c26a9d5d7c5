"""The emulator's Flask app and its HTTPS server (werkzeug, threaded, certificate from a
private CA whose PEM clients trust)."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from flask import Flask, Response, request
from werkzeug.http import http_date
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from emulator import api
from emulator.clock import Clock
from emulator.credentials import tls_context
from emulator.org import EmulatorOptions, Org

log = logging.getLogger(__name__)
_RELEASES = {"59.0": "Winter '24", "60.0": "Spring '24", "61.0": "Summer '24", "62.0": "Winter '25"}


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None,
                   content_type: str = "application/json;charset=UTF-8") -> Response:
    if body is None:
        payload: Any = b""
    elif isinstance(body, bytes | str):
        payload = body
    else:
        payload = json.dumps(body)
    response = Response(payload, status=status, content_type=content_type if body is not None else None)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def create_app(org: Org) -> Flask:
    """The Flask app serving one org (OAuth, SOAP login, REST, Bulk 2.0, control, pages)."""
    # Importing the handler modules registers their routes on api.ROUTER.
    from emulator import (  # noqa: F401
        bulk2,
        rest_actions,
        rest_batch,
        rest_composite,
        rest_query,
        rest_sobjects,
    )
    from emulator.auth import bp as auth_bp
    from emulator.bulk1 import bp as bulk1_bp
    from emulator.control import bp as control_bp
    from emulator.identity import bp as identity_bp
    from emulator.metadata_api import rest as metadata_rest  # noqa: F401
    from emulator.metadata_api.soap import bp as metadata_soap_bp
    from emulator.pages import bp as pages_bp

    app = Flask(__name__)
    app.config["EMULATOR_ORG"] = org
    app.register_blueprint(auth_bp)
    app.register_blueprint(bulk1_bp)
    app.register_blueprint(control_bp)
    app.register_blueprint(identity_bp)
    app.register_blueprint(metadata_soap_bp)
    app.register_blueprint(pages_bp)

    @app.get("/services/data")
    @app.get("/services/data/")
    def versions() -> Response:
        return _json_response(200, [{"label": _RELEASES.get(v, "Emulated"), "url": f"/services/data/v{v}",
                                     "version": v} for v in api.SUPPORTED_VERSIONS])

    @app.route("/services/data/<path:rest>", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
    def data_api(rest: str) -> Response:
        result = api.handle(org, request.method, rest, request.args.to_dict(), dict(request.headers),
                            request.get_data())
        return _json_response(result.status, result.body, result.headers, result.content_type)

    @app.after_request
    def limit_info(response: Response) -> Response:
        if request.path.startswith("/services/data"):
            response.headers["Sforce-Limit-Info"] = org.usage.header()
        return response

    @app.errorhandler(404)
    def not_found(_: Exception) -> Response:
        return _json_response(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])

    @app.errorhandler(405)
    def not_allowed(_: Exception) -> Response:
        return _json_response(405, [{"errorCode": "METHOD_NOT_ALLOWED", "message": "HTTP Method not allowed"}])

    @app.errorhandler(500)
    def server_error(_: Exception) -> Response:
        return _json_response(500, [{"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred."}])

    return app


class _QuietHandler(WSGIRequestHandler):
    """Request lines go to the debug log, not stderr; the Date header is the org's clock."""

    clock: Clock | None = None

    def date_time_string(self, timestamp: float | None = None) -> str:
        # A Salesforce server's Date is its own clock: clients that take "now" from the org
        # (incremental windows, the scan time) then follow the emulator's moved clock.
        if timestamp is None and self.clock is not None:
            return http_date(self.clock.now())
        return super().date_time_string(timestamp)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug("%s %s %s", self.command, self.path, code)


class EmulatorServer:
    """An org served over HTTPS in a background thread."""

    def __init__(self, options: EmulatorOptions) -> None:
        self.org = Org(options)
        ssl_context = tls_context(options.state_dir)
        self.app = create_app(self.org)
        handler = type("OrgClockHandler", (_QuietHandler,), {"clock": self.org.clock})
        self._server: BaseWSGIServer = make_server(options.host, options.port, self.app, threaded=True,
                                                   ssl_context=ssl_context, request_handler=handler)
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self.org.instance_url = f"https://{options.host}:{self.port}"
        self._thread: threading.Thread | None = None
        self._serving = False

    @property
    def instance_url(self) -> str:
        """https://127.0.0.1:PORT."""
        return self.org.instance_url

    def start(self) -> EmulatorServer:
        """Serve in a daemon thread; returns self."""
        self._serving = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="radar-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        self._serving = True
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and release the org's resources."""
        # socketserver's shutdown() waits for serve_forever() to acknowledge; called before
        # serve_forever() ever ran (a start-up error) it would wait forever and hide the error.
        if self._serving:
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.org.close()
