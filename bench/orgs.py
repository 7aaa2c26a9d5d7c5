"""Generated orgs for the benchmark: an HTTPS emulator holding N generated accounts, a
private Redis, and the environment a worker, the web service or a client needs.

Generating 100,000 accounts takes minutes, so a generated org's SQLite file is kept in a
cache (``~/.cache/expansion-radar/bench`` unless told otherwise) keyed by size, seed and a
fingerprint of the generator and schema sources; each run works on a fresh copy, so the
writes of one run never leak into the next. The emulator clock is set back to the moment
the org was generated, so a cached org yields the same signals as a freshly generated one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from emulator.testing import EmulatorHandle, running_emulator
from service.redis_server import BundledRedis

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "expansion-radar" / "bench"
BYTES_PER_ACCOUNT = 45_000  # SQLite size of one generated account with its ~93 child rows
WEBHOOK_SECRET = "bench-webhook-secret-6b1e"  # noqa: S105 - a throwaway secret for local runs
ORG_KEY = "bench"
# Sources whose change makes a cached org stale.
_FINGERPRINTED = ("emulator/generator", "emulator/store.py", "emulator/sqlstore.py",
                  "emulator/standard_objects.py", "emulator/derived.py", "emulator/metadata.py",
                  "field_specs")


def fingerprint() -> str:
    """A short hash of the generator and schema sources (a cached org is valid for these)."""
    digest = hashlib.sha256()
    for name in _FINGERPRINTED:
        path = ROOT / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" not in file.parts:
                digest.update(file.relative_to(ROOT).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def scratch_dir(accounts: int) -> Path:
    """A working directory on /dev/shm when it has room (SQLite runs ~40% faster there)."""
    shm = Path("/dev/shm")  # noqa: S108 - private mkdtemp below, removed after the run
    need = 3 * BYTES_PER_ACCOUNT * max(accounts, 1000)
    if shm.is_dir() and shutil.disk_usage(shm).free > need:
        return Path(tempfile.mkdtemp(prefix="radar-bench-", dir=shm))
    return Path(tempfile.mkdtemp(prefix="radar-bench-"))


@dataclass
class BenchOrg:
    """A running generated org with its private Redis."""

    accounts: int
    emu: EmulatorHandle
    redis_url: str
    workdir: Path
    generation: dict[str, Any] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        """The environment of a worker or web process pointed at this org and Redis."""
        return {
            **os.environ, **self.emu.env,
            "REDIS_URL": self.redis_url,
            "RADAR_API_BUDGET_PERCENT": "100",
            "RADAR_ORG_KEY": ORG_KEY,
            "RADAR_WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "RADAR_ALLOWED_ORG_IDS": self.emu.store.org_id,
            "RADAR_LOG_LEVEL": "warning",
            "PYTHONPATH": str(ROOT),
        }

    def api_used(self) -> int:
        """Metered API calls the org has served so far (its daily counter)."""
        return int(self.emu.org.usage.snapshot()["api_used"])

    def calls_by_kind(self) -> dict[str, int]:
        """The emulator's own count of calls by kind (query, query_more, collections...)."""
        return dict(self.emu.org.usage.snapshot()["by_kind"])


def _generate(db: Path, accounts: int, seed: int) -> dict[str, Any]:
    from emulator.generator import generate_into  # noqa: PLC0415 - heavy import
    from emulator.org import EmulatorOptions, Org  # noqa: PLC0415

    org = Org(EmulatorOptions(state_dir=db.parent / "generator-state", data_path=db))
    try:
        now = org.store.clock.now()
        stats = generate_into(org.store, accounts, seed, now=now)
    finally:
        org.close()  # the last connection's close folds the WAL into the database file
    return {"accounts": accounts, "seed": seed, "now": now.isoformat(),
            "records": stats.total_records, "seconds": stats.seconds}


def _prepare_db(db: Path, accounts: int, seed: int, cache_dir: Path | None,
                note: Callable[[str], None]) -> dict[str, Any]:
    if cache_dir is None:
        note(f"generating {accounts:,} accounts")
        return {**_generate(db, accounts, seed), "cached": False}
    cached = cache_dir / f"org-{accounts}-seed{seed}-{fingerprint()}.sqlite3"
    meta_path = cached.with_suffix(".json")
    if cached.exists() and meta_path.exists():
        note(f"copying the cached {accounts:,}-account org")
        started = time.perf_counter()
        shutil.copyfile(cached, db)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return {**meta, "cached": True, "copy_seconds": round(time.perf_counter() - started, 1)}
    note(f"generating {accounts:,} accounts (cached for the next run)")
    meta = _generate(db, accounts, seed)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"org-{accounts}-seed{seed}-*"):
        old.unlink()
    shutil.copyfile(db, cached)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return {**meta, "cached": False}


@contextmanager
def bench_org(accounts: int, *, seed: int = 1, cache_dir: Path | None = DEFAULT_CACHE,
              note: Callable[[str], None] = lambda _msg: None) -> Iterator[BenchOrg]:
    """Start an emulator holding ``accounts`` generated accounts, and a private Redis.

    The emulator runs in this process (one background thread per request); workers and
    the web service run as subprocesses against ``BenchOrg.env``. Everything is stopped
    and the working copy removed when the block ends.
    """
    workdir = scratch_dir(accounts)
    redis_server: BundledRedis | None = None
    try:
        db = workdir / "org.sqlite3"
        generation = _prepare_db(db, accounts, seed, cache_dir, note)
        note(f"starting the emulator over {accounts:,} accounts")
        # An allowance no scan can exhaust: the budget is measured, not enforced, here.
        with running_emulator(workdir, data_path=db, api_limit=1_000_000_000,
                              session_ttl=24 * 3600.0) as emu:
            emu.org.clock.set(datetime.fromisoformat(generation["now"]))
            redis_server = BundledRedis()
            yield BenchOrg(accounts, emu, redis_server.url, workdir, generation)
    finally:
        if redis_server is not None:
            redis_server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
