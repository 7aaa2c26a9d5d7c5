"""The `radar` command. Each area owns its subcommands in its own module; they load lazily
so `radar --help` stays fast and one area's imports never slow another's command."""

from __future__ import annotations

import importlib

import click

# command name -> "module:attribute" of a click command or group. `radar emulator` is an alias
# of the emulator distribution's own `sfemu` command, present when that is installed.
COMMANDS: dict[str, str] = {
    "emulator": "emulator.cli:emulator",
    "fields": "field_specs.cli:fields",
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


@click.command("emulator", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _emulator_missing(args: tuple[str, ...]) -> None:
    """Serve a local Salesforce org emulator (not installed)."""
    raise click.ClickException(
        "the Salesforce emulator is a separate distribution and is not installed here: "
        "install it with `pip install ./emulator` from the source tree (make demo and make test do)")


@click.group(cls=LazyGroup)
def main() -> None:
    """Expansion Radar: finds where existing customers are ready to buy more."""


if __name__ == "__main__":
    main()
