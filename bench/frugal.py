"""API calls of every path of the issue-14 table, counted by the emulator around the CLI.

For one generated org: ``radar sync --full --inline`` (read + detect + write-back, one
burst worker in a subprocess), then ``radar sync --inline`` with nothing changed (the
incremental back-sync), then ``radar sync --account ID --inline`` (what an event costs).
Each figure is the emulator's own metered counter (``limits/`` DailyApiRequests) before
and after, with its calls by kind, beside the computed minimum of that path.

    python -m bench.frugal --accounts 2000
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from typing import Any

from bench.orgs import DEFAULT_CACHE, BenchOrg, bench_org

GOALS = {"full@2000": 70, "full@10000": 160, "full@100000": 400, "incremental": 4,
         "account": 3}
RECORDS_PER_COMPOSITE = 5 * 200  # five 200-record collections per composite call


def _sync(org: BenchOrg, *args: str) -> dict[str, Any]:
    """Run ``radar sync ARGS --inline`` and count the metered calls it cost."""
    before_api, before_kind = org.api_used(), org.calls_by_kind()
    before_logins = int(org.emu.org.usage.snapshot().get("logins", 0) or 0)
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "service.cli", "sync", *args, "--inline"],
        env=org.env, capture_output=True, text=True, timeout=3 * 3600, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"radar sync {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    after_kind = org.calls_by_kind()
    kinds = {k: after_kind.get(k, 0) - before_kind.get(k, 0) for k in sorted(after_kind)}
    return {"calls": org.api_used() - before_api,
            "by_kind": {k: v for k, v in kinds.items() if v},
            "logins": int(org.emu.org.usage.snapshot().get("logins", 0) or 0) - before_logins,
            "wall_s": round(wall, 2), "written": proc.stdout.strip().splitlines()[-1:],
            "log_tail": proc.stderr[-1500:]}


def _written(row: dict[str, Any]) -> int:
    """Records the run created or updated (from the CLI's summary line)."""
    try:
        summary = json.loads(row["written"][0])
    except (IndexError, ValueError):
        return 0
    return sum(int(v) for k, v in summary.items() if k != "failed" and isinstance(v, int))


def _read_minimum(org: BenchOrg) -> tuple[int, int, int]:
    """The planned minimum of the read phase (``integration.read_plan.planned_calls`` over
    the rows of each object, counted in the emulator's store), the number of objects, and
    the queries one account's read needs (the account and its children, folded ones
    riding in their parent's query)."""
    import redis  # noqa: PLC0415

    from bench.scan import _spec_counts  # noqa: PLC0415 - heavy imports
    from integration.read_plan import fold_parent, planned_calls  # noqa: PLC0415

    spec, counts, skipped = _spec_counts(org, redis.Redis.from_url(org.redis_url))
    present = type(spec)(tuple(o for o in spec.objects if o.logical not in skipped))
    per_account = sum(1 for o in present.objects
                      if (o.account_path or o.logical == "account")
                      and fold_parent(o, present) is None)
    return planned_calls(counts, present), len(present.objects), per_account


def measure(org: BenchOrg) -> dict[str, Any]:
    """The rows of the issue-14 table for ``org``: full scan (read + detect + write-back),
    an incremental sync with nothing changed, one account (what an event costs)."""
    full = _sync(org, "--full")
    incremental = _sync(org)
    account_id = org.emu.store.query("SELECT Id FROM Account ORDER BY Id LIMIT 1")[0]["Id"]
    account = _sync(org, "--account", account_id)
    size = org.accounts
    read_minimum, objects, per_account = _read_minimum(org)
    full["records_written"] = _written(full)
    # Full: the planned read minimum (COUNT() probes five to a composite, 2,000-row pages,
    # Bulk API above the threshold) + the writes at 1,000 records per composite call.
    full["minimum"] = read_minimum + math.ceil(full["records_written"] / RECORDS_PER_COMPOSITE)
    full["minimum_formula"] = (f"{read_minimum} read (planned) + ceil("
                               f"{full['records_written']} records / 1,000 per composite)")
    # Unchanged org: one change probe per object, five to a composite. One account: a
    # query per object read per account (children folded), five to a composite.
    incremental["minimum"] = math.ceil(objects / 5)
    account["minimum"] = math.ceil(per_account / 5)
    rows = {f"full@{size}": full, "incremental": incremental, "account": account}
    for key, row in rows.items():
        goal = GOALS.get(key)
        row.pop("log_tail", None)
        row.update(goal=goal, passed=None if goal is None else row["calls"] <= goal,
                   ratio_to_minimum=round(row["calls"] / row["minimum"], 2))
    return {"accounts": size, "records_in_org": org.generation.get("records"), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    cache = None if args.no_cache else DEFAULT_CACHE
    with bench_org(args.accounts, seed=args.seed, cache_dir=cache,
                   note=lambda m: print(m, file=sys.stderr)) as org:
        result = measure(org)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
