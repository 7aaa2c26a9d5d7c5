"""The `radar` command. Each area owns its subcommands in its own module; they load lazily
so `radar --help` stays fast and one area's imports never slow another's command.

Every command ends the same way on failure (docs/errors.md): one line on
stderr naming the fix and exit 1 (failure), 2 (usage or configuration) or 3 (Redis or
Salesforce unreachable); the traceback only with ``radar --debug`` (or RADAR_DEBUG=1).
"""

from __future__ import annotations

import importlib
import logging
import os

import click

# command name -> "module:attribute" of a click command or group. `radar emulator` is an alias
# of the emulator distribution's own `sfemu` command, present when that is installed.
COMMANDS: dict[str, str] = {
    "emulator": "emulator.cli:emulator",
    "fields": "field_specs.cli:fields",
    "package": "field_specs.cli:package",
    "mapping": "crm_mapping.cli:mapping",
    "sync": "workers.cli:sync",
    "worker": "workers.cli:worker",
    "cron": "workers.cli:cron",
    "jobs": "workers.cli:jobs",
    "status": "workers.cli:status",
    "serve": "service.web_cli:serve",
    "sign": "webhooks.cli:sign",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if cmd_name != "emulator" or exc.name != "emulator":
                raise
            return _emulator_missing
        return getattr(module, attr)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort,
                SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if debugging():
                raise
            from integration.diagnosis import diagnose  # noqa: PLC0415

            problem = diagnose(exc)
            click.echo(f"error: {problem.message}", err=True)
            ctx.exit(problem.exit_code)


def debugging() -> bool:
    """Whether tracebacks should be shown (``radar --debug`` or RADAR_DEBUG=1)."""
    return os.environ.get("RADAR_DEBUG", "") not in ("", "0")


@click.command("emulator", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _emulator_missing(args: tuple[str, ...]) -> None:
    """Serve a local Salesforce org emulator (not installed)."""
    raise click.ClickException(
        "the Salesforce emulator is a separate distribution and is not installed here: "
        "install it with `pip install ./emulator` from the source tree (make demo and make test do)")


@click.group(cls=LazyGroup)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
def main(debug: bool) -> None:
    """Expansion Radar: finds where existing customers are ready to buy more.

    Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 Redis or
    Salesforce unreachable.
    """
    if debug:
        os.environ["RADAR_DEBUG"] = "1"  # also seen by the jobs this process runs
        logging.getLogger().setLevel(logging.DEBUG)


if __name__ == "__main__":
    main()
