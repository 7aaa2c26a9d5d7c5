"""The chaos run's verdict and printout: faults injected and survived, by kind; duplicates
and lost writes at two checkpoints (after the full scan's write-back, and at the end)."""

from __future__ import annotations

import sys
from typing import Any

from bench.chaos_plan import OrgRun
from bench.chaos_state import Comparison, compare, duplicates_of


def build_report(control: OrgRun, chaos: OrgRun) -> dict[str, Any]:
    """Compare ``chaos`` with ``control``; ``ok`` is the exit verdict."""
    assert control.state and chaos.state and control.state_after_writeback \
        and chaos.state_after_writeback
    final = compare(control.state, chaos.state)
    after_writeback = compare(control.state_after_writeback, chaos.state_after_writeback)
    control_problems = _control_problems(control)
    return {
        "ok": final.same and not final.duplicates and not chaos.failed and not control_problems,
        "control_problems": control_problems,
        "control": _org_summary(control),
        "chaos": _org_summary(chaos),
        "faults": fault_rows(chaos),
        "recovery": {"killed_chunk_finished_after_s": chaos.recovery_seconds,
                     "by": chaos.recovery_note},
        "redis_keys_after_restart": chaos.redis_keys_after_restart,
        "worker_exits": chaos.worker_exits,
        "failed_jobs": chaos.failed,
        "after_writeback": _comparison(after_writeback),
        "final": _comparison(final),
        "timeline": chaos.timeline,
    }


def _control_problems(control: OrgRun) -> list[str]:
    """A control run that wrote nothing would make any chaos run look right."""
    assert control.state is not None
    totals = control.state.totals()
    problems = [f"failed job {job}" for job in control.failed]
    problems += [f"{d} (in the control org)" for d in duplicates_of(control.state)]
    if not totals["accounts_with_readiness"] or not totals["tasks"]:
        problems.append(f"the control org's scan wrote nothing: {totals}")
    qualified = control.relay.get("follow_ups", 0)
    if not qualified or totals["opportunities"] != qualified:
        problems.append(f"{qualified} follow-ups qualified but {totals['opportunities']} "
                        "CS-driven Opportunities in the control org")
    return problems


def fault_rows(run: OrgRun) -> list[dict[str, Any]]:
    """One row per kind of fault: what was injected and the evidence it was survived."""
    api = run.emulator.get("faults", {})
    log = run.gateway_log
    relay = run.relay
    plan = run.plan
    sent, captured = relay.get("sent", 0), relay.get("captured", 0)
    return [
        {"kind": "API 503 SERVER_UNAVAILABLE", "injected": api.get("unavailable", 0),
         "survived": f"{log['503 retried']} calls retried with back-off"},
        {"kind": "API UNABLE_TO_LOCK_ROW (writes)", "injected": api.get("lock", 0),
         "survived": f"{log['collection with record locks re-sent']} collections re-sent for "
                     f"the locked records, {log['lock (whole call) retried']} calls retried"},
        {"kind": f"session expired every {plan.expire_every} calls",
         "injected": api.get("expire", 0),
         "survived": f"{log['session re-authenticated']} re-authentications, call replayed"},
        {"kind": "worker + work-horse SIGKILLed mid write-back",
         "injected": run.counters["workers SIGKILLed mid-batch"],
         "survived": f"chunk finished again {run.recovery_seconds} s later: "
                     f"{run.recovery_note}"},
        {"kind": f"Redis restarted (appendonly {'yes' if plan.appendonly else 'no'}, "
                 f"{plan.redis_downtime:g} s down)",
         "injected": run.counters["Redis restarts"],
         "survived": f"{len(run.worker_exits)} workers exited and were restarted, "
                     f"{log['jobs recovered at worker start']} recoveries at start-up, "
                     f"{len(run.failed)} failed jobs left"},
        {"kind": f"webhook events x{plan.copies}, shuffled ({captured} events)",
         "injected": f"{sent} sent, {sent - captured} duplicates, "
                     f"{relay.get('out_of_order', 0)} out of order",
         "survived": "answers " + ", ".join(f"{k}: {v}" for k, v in
                                            sorted(relay.get("statuses", {}).items()))},
    ]


def _org_summary(run: OrgRun) -> dict[str, Any]:
    assert run.state is not None
    return {"seconds": run.seconds, "phases": run.phases, "state": run.state.totals(),
            "api_calls": run.emulator.get("api_used"), "relay": run.relay,
            "failed_jobs": len(run.failed)}


def _comparison(result: Comparison) -> dict[str, Any]:
    return {**result.summary(), "same_state": result.same, "lost": result.lost[:20],
            "unexpected": result.extra[:20], "duplicate_list": result.duplicates[:20]}


def print_report(report: dict[str, Any], out: Any = sys.stdout) -> None:
    """The human-readable summary."""
    def p(line: str = "") -> None:
        print(line, file=out)

    p()
    p(f"Chaos run: {report['accounts']} accounts, seed {report['seed']}, "
      f"{report['seconds']} s in total")
    for name in ("control", "chaos"):
        org = report[name]
        p(f"  {name:<8} {org['seconds']:>6} s, {org['api_calls']} API calls, "
          f"phases (s) {org['phases']}")
        p(f"           end state {org['state']}")
    p(f"  {'fault':<52} {'injected':>10}  survived")
    for row in report["faults"]:
        p(f"  {row['kind']:<52} {row['injected']!s:>10}  {row['survived']}")
    if report["worker_exits"]:
        p("  Workers that exited on their own: " + "; ".join(report["worker_exits"]))
    p(f"  Redis keys right after each restart: {report['redis_keys_after_restart']}")
    for problem in report["control_problems"]:
        p(f"  CONTROL RUN PROBLEM: {problem}")
    for checkpoint in ("after_writeback", "final"):
        _print_checkpoint(p, checkpoint, report[checkpoint], "  ", 10)
    volatile = report.get("without_persistence")
    if volatile:
        p("Without Redis persistence (informational, does not change the exit status):")
        p(f"  Redis keys right after each restart: {volatile['redis_keys_after_restart']}; "
          f"failed jobs {len(volatile['failed_jobs'])}")
        for checkpoint in ("after_writeback", "final"):
            _print_checkpoint(p, checkpoint, volatile[checkpoint], "  ", 6)
    final = report["final"]
    p(f"RESULT: {'PASS' if report['ok'] else 'FAIL'} — duplicates {final['duplicates']}, "
      f"lost writes {final['lost_writes']}, states {'match' if final['same_state'] else 'differ'}"
      f", failed jobs {len(report['failed_jobs'])}")


def _print_checkpoint(p: Any, name: str, c: dict[str, Any], indent: str, lines: int) -> None:
    label = "after the full scan's write-back" if name == "after_writeback" else "at the end"
    p(f"{indent}State {label}: {'same as control' if c['same_state'] else 'DIFFERS'}; "
      f"duplicates {c['duplicates']}, lost writes {c['lost_writes']}, "
      f"unexpected writes {c['unexpected_writes']}")
    for line in (c["lost"] + c["unexpected"] + c["duplicate_list"])[:lines]:
        p(f"{indent}    {line}")
