"""One process supervisor for the demo and the chaos run: each process runs in its own
session (process group) with its log in a work directory, is watched while the caller waits
on it, and is stopped by its group id (SIGTERM, then SIGKILL after a grace period).

A PID file records what ``--keep-running`` left behind so ``--stop`` can end exactly those
processes later: their group ids and the start time of each, checked against ``/proc``
before any signal is sent (a pid the system has since reused belongs to someone else and is
left alone).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.25
STOP_GRACE_SECONDS = 10.0
LOG_TAIL_LINES = 25


class ProcessFailure(RuntimeError):
    """A supervised step failed; ``logs`` name the log files that explain it (``log``: the first)."""

    def __init__(self, message: str, *logs: Path | None) -> None:
        super().__init__(message)
        self.logs = [log for log in logs if log is not None]

    @property
    def log(self) -> Path | None:
        """The first log that explains the failure, if any."""
        return self.logs[0] if self.logs else None


def tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log file ("" when there is none)."""
    if path is None or not path.exists():
        return ""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 64 * 1024))
        text = handle.read().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Child:
    """One started process and its log."""

    name: str
    argv: list[str]
    log: Path
    process: subprocess.Popen
    killed: bool = False  # killed on purpose (the chaos run), not to be replaced
    replaced: bool = False  # a replacement was started after it exited

    @property
    def pid(self) -> int:
        """The process id, which is also its process group id (own session)."""
        return self.process.pid

    def alive(self) -> bool:
        """True while the process has not exited."""
        return self.process.poll() is None


@dataclass
class Supervisor:
    """Starts processes, watches them while waiting, and stops them."""

    log_dir: Path
    env: dict[str, str]
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: Sequence[str], env: dict[str, str] | None = None) -> Child:
        """Start ``argv`` in a new session with stdout and stderr in ``<log_dir>/<name>.log``."""
        log = self.log_dir / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                env=env or self.env, cwd=ROOT, start_new_session=True)
        child = Child(name, list(argv), log, process)
        self.children.append(child)
        return child

    def radar(self, name: str, *args: str) -> Child:
        """Start a ``radar`` subcommand with this interpreter."""
        return self.start(name, [sys.executable, "-m", "service.cli", *args])

    def check_alive(self) -> None:
        """Raise ProcessFailure when a started process has exited."""
        for child in self.children:
            if not child.alive():
                raise ProcessFailure(f"{child.name} exited with status {child.process.returncode}",
                                  child.log)

    def wait_for(self, what: str, probe: Callable[[], T | None], timeout: float,
                 log: Path | None = None) -> T:
        """Poll ``probe`` until it returns something truthy, at most ``timeout`` seconds.

        Raises:
            ProcessFailure: the deadline passed, or a started process exited meanwhile.
        """
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            result = probe()
            if result:
                return result
            if time.monotonic() > deadline:
                raise ProcessFailure(f"timed out after {timeout:.0f} s waiting for {what}", log)
            time.sleep(POLL_SECONDS)

    def stop_all(self, grace: float = STOP_GRACE_SECONDS) -> list[str]:
        """Stop every started process: SIGTERM to all their groups at once, then SIGKILL to
        any group still there after ``grace`` seconds. Returns the names stopped."""
        alive = [child for child in reversed(self.children) if child.alive()]
        deadline = time.monotonic() + grace
        for child in alive:
            _signal_group(child.pid, signal.SIGTERM)
        for child in alive:
            _finish_group(child.pid, child.process, deadline)
        self.children.clear()
        return [child.name for child in alive]

    def pid_record(self) -> list[dict[str, object]]:
        """What ``--stop`` needs to find these processes again."""
        return [{"name": c.name, "pid": c.pid, "started": start_ticks(c.pid), "log": str(c.log)}
                for c in self.children]


def stop_group(pgid: int, process: subprocess.Popen | None = None,
               grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM the process group ``pgid`` (gunicorn's and RQ's children stop with their
    parent), then SIGKILL it if it is still there after ``grace`` seconds."""
    if _signal_group(pgid, signal.SIGTERM):
        _finish_group(pgid, process, time.monotonic() + grace)


def _signal_group(pgid: int, signum: int) -> bool:
    """Send ``signum`` to a process group; False when the group is gone."""
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return False
    return True


def _finish_group(pgid: int, process: subprocess.Popen | None, deadline: float) -> None:
    """Wait until the group ``pgid`` has exited, SIGKILL it at ``deadline``."""
    while time.monotonic() < deadline:
        # poll() reaps our own child, so it is not mistaken for a live group member
        if (process is None or process.poll() is not None) and not _group_exists(pgid):
            return
        time.sleep(0.1)
    if _signal_group(pgid, signal.SIGKILL) and process is not None:
        process.wait(timeout=5)


def _group_exists(pgid: int) -> bool:
    """True while a live (not zombie) process is in group ``pgid``. Processes left running
    by ``--keep-running`` are reaped by whatever init this machine has, if any, so an exited
    one may linger as a zombie that ``killpg(pgid, 0)`` still finds."""
    proc = Path("/proc")
    if not proc.is_dir():  # pragma: no cover - not Linux: ask the kernel directly
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False


def write_pid_file(path: Path, record: dict[str, object]) -> None:
    """Write the PID file of a demo left running (readable by its owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2))
    path.chmod(0o600)


def _stat(pid: int) -> list[str] | None:
    """``/proc/PID/stat`` from field 3 (state) on; None when there is no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return raw.rsplit(")", 1)[1].split()


def start_ticks(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks since boot (``/proc/PID/stat`` field 22): with the
    pid it identifies one process for good, as pids are reused but never at the same tick."""
    fields = _stat(pid)
    return int(fields[19]) if fields else None


def is_running(pid: int, started: int | None) -> bool:
    """True when the process ``pid`` that started at ``started`` is still alive (a zombie
    waiting for this machine's init to reap it counts as stopped)."""
    fields = _stat(pid)
    return bool(fields) and started is not None and int(fields[19]) == started \
        and fields[0] != "Z"


def stop_from_pid_file(path: Path) -> list[str]:
    """Stop the processes a PID file lists, when they are still the ones it started.

    Returns:
        The names of the processes stopped.

    Raises:
        FileNotFoundError: there is no PID file (nothing was left running).
    """
    record = json.loads(path.read_text())
    stopped = []
    for entry in reversed(record.get("processes", [])):
        pid = int(entry["pid"])
        if not is_running(pid, entry.get("started")):
            continue  # gone, or the pid now belongs to another program
        stop_group(pid)
        stopped.append(str(entry["name"]))
    path.unlink()
    return stopped
