"""``radar sign``: print the headers that make a JSON body acceptable to
``POST /webhooks/salesforce/events`` (for admins testing a Flow, and for tests)."""

from __future__ import annotations

import json
import os
import time

import click

from webhooks.signing import sign as sign_body


@click.command("sign")
@click.option(
    "--secret-env",
    default="RADAR_WEBHOOK_SECRETS",
    show_default=True,
    help="Environment variable holding the comma-separated secrets (never passed on the "
    "command line, so it stays out of shell history).",
)
@click.option(
    "--body",
    "body_file",
    type=click.File("rb"),
    required=True,
    help="File with the exact body to send ('-' for stdin).",
)
@click.option("--timestamp", type=int, default=None, help="Unix seconds (default: now).")
@click.option(
    "--all-secrets",
    is_flag=True,
    help="Add one v1= entry per secret instead of signing with the first only.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["headers", "json", "curl"]),
    default="headers",
    show_default=True,
)
def sign(
    secret_env: str,
    body_file: click.utils.LazyFile,
    timestamp: int | None,
    all_secrets: bool,
    output: str,
) -> None:
    """Sign a webhook body and print the X-Radar-Timestamp / X-Radar-Signature headers."""
    secrets = [s.strip() for s in os.environ.get(secret_env, "").split(",") if s.strip()]
    if not secrets:
        raise click.UsageError(f"${secret_env} holds no secret")
    body = body_file.read()
    headers = sign_body(
        body,
        secrets if all_secrets else secrets[0],
        int(time.time()) if timestamp is None else timestamp,
    )
    if output == "json":
        click.echo(json.dumps(headers))
    elif output == "curl":
        click.echo(" ".join(f"-H '{name}: {value}'" for name, value in headers.items()))
    else:
        for name, value in headers.items():
            click.echo(f"{name}: {value}")
