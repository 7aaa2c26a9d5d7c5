"""`radar mapping ...`: config-as-code for the org's field mapping, and the preflight check."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import redis

from crm_mapping.document import FieldMapping, MappingInvalid, load_yaml
from crm_mapping.preflight import preflight
from crm_mapping.store import MappingStore
from service.settings import Settings

log = logging.getLogger(__name__)


def _store(settings: Settings) -> MappingStore:
    return MappingStore(redis.Redis.from_url(settings.require_redis_url(), socket_connect_timeout=5),
                        settings.org_key)


def _fail_invalid(exc: MappingInvalid) -> None:
    click.echo(f"mapping is invalid ({len(exc.problems)} problem(s)):", err=True)
    for problem in exc.problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(2)


@click.group()
def mapping() -> None:
    """The org's field mapping: versions in Redis, YAML import/export, preflight."""


@mapping.command("export")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--version", "version", type=int, default=None, help="Default: the active one.")
def export(out_file: Path, version: int | None) -> None:
    """Write the active (or a given) mapping version as YAML."""
    store = _store(Settings.from_env())
    found = store.get(version) if version is not None else store.active()
    out_file.write_text(found.mapping().to_yaml(), encoding="utf-8")
    click.echo(f"mapping version {found.version} written to {out_file}")


@mapping.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--activate", is_flag=True, help="Make the new version the active one.")
@click.option("--comment", default="", help="Why this version.")
@click.option("--author", default="cli")
@click.option("--force", is_flag=True,
              help="Activate without checking the mapping against the org first (logged).")
def import_(file: Path, activate: bool, comment: str, author: str, force: bool) -> None:
    """Validate FILE and save it as a new mapping version.

    With --activate the draft is first checked against the org's describe (as `radar
    mapping check --file` does): a mapping naming a field the org lacks is not activated.
    """
    try:
        draft = load_yaml(file.read_text(encoding="utf-8"))
    except MappingInvalid as exc:
        _fail_invalid(exc)
        return
    settings = Settings.from_env()
    store = _store(settings)
    store.conn.ping()  # Redis first: the preflight below spends API calls
    if activate and force:
        log.warning("mapping import --activate --force: %s activated without a preflight "
                    "against the org (author %s)", file.name, author)
        click.echo("warning: activating without checking the org (--force)", err=True)
    elif activate:
        report = preflight(draft, fetch_describes(settings, _objects(draft)))
        if not report.ok:
            for problem in report.errors:
                click.echo(str(problem), err=True)
            click.echo(f"error: not activated: {len(report.errors)} preflight error(s) against "
                       "the org — fix the mapping (or deploy the fields), or pass --force",
                       err=True)
            sys.exit(1)
    saved = store.save(draft.document(), author=author,
                                             comment=comment or f"imported from {file.name}",
                                             activate=activate, source="import")
    state = "active" if saved.active else "inactive (use --activate or the admin API)"
    click.echo(f"saved mapping version {saved.version}: {state}")


def _objects(target: FieldMapping) -> list[str]:
    return sorted({s for s in target.objects.values() if s})


def fetch_describes(settings: Settings, names: Sequence[str]) -> dict[str, Mapping[str, Any] | None]:
    """Describe JSON per object through simple-salesforce (session mode from settings).

    Uses the integration layer's connection when it provides one (it runs the OAuth flows);
    otherwise a session id and instance URL from the settings are required.
    """
    sf = _connect(settings)
    result: dict[str, Mapping[str, Any] | None] = {}
    from simple_salesforce.exceptions import SalesforceResourceNotFound

    for name in names:
        try:
            result[name] = getattr(sf, name).describe()
        except SalesforceResourceNotFound:
            result[name] = None
    return result


def _connect(settings: Settings) -> Any:
    """A simple-salesforce client: integration's Connection runs the OAuth flows
    (JWT, client credentials, password) against SALESFORCE_LOGIN_URL or uses the session id."""
    from integration.connection import Connection

    # Failures propagate to `radar`'s error handling (integration.diagnosis): one line that
    # says whether the login, the certificate or the network is at fault.
    return Connection(settings.salesforce).client


@mapping.command("check")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Check a YAML draft instead of the active mapping.")
def check(file: Path | None) -> None:
    """Preflight the mapping against the live org's describe; exit 1 on errors."""
    settings = Settings.from_env()
    try:
        target: FieldMapping = (load_yaml(file.read_text(encoding="utf-8")) if file
                                else _store(settings).active_mapping())
    except MappingInvalid as exc:
        _fail_invalid(exc)
        return
    report = preflight(target, fetch_describes(settings, _objects(target)))
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s): "
               + ("scans may start" if report.ok else "scans will refuse to start"))
    sys.exit(0 if report.ok else 1)
