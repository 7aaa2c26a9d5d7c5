"""The settings a client needs to reach a running emulator, as SALESFORCE_* variables
(DESIGN.md's configuration contract) plus the emulator's control token."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emulator.org import Org

CONTROL_TOKEN_VAR = "RADAR_EMULATOR_CONTROL_TOKEN"  # noqa: S105 - a variable name, not a secret


def build_env(org: Org, auth: str = "password") -> dict[str, str]:
    """SALESFORCE_* settings for ``org`` (auth mode ``password`` unless asked otherwise)."""
    creds = org.credentials
    username = org.store.get_row("User", org.store.integration_user_id)
    refresh = org.sessions.issue_refresh_token(org.store.integration_user_id, username["Username"] if username else "")
    return {
        "SALESFORCE_LOGIN_URL": org.instance_url,
        "SALESFORCE_INSTANCE_URL": org.instance_url,
        "SALESFORCE_AUTH": auth,
        "SALESFORCE_CLIENT_ID": creds.client_id,
        "SALESFORCE_CLIENT_SECRET": creds.client_secret,
        "SALESFORCE_USERNAME": username["Username"] if username else "",
        "SALESFORCE_PASSWORD": creds.password,
        "SALESFORCE_PRIVATE_KEY_FILE": creds.private_key_file,
        "SALESFORCE_CA_BUNDLE": creds.ca_file,
        "SALESFORCE_API_VERSION": org.api_version,
        "SALESFORCE_REFRESH_TOKEN": refresh,
        CONTROL_TOKEN_VAR: creds.control_token,
    }


def write_env_file(path: Path, env: dict[str, str]) -> None:
    """Write ``KEY=value`` lines that ``set -a; . FILE`` loads (values shell-quoted)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{key}={shlex.quote(value)}\n" for key, value in env.items()))
    path.chmod(0o600)
