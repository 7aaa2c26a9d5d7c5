"""`make bench`: every benchmark figure of the issues, as JSON, with targets checked.

    python -m bench.run --out bench/results.json            # full run (~35-45 min on 2 cores)
    python -m bench.run --out /tmp/quick.json --quick       # small sizes, ~2 min
    python -m bench.run --only scan,detection               # some sections only

Sections (``--only`` / ``--skip``):

- ``generator``  time and peak memory of generating 100,000 accounts (issue 2)
- ``detection``  accounts/s of detection over 10,000 snapshots on one core (issue 5)
- ``webhooks``   events endpoint req/s and p99 under gunicorn, wrk (issue 7)
- ``scan``       full scan by real RQ workers (read + detect + write-back) at 1k/10k/100k:
                 wall and worker CPU seconds per 1,000 accounts, peak RSS, API calls, and
                 the incremental scan after it (issues 3 and 8)
- ``calls``      full and incremental scan API calls of the 10,000-account org beside the
                 planned minimum and the naive count; asserts the issue-3 limits
- ``memory``     peak RSS of a worker process streaming every bundle of the 100,000-account
                 org through the integration reader (issue 3: < 400 MB)
- ``emulator``   emulator throughput via simple-salesforce at 10k and 100k accounts (issue 2)
- ``latency``    event -> write-back latency p50/p95 through the web service and a worker
- ``whitespace`` weighted white-space potential / ACV (median, p95) over a generated
                 2,000-account org; no account without a HIGH or MED cell above its ACV
                 (issue 15)
- ``frugal``     the API calls of `radar sync --full`, an unchanged incremental and
                 `radar sync --account` around the CLI, by kind, beside the computed
                 minimum and the issue-14 goals (each size on a fresh org)

The JSON is rewritten after every section, so an interrupted run keeps what it measured.
A full run also refreshes the figures in README.md and docs/operations.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import machine, report, standalone, targets, whitespace
from bench.orgs import DEFAULT_CACHE, BenchOrg, bench_org
from bench.ui import Ui

SECTIONS = ("generator", "detection", "webhooks", "scan", "calls", "memory", "emulator",
            "latency", "whitespace", "frugal")


@dataclass(frozen=True)
class Plan:
    """Sizes of one run (full or quick)."""

    scan_sizes: tuple[int, ...]
    calls_size: int
    memory_size: int
    emulator_sizes: tuple[int, ...]
    latency_size: int
    latency_samples: int
    generator_accounts: int
    generator_memory_accounts: int
    detection_accounts: int
    webhook_seconds: int
    emulator_write_calls: int
    whitespace_accounts: int = 2_000
    frugal_sizes: tuple[int, ...] = (2_000, 10_000, 100_000)


FULL = Plan(scan_sizes=(1_000, 10_000, 100_000), calls_size=10_000, memory_size=100_000,
            emulator_sizes=(10_000, 100_000), latency_size=1_000, latency_samples=30,
            generator_accounts=100_000, generator_memory_accounts=10_000,
            detection_accounts=10_000, webhook_seconds=15, emulator_write_calls=25)
QUICK = Plan(scan_sizes=(300, 1_000), calls_size=1_000, memory_size=1_000,
             emulator_sizes=(1_000,),
             latency_size=300, latency_samples=8, generator_accounts=2_000,
             generator_memory_accounts=1_000, detection_accounts=1_000, webhook_seconds=3,
             emulator_write_calls=5, whitespace_accounts=500, frugal_sizes=(300,))


@dataclass
class Run:
    """The results document being filled, saved after every section."""

    out: Path
    doc: dict[str, Any]
    ui: Ui
    started: float = field(default_factory=time.perf_counter)

    def save(self) -> None:
        self.doc["duration_s"] = round(time.perf_counter() - self.started, 1)
        self.doc["targets"] = targets.evaluate(self.doc)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text(json.dumps(self.doc, indent=2, default=str) + "\n", encoding="utf-8")

    def section(self, name: str, action: Callable[[], Any], store: Callable[[Any], None]) -> Any:
        """Run one measurement; a failure is recorded under ``errors`` and the run goes on."""
        started = time.perf_counter()
        try:
            value = action()
        except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others
            self.doc.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"
            self.ui.log(f"[red]{name} failed[/red]: {exc}")
            traceback.print_exc(file=sys.stderr)
            self.save()
            return None
        store(value)
        self.doc.setdefault("section_seconds", {})[name] = round(time.perf_counter() - started, 1)
        self.save()
        return value


def _selected(only: str | None, skip: str | None) -> set[str]:
    chosen = set(SECTIONS) if not only else {s.strip() for s in only.split(",") if s.strip()}
    chosen -= {s.strip() for s in (skip or "").split(",") if s.strip()}
    unknown = chosen - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown section(s): {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(SECTIONS)}")
    return chosen


def _org_steps(run: Run, org: BenchOrg, plan: Plan, chosen: set[str]) -> None:
    """Everything measured on one generated org, in an order where no step's writes
    disturb a later one: full + incremental scan, streaming memory (after the scan, so
    the scan's preflight describes are its own), then latency, then emulator writes."""
    from bench import emulator_io, latency, scan  # noqa: PLC0415 - heavy imports

    size = org.accounts
    key = str(size)
    wants_scan = ("scan" in chosen and size in plan.scan_sizes) or (
        "calls" in chosen and size == plan.calls_size)
    wants_latency = "latency" in chosen and size == plan.latency_size
    run.doc.setdefault("orgs", {})[key] = org.generation
    pair = None
    if wants_scan:
        pair = run.section(f"scan@{size}", lambda: scan.scan_pair(org, run.ui),
                           lambda v: _store_scan(run, plan, chosen, size, v))
    elif wants_latency:
        run.section(f"latency-setup@{size}", lambda: scan.full_scan(org, run.ui),
                    lambda v: run.doc.setdefault("event_latency_setup", {}).update(
                        {"full_scan_wall_s": v["wall_s"]}))
    if "memory" in chosen and size == plan.memory_size:
        run.section(f"memory@{size}", lambda: scan.streaming_memory(org, run.ui),
                    lambda v: run.doc.__setitem__("streaming_memory", v))
    if wants_latency and (pair is not None or not wants_scan):
        run.section("latency", lambda: latency.measure(org, run.ui, plan.latency_samples),
                    lambda v: run.doc.__setitem__("event_latency", v))
    if "emulator" in chosen and size in plan.emulator_sizes:
        run.section(f"emulator@{size}",
                    lambda: emulator_io.measure(org, run.ui, plan.emulator_write_calls),
                    lambda v: run.doc.setdefault("emulator_throughput", {}).__setitem__(key, v))


def _store_scan(run: Run, plan: Plan, chosen: set[str], size: int, pair: dict[str, Any]) -> None:
    full, incremental = pair["full"], pair["incremental"]
    if "scan" in chosen and size in plan.scan_sizes:
        run.doc.setdefault("full_scan", {})[str(size)] = pair
        run.ui.log(f"{size:,} accounts: {full['wall_s_per_1000_accounts']} s wall and "
                   f"{full['worker_cpu_s_per_1000_accounts']} worker CPU s per 1,000 accounts, "
                   f"peak RSS {full['worker_peak_rss_mb']} MB, {full['api_calls']} API calls")
    if "calls" in chosen and size == plan.calls_size:
        run.doc["scan_api_calls"] = report.calls_section(full, incremental)


def _frugal(run: Run, plan: Plan, cache: Path | None) -> None:
    """The issue-14 table, each size on a fresh org (its full scan must be the first)."""
    from bench import frugal  # noqa: PLC0415 - heavy imports

    for size in plan.frugal_sizes:
        try:
            with bench_org(size, cache_dir=cache, note=run.ui.log) as org:
                run.section(f"frugal@{size}", lambda org=org: frugal.measure(org),
                            lambda v: run.doc.setdefault("frugal", {}).__setitem__(
                                str(v["accounts"]), v))
        except Exception as exc:  # noqa: BLE001 - an org that cannot start: record, go on
            run.doc.setdefault("errors", {})[f"frugal-org@{size}"] = f"{type(exc).__name__}: {exc}"
        run.save()


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the chosen sections, write the JSON; exit 1 on a violated
    issue-3 assertion (or on any failed target with ``--strict``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results.json"))
    parser.add_argument("--quick", action="store_true", help="small sizes, a couple of minutes")
    parser.add_argument("--only", help=f"comma-separated sections: {','.join(SECTIONS)}")
    parser.add_argument("--skip", help="comma-separated sections to leave out")
    parser.add_argument("--sizes", help="scan sizes, e.g. 1000,10000 (overrides the plan)")
    parser.add_argument("--frugal-sizes", help="sizes of the frugal section, e.g. 2000,10000")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE,
                        help="where generated orgs are kept between runs")
    parser.add_argument("--no-cache", action="store_true", help="always generate the orgs")
    parser.add_argument("--docs", action=argparse.BooleanOptionalAction, default=None,
                        help="refresh README.md and docs/operations.md (default: full runs)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any target fails")
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    args = parser.parse_args(argv)
    chosen = _selected(args.only, args.skip)
    plan = QUICK if args.quick else FULL
    if args.sizes:
        sizes = tuple(sorted(int(s) for s in args.sizes.split(",")))
        plan = Plan(**{**plan.__dict__, "scan_sizes": sizes})
    if args.frugal_sizes:
        plan = Plan(**{**plan.__dict__, "frugal_sizes": tuple(
            sorted(int(s) for s in args.frugal_sizes.split(",")))})
    doc: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "sections": sorted(chosen),
        "machine": machine.describe(),
        "plan": plan.__dict__,
    }
    cache = None if args.no_cache else args.cache_dir
    with Ui(quiet=args.quiet) as ui:
        run = Run(args.out, doc, ui)
        ui.log(f"machine: {machine.one_line(doc['machine'])}")
        if "generator" in chosen:
            run.section("generator", lambda: standalone.generator(
                ui, plan.generator_accounts, plan.generator_memory_accounts),
                lambda v: doc.__setitem__("generator", v))
        if "detection" in chosen:
            run.section("detection", lambda: standalone.detection(ui, plan.detection_accounts),
                        lambda v: doc.__setitem__("detection", v))
        if "whitespace" in chosen:
            run.section("whitespace", lambda: whitespace.whitespace(ui, plan.whitespace_accounts),
                        lambda v: doc.__setitem__("whitespace", v))
        if "webhooks" in chosen:
            run.section("webhooks", lambda: standalone.webhooks(ui, plan.webhook_seconds),
                        lambda v: doc.__setitem__("webhooks", v))
        sizes: set[int] = set()
        if "scan" in chosen:
            sizes |= set(plan.scan_sizes)
        if "calls" in chosen:
            sizes.add(plan.calls_size)
        if "memory" in chosen:
            sizes.add(plan.memory_size)
        if "emulator" in chosen:
            sizes |= set(plan.emulator_sizes)
        if "latency" in chosen:
            sizes.add(plan.latency_size)
        for size in sorted(sizes):
            def steps(org: BenchOrg) -> None:
                _org_steps(run, org, plan, chosen)

            try:
                with bench_org(size, cache_dir=cache, note=ui.log) as org:
                    steps(org)
            except Exception as exc:  # noqa: BLE001 - an org that cannot start: record, go on
                doc.setdefault("errors", {})[f"org@{size}"] = f"{type(exc).__name__}: {exc}"
                traceback.print_exc(file=sys.stderr)
            run.save()
        if "frugal" in chosen:
            _frugal(run, plan, cache)
        run.save()
        write_docs = args.docs if args.docs is not None else not args.quick
        if write_docs:
            report.update_docs(doc, args.out)
        ui.log(report.summary(doc))
    hard = targets.failed(doc["targets"], hard_only=True)
    soft = targets.failed(doc["targets"])
    if hard or (args.strict and soft):
        print(f"failed targets: {', '.join(soft)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
