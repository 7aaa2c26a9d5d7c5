"""What a chaos run breaks (``ChaosPlan``) and what one org's run produced (``OrgRun``):
the value types shared by the scenario, its faults and its report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.chaos_state import OrgState


@dataclass(frozen=True)
class ChaosPlan:
    """What to break. ``faults=False`` is the control run (everything else ignored)."""

    faults: bool = True
    fault_rate: float = 0.10
    expire_every: int = 300
    fault_seed: int = 7
    kill_worker: bool = True
    restart_redis: bool = True
    appendonly: bool = True
    copies: int = 3
    shuffle_seed: int = 11
    redis_downtime: float = 2.0
    kill_after_writes: int = 2  # write calls of the chunk committed before the kill
    follow_ups: int = 5


CONTROL = ChaosPlan(faults=False, kill_worker=False, restart_redis=False, copies=1)


@dataclass
class OrgRun:
    """What one org's run produced."""

    name: str
    plan: ChaosPlan
    state_after_writeback: OrgState | None = None
    state: OrgState | None = None
    emulator: dict[str, Any] = field(default_factory=dict)
    counters: Counter[str] = field(default_factory=Counter)
    timeline: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    relay: dict[str, Any] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    recovery_seconds: float | None = None
    recovery_note: str = ""
    redis_keys_after_restart: list[int] = field(default_factory=list)
    gateway_log: Counter[str] = field(default_factory=Counter)
    worker_exits: list[str] = field(default_factory=list)
    seconds: float = 0.0
