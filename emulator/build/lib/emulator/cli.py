"""`radar emulator`: serve an emulated Salesforce org over HTTPS and write the env file a
client needs (``set -a; . FILE``)."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

import click

from emulator.envfile import build_env, write_env_file
from emulator.org import DEFAULT_METADATA, EmulatorOptions


def _generate(server: object, accounts: int, seed: int, truth: Path | None) -> None:
    try:
        generator = importlib.import_module("emulator.generator")
    except ImportError as exc:
        raise click.ClickException("the org generator (emulator.generator) is not available") from exc
    store = server.org.store  # type: ignore[attr-defined]
    if store.count("Account"):
        click.echo(f"the org already holds {store.count('Account')} accounts: not generating", err=True)
        return
    stats = generator.generate_into(store, accounts, seed, truth, now=store.clock.now())
    click.echo(f"generated {accounts} accounts (seed {seed}): {stats}", err=True)


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8443, show_default=True, type=int, help="0 picks a free port.")
@click.option("--data", type=click.Path(path_type=Path), help="SQLite file kept across restarts.")
@click.option("--state-dir", type=click.Path(path_type=Path), help="Certificates, keys, credentials.")
@click.option("--accounts", type=int, help="Generate an org with this many accounts.")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--truth", type=click.Path(path_type=Path), help="Write the generator's ground truth here.")
@click.option("--import", "import_plan", type=click.Path(exists=True, path_type=Path),
              help="An `sf data import tree` plan file to load.")
@click.option("--metadata", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="SFDX source directory to deploy instead of the product's metadata.")
@click.option("--no-metadata", is_flag=True, help="Start without any custom metadata.")
@click.option("--api-limit", default=15000, show_default=True, type=int)
@click.option("--fault-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1))
@click.option("--fault-seed", default=0, show_default=True, type=int)
@click.option("--latency", "latency_ms", default=0, show_default=True, type=int, help="Added latency in ms.")
@click.option("--expire-every", default=0, show_default=True, type=int, help="Expire the session every N calls.")
@click.option("--session-ttl", default=7200.0, show_default=True, type=float)
@click.option("--env-file", type=click.Path(path_type=Path), help="Where to write SALESFORCE_* settings.")
@click.option("--auth", default="password", show_default=True,
              type=click.Choice(["password", "jwt", "client_credentials"]))
@click.option("--triggers", type=click.Path(exists=True, path_type=Path), help="Trigger rules (JSON/YAML).")
def emulator(host: str, port: int, data: Path | None, state_dir: Path | None, accounts: int | None, seed: int,
             truth: Path | None, import_plan: Path | None, metadata: Path | None, no_metadata: bool,
             api_limit: int, fault_rate: float, fault_seed: int, latency_ms: int, expire_every: int,
             session_ttl: float, env_file: Path | None, auth: str, triggers: Path | None) -> None:
    """Serve a local Salesforce org emulator over HTTPS."""
    from emulator.server import EmulatorServer
    from emulator.tree_import import TreeImportError
    from emulator.tree_import import import_plan as run_import

    if metadata and no_metadata:
        raise click.UsageError("--metadata and --no-metadata exclude each other")
    if state_dir is None:
        state_dir = data.with_name(data.name + ".state") if data else Path(tempfile.mkdtemp(prefix="radar-emulator-"))
    options = EmulatorOptions(
        state_dir=state_dir, data_path=data, metadata=None if no_metadata else (metadata or DEFAULT_METADATA),
        api_limit=api_limit, fault_rate=fault_rate, latency_ms=latency_ms, expire_every=expire_every,
        fault_seed=fault_seed, session_ttl=session_ttl, triggers_file=triggers, host=host, port=port)
    server = EmulatorServer(options)
    try:
        if accounts:
            _generate(server, accounts, seed, truth)
        if import_plan:
            try:
                refs = run_import(server.org.store, import_plan)
            except TreeImportError as exc:
                raise click.ClickException(str(exc)) from exc
            click.echo(f"imported {len(refs)} records from {import_plan}", err=True)
        env_path = env_file or state_dir / "emulator.env"
        write_env_file(env_path, build_env(server.org, auth))
        click.echo(server.instance_url)
        click.echo(f"env file: {env_path}  (set -a; . {env_path})", err=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
