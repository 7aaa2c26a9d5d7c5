"""`radar fields ...`: the catalog and its SFDX metadata export."""

from __future__ import annotations

from pathlib import Path

import click

from field_specs.catalog import all_fields
from field_specs.sfdx import export_metadata


@click.group()
def fields() -> None:
    """The logical fields Expansion Radar reads and writes."""


@fields.command("export")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the SFDX project (created if missing).")
def export(out_dir: Path) -> None:
    """Write SFDX source metadata (custom fields, Product_Usage__c, permission set)."""
    source = export_metadata(out_dir)
    click.echo(f"SFDX source written to {source}")
    click.echo(f"deploy with: cd {out_dir} && sf project deploy start "
               "--manifest manifest/package.xml --target-org <alias>")


@fields.command("list")
@click.option("--writes", is_flag=True, help="Only fields the service writes.")
def list_fields(writes: bool) -> None:
    """Print the catalog: logical name, direction, default object.field."""
    for entry in all_fields():
        if writes and not entry.writes:
            continue
        click.echo(f"{entry.name:45} {entry.direction:10} {entry.sobject}.{entry.api_name}")
