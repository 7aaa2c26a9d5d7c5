"""`radar mapping ...`: config-as-code for the org's field mapping, and the preflight check."""

from __future__ import annotations

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


def _store(settings: Settings) -> MappingStore:
    return MappingStore(redis.Redis.from_url(settings.redis_url), settings.org_key)


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
def import_(file: Path, activate: bool, comment: str, author: str) -> None:
    """Validate FILE and save it as a new mapping version."""
    try:
        draft = load_yaml(file.read_text(encoding="utf-8"))
    except MappingInvalid as exc:
        _fail_invalid(exc)
        return
    saved = _store(Settings.from_env()).save(draft.document(), author=author,
                                             comment=comment or f"imported from {file.name}",
                                             activate=activate, source="import")
    state = "active" if saved.active else "inactive (use --activate or the admin API)"
    click.echo(f"saved mapping version {saved.version}: {state}")


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

    try:
        return Connection(settings.salesforce).client
    except Exception as exc:  # noqa: BLE001 - any failure to connect ends the command
        raise click.ClickException(f"cannot connect to Salesforce: {exc}") from None


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
    names = sorted({s for s in target.objects.values() if s})
    report = preflight(target, fetch_describes(settings, names))
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s): "
               + ("scans may start" if report.ok else "scans will refuse to start"))
    sys.exit(0 if report.ok else 1)
