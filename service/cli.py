"""The `radar` command. Each area owns its subcommands in its own module; they load lazily
so `radar --help` stays fast and one area's imports never slow another's command."""

from __future__ import annotations

import importlib

import click

# command name -> "module:attribute" of a click command or group
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
        module = importlib.import_module(module_name)
        return getattr(module, attr)


@click.group(cls=LazyGroup)
def main() -> None:
    """Expansion Radar: finds where existing customers are ready to buy more."""


if __name__ == "__main__":
    main()
