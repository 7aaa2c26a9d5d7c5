"""What survives between runs, kept in Redis: run ledgers, checkpoints, watermarks.

Keys (``org_key`` = ``RADAR_ORG_KEY``):
- ``radar:{org_key}:runs:{run_id}``      hash: mode, status, started_at, finished_at,
  message, and ``calls:{kind}`` for every ledger kind (read by ``radar status``).
- ``radar:{org_key}:run_ids``            sorted set of run ids by start time.
- ``radar:{org_key}:checkpoint``         JSON of the unfinished run's ``Checkpoint``.
- ``radar:{org_key}:watermark:{object}`` ISO-8601 UTC SystemModstamp upper bound already read.
- ``radar:{org_key}:recent:{object}``    hash id -> stamp of rows read inside the look-back
  margin of the last completed scan (so the margin does not re-read them as news).
- ``radar:{org_key}:own_writes``         spans of our own write calls (``own_writes``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import redis

from integration.budget import CALL_KINDS, CallLedger
from integration.contracts import RecordWrite
from integration.own_writes import OwnWriteLog

RUNS_KEPT = 500


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_to_json(write: RecordWrite) -> dict[str, Any]:
    """A JSON-able dict of a ``RecordWrite`` (dates as ISO strings)."""
    data = asdict(write)
    return json.loads(json.dumps(data, default=_json_default))


def write_from_json(data: dict[str, Any]) -> RecordWrite:
    """The inverse of ``write_to_json``."""
    data = dict(data)
    if "natural_key" in data and data["natural_key"] is not None:
        data["natural_key"] = tuple(data["natural_key"])
    return RecordWrite(**data)


@dataclass
class Checkpoint:
    """Where an unfinished run stopped.

    Attributes:
        run_id: the run that stopped.
        mode: "full" or "incremental".
        started_at: when the interrupted scan began (ISO); a completed resume moves the
            watermarks only to this instant, so changes made meanwhile are read again.
        after_account_id: every account up to and including this id (in scan order) has
            been read and its writes applied or listed in ``pending_writes``.
        pending_writes: writes planned but not applied (their outcome was "deferred").
        reason: the log line that stopped the run.
    """

    run_id: str
    mode: str
    started_at: str
    after_account_id: str | None = None
    pending_writes: list[RecordWrite] = field(default_factory=list)
    reason: str = ""

    def to_json(self) -> str:
        data = asdict(self)
        data["pending_writes"] = [write_to_json(w) for w in self.pending_writes]
        return json.dumps(data, default=_json_default)

    @classmethod
    def from_json(cls, text: str | bytes) -> Checkpoint:
        data = json.loads(text)
        data["pending_writes"] = [write_from_json(w) for w in data.get("pending_writes", [])]
        return cls(**data)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class RunStore:
    """Redis persistence for one org's runs, checkpoint and watermarks."""

    def __init__(self, conn: redis.Redis, org_key: str) -> None:
        self.conn = conn
        self.prefix = f"radar:{org_key}"
        self.own_writes = OwnWriteLog(conn, org_key)

    # -- runs ---------------------------------------------------------------------------

    def run_key(self, run_id: str) -> str:
        return f"{self.prefix}:runs:{run_id}"

    def start_run(self, run_id: str, mode: str, started_at: datetime) -> None:
        """Record that a run began."""
        key = self.run_key(run_id)
        self.conn.hset(key, mapping={"run_id": run_id, "mode": mode, "status": "running",
                                     "started_at": _iso(started_at)})
        index = f"{self.prefix}:run_ids"
        self.conn.zadd(index, {run_id: started_at.timestamp()})
        self.conn.zremrangebyrank(index, 0, -RUNS_KEPT - 1)

    def save_ledger(self, run_id: str, ledger: CallLedger) -> None:
        """Store the calls spent by kind (called after each batch and at the end)."""
        self.conn.hset(self.run_key(run_id),
                       mapping={f"calls:{k}": v for k, v in ledger.as_dict().items()})

    def finish_run(self, run_id: str, status: str, finished_at: datetime, message: str = "",
                   extra: dict[str, Any] | None = None) -> None:
        """Record how a run ended: "completed", "checkpointed" or "failed"."""
        mapping: dict[str, Any] = {"status": status, "finished_at": _iso(finished_at),
                                   "message": message}
        for k, v in (extra or {}).items():
            mapping[k] = json.dumps(v, default=_json_default)
        self.conn.hset(self.run_key(run_id), mapping=mapping)

    def run(self, run_id: str) -> dict[str, Any]:
        """One run's record with ``calls`` as a dict by kind."""
        raw = {k.decode(): v.decode() for k, v in self.conn.hgetall(self.run_key(run_id)).items()}
        calls = {k: int(raw.pop(f"calls:{k}", 0)) for k in CALL_KINDS}
        return {**raw, "calls": calls}

    def recent_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest runs, newest first."""
        ids = self.conn.zrevrange(f"{self.prefix}:run_ids", 0, limit - 1)
        return [self.run(i.decode()) for i in ids]

    # -- checkpoint ---------------------------------------------------------------------

    def save_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.conn.set(f"{self.prefix}:checkpoint", checkpoint.to_json())

    def load_checkpoint(self) -> Checkpoint | None:
        text = self.conn.get(f"{self.prefix}:checkpoint")
        return Checkpoint.from_json(text) if text else None

    def clear_checkpoint(self) -> None:
        self.conn.delete(f"{self.prefix}:checkpoint")

    # -- rows read inside the look-back margin --------------------------------------------

    def save_recent(self, recent: dict[str, dict[str, str]], objects: list[str]) -> None:
        """Replace, per object, the ids and stamps of rows read inside the look-back margin."""
        with self.conn.pipeline() as pipe:
            for sobject in objects:
                key = f"{self.prefix}:recent:{sobject}"
                pipe.delete(key)
                if recent.get(sobject):
                    pipe.hset(key, mapping=recent[sobject])
            pipe.execute()

    def recent(self, objects: list[str]) -> dict[str, dict[str, str]]:
        """sobject -> id -> stamp saved by ``save_recent``."""
        return {s: {k.decode(): v.decode() for k, v in
                    self.conn.hgetall(f"{self.prefix}:recent:{s}").items()} for s in objects}

    # -- watermarks ---------------------------------------------------------------------

    def watermark(self, sobject: str) -> datetime | None:
        """The SystemModstamp up to which ``sobject`` has been read (exclusive)."""
        text = self.conn.get(f"{self.prefix}:watermark:{sobject}")
        return datetime.fromisoformat(text.decode()) if text else None

    def advance_watermark(self, sobject: str, to: datetime) -> datetime:
        """Move the watermark to ``to`` unless it is already later; return the stored value.

        Watermarks only move forward (a compare-and-set under WATCH, so two workers cannot
        move it back).
        """
        key = f"{self.prefix}:watermark:{sobject}"
        with self.conn.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    current = pipe.get(key)
                    current_dt = datetime.fromisoformat(current.decode()) if current else None
                    if current_dt is not None and current_dt >= to:
                        pipe.unwatch()
                        return current_dt
                    pipe.multi()
                    pipe.set(key, _iso(to))
                    pipe.execute()
                    return to
                except redis.WatchError:
                    continue
