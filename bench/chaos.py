"""``make chaos``: the fault-tolerance run of issue 8 (acceptance points of issues 3 and 6).

Two identical generated orgs (same seed, same org clock). The control org runs the product
without faults: full scan with write-back, a CS user qualifying a few Strong follow-ups
(their triggers call the webhooks once, in order), the incremental back-sync. The chaos org
runs the same with 10% of API calls failing (503 SERVER_UNAVAILABLE, UNABLE_TO_LOCK_ROW),
the session expiring every N calls, a worker's process group SIGKILLed in the middle of a
write-back chunk (then a new worker), Redis restarted mid-run (mid write-back and again
mid-webhook-replay; AOF on, as docker-compose.yml runs it), and every webhook delivered
three times out of order. Both must end in the same state: no duplicates, no lost writes.

    python -m bench.chaos [--accounts 300] [--seed 42] [--json FILE] [--workdir DIR]

Exit status: 0 when the states match with 0 duplicates and 0 lost writes, 1 otherwise.
Then the chaos org runs once more with a Redis that keeps nothing across its restarts, to
show what persistence buys (informational: it does not change the exit status;
``--skip-without-persistence`` leaves it out).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.chaos_plan import CONTROL, ChaosPlan
from bench.chaos_report import build_report, print_report
from bench.chaos_scenario import OrgRunner, without_persistence

# A fixed org time (a weekday morning in the org's time zone, far from midnight) so two runs
# on different days generate and judge the same org.
DEFAULT_NOW = datetime(2025, 6, 4, 16, 0, tzinfo=UTC)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--now", type=datetime.fromisoformat, default=DEFAULT_NOW,
                        help="org clock for both orgs (ISO 8601, default %(default)s)")
    parser.add_argument("--fault-rate", type=float, default=0.10)
    parser.add_argument("--expire-every", type=int, default=100,
                        help="expire the session every N API calls")
    parser.add_argument("--redis-downtime", type=float, default=2.0,
                        help="seconds Redis stays down at each restart")
    parser.add_argument("--follow-ups", type=int, default=5,
                        help="Strong follow-ups the CS user qualifies")
    parser.add_argument("--skip-without-persistence", action="store_true",
                        help="skip the informational chaos run with Redis persistence off")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep logs and data here (default: a temporary directory)")
    parser.add_argument("--json", type=Path, default=None, help="write the report as JSON")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Run control and chaos (and optionally chaos without persistence); return the report."""
    started = time.monotonic()
    chaos_plan = ChaosPlan(fault_rate=args.fault_rate, expire_every=args.expire_every,
                           fault_seed=args.seed, shuffle_seed=args.seed,
                           follow_ups=args.follow_ups, redis_downtime=args.redis_downtime)
    control_plan = ChaosPlan(**{**CONTROL.__dict__, "follow_ups": args.follow_ups})
    control = OrgRunner("control", workdir / "control", args.accounts, args.seed, args.now,
                        control_plan).run()
    chaos = OrgRunner("chaos", workdir / "chaos", args.accounts, args.seed, args.now,
                      chaos_plan).run()
    report = build_report(control, chaos)
    if not args.skip_without_persistence:
        volatile = OrgRunner("chaos-no-aof", workdir / "chaos-no-aof", args.accounts, args.seed,
                             args.now, without_persistence(chaos_plan)).run()
        report["without_persistence"] = build_report(control, volatile)
    report["seconds"] = round(time.monotonic() - started, 1)
    report["accounts"] = args.accounts
    report["seed"] = args.seed
    return report


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds, so every process we started is stopped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        report = run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="radar-chaos-") as tmp:
            report = run(args, Path(tmp))
    print_report(report)
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
