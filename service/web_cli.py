"""``radar serve``: the web service under gunicorn, configured by service/gunicorn_conf.py."""

from __future__ import annotations

from typing import Any

import click
from gunicorn.app.base import BaseApplication

from service.settings import Settings


def gunicorn_options(**overrides: Any) -> dict[str, Any]:
    """The settings of ``service.gunicorn_conf`` with non-None ``overrides`` applied."""
    from service import gunicorn_conf

    names = (
        "bind", "workers", "worker_class", "worker_connections", "threads", "timeout", "graceful_timeout",
        "keepalive", "max_requests", "max_requests_jitter", "worker_tmp_dir", "accesslog",
        "errorlog", "loglevel", "preload_app",
    )  # fmt: skip
    options = {name: getattr(gunicorn_conf, name) for name in names}
    options.update({k: v for k, v in overrides.items() if v is not None})
    return options


class RadarWebApplication(BaseApplication):
    """gunicorn running ``create_app(settings)`` in every worker."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from service.app import create_app

        return create_app(self.settings)


@click.command("serve")
@click.option("--bind", default=None, help="host:port (default from RADAR_BIND or 127.0.0.1:8000).")
@click.option("--workers", type=int, default=None, help="gunicorn worker processes.")
@click.option("--threads", type=int, default=None,
              help="Threads per worker (only for a threaded worker class; gevent ignores it).")
@click.option("--access-log", default=None, help="Access log path ('-' for stderr).")
def serve(
    bind: str | None, workers: int | None, threads: int | None, access_log: str | None
) -> None:
    """Run the web service (webhooks, health, metrics) under gunicorn."""
    settings = Settings.from_env()  # once, in the master: a bad variable fails here (exit 2)
    settings.require_redis_url()
    options = gunicorn_options(bind=bind, workers=workers, threads=threads, accesslog=access_log)
    RadarWebApplication(settings, options).run()
