"""`radar package export` (the package the admin deploys) and `radar fields ...` (the
catalog; `radar fields export` is the package export's older name and does the same)."""

from __future__ import annotations

from pathlib import Path

import click

from field_specs.catalog import all_fields
from field_specs.package import export_package

_OUT = click.option("--out", "out_dir", required=True,
                    type=click.Path(file_okay=False, path_type=Path),
                    help="Directory for the SFDX project (created if missing).")


def _export(out_dir: Path) -> None:
    source = export_package(out_dir)
    click.echo(f"Expansion Radar package written to {source}")
    click.echo(f"deploy with: cd {out_dir} && sf project deploy start "
               "--manifest manifest/package.xml --target-org <alias> "
               "--test-level RunSpecifiedTests --tests RadarEventNotifierTest")


@click.group()
def package() -> None:
    """The Salesforce package: fields, permission sets, panel, list views, reports, flow."""


@package.command("export")
@_OUT
def package_export(out_dir: Path) -> None:
    """Write the package as an SFDX project (docs/setup-salesforce.md deploys it)."""
    _export(out_dir)


@click.group()
def fields() -> None:
    """The logical fields Expansion Radar reads and writes."""


@fields.command("export")
@_OUT
def export(out_dir: Path) -> None:
    """Same as `radar package export` (kept for existing scripts)."""
    _export(out_dir)


@fields.command("list")
@click.option("--writes", is_flag=True, help="Only fields the service writes.")
def list_fields(writes: bool) -> None:
    """Print the catalog: logical name, direction, default object.field."""
    for entry in all_fields():
        if writes and not entry.writes:
            continue
        click.echo(f"{entry.name:45} {entry.direction:10} {entry.sobject}.{entry.api_name}")
