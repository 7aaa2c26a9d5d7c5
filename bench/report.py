"""Turning results into the issue-3 calls figure, Markdown tables and a console summary.

``update_docs`` rewrites the blocks between ``<!-- figures: bench/results.json -->`` and
``<!-- /figures -->`` in docs/operations.md and README.md, so the documents always show the
latest full run. ``python -m bench.report [results.json]`` prints the README block.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from bench import machine as machine_info
from bench import targets as target_rules

ROOT = Path(__file__).resolve().parent.parent
OPEN = "<!-- figures: bench/results.json -->"
CLOSE = "<!-- /figures -->"


def calls_section(full: dict[str, Any], incremental: dict[str, Any]) -> dict[str, Any]:
    """Issue 3's figure: actual calls by kind beside the planned minimum and naive count."""
    read = full["read_phase"]
    writes = full["write_phase"]
    return {
        "accounts": full["accounts"],
        "full_scan": {
            "actual_calls": full["api_calls"],
            "by_kind_product": full["api_calls_by_kind_product"],
            "by_kind_emulator": full["api_calls_by_kind_emulator"],
            "read_phase": read,
            "write_phase": writes,
            "planned_minimum": read["planned_minimum"] + read["preflight_describes"]
            + writes["minimum_collection_calls"],
            "minimum_formula": (
                "read: sum over objects of planned_calls (REST 1 count + ceil(n/2000) pages; "
                "Bulk 1 count + describe + create + 1 poll + ceil(n/50000) pages; folded "
                "children 0) + preflight describes (one per mapped object, cached 6 h) + "
                "writes: ceil(records written / 200) collections"),
            "naive_calls": full["naive_calls"],
            "naive_formula": full["naive_formula"],
        },
        "incremental_no_change": incremental,
    }


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and digits == 0):
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def scan_rows(doc: dict[str, Any]) -> list[str]:
    """One Markdown row per scan size (operations.md's table)."""
    rows = []
    for size in sorted(int(k) for k in (doc.get("full_scan") or {})):
        pair = doc["full_scan"][str(size)]
        full, inc = pair["full"], pair["incremental"]
        rows.append(
            f"| {size:,} | {full['api_calls']:,} | {inc['api_calls']:,} | "
            f"{_num(full['wall_s_per_1000_accounts'])} s | "
            f"{_num(full['worker_cpu_s_per_1000_accounts'])} s | "
            f"{_num(full['worker_peak_rss_mb'], 0)} MB |")
    return rows


def _aggregation(section: dict[str, Any]) -> str:
    """`` (median of 3 runs: 5,100 / 5,600 / 6,000)`` when the section ran several times."""
    runs = section.get("runs") or []
    values = [r["requests_per_s"] if isinstance(r, dict) else r for r in runs]
    if len(values) < 2:
        return ""
    return f" (median of {len(values)} runs: {' / '.join(_num(v, 0) for v in values)})"


def _verdict(entry: dict[str, Any] | None) -> str:
    if not entry or entry.get("pass") is None:
        return "not measured"
    return "pass" if entry["pass"] else "**fail**"


def _streaming_line(doc: dict[str, Any]) -> list[str]:
    stream = doc.get("streaming_memory") or {}
    if stream.get("process_max_rss_mb") is None:
        return []
    return ["", f"A worker streaming all {stream['accounts']:,} accounts ({stream['rows']:,} rows)"
                f" through the integration reader peaks at {_num(stream['process_max_rss_mb'], 0)}"
                f" MB RSS ({stream['api_calls']} API calls, {_num(stream['seconds'], 0)} s)."]


def operations_block(doc: dict[str, Any]) -> str:
    """The figures block of docs/operations.md."""
    web = doc.get("webhooks") or {}
    lat = doc.get("event_latency") or {}
    lines = [
        "| accounts | full-scan API calls | incremental API calls | wall time per 1,000 "
        "accounts | worker CPU s per 1,000 accounts | peak memory |",
        "|---|---|---|---|---|---|",
        *scan_rows(doc),
        "",
        f"Machine: {machine_info.one_line(doc['machine'])}. Webhook throughput: "
        f"{_num(web.get('requests_per_s'), 0)} requests/s, p99 {_num(web.get('p99_ms'), 1)} ms. "
        f"Event to write-back latency: p50 {_num(lat.get('p50_s'), 2)} s, "
        f"p95 {_num(lat.get('p95_s'), 2)} s.",
        *_streaming_line(doc),
        *(f"\n{note}" for note in doc.get("notes", [])),
    ]
    return "\n".join(lines)


def _kinds(row: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(row.get("by_kind", {}).items()))


def frugal_rows(doc: dict[str, Any], t: dict[str, Any]) -> list[str]:
    """Issue 14's table: calls of each path around `radar sync`, by kind, vs the minimum."""
    out = []
    for size in sorted(int(k) for k in (doc.get("frugal") or {})):
        rows = doc["frugal"][str(size)]["rows"]
        for key, label in ((f"full@{size}", f"`radar sync --full`, {size:,} accounts"),
                           ("incremental", f"`radar sync`, nothing changed ({size:,} accounts)"),
                           ("account", f"`radar sync --account` (an event; {size:,} accounts)")):
            row = rows.get(key)
            if not row:
                continue
            name = {"incremental": f"frugal_incremental_{size}",
                    "account": f"frugal_account_{size}"}.get(key, f"frugal_full_{size}")
            goal = f"<= {row['goal']}: {_verdict(t.get(name))}" if row.get("goal") else "—"
            out.append(f"| API calls: {label} | {row['calls']:,} ({_kinds(row)}); minimum "
                       f"{row['minimum']}, ratio {row['ratio_to_minimum']} | {goal} |")
    return out


def readme_block(doc: dict[str, Any]) -> str:
    """The README's Benchmarks table: every figure with its target and verdict."""
    t = doc.get("targets") or target_rules.evaluate(doc)
    calls = doc.get("scan_api_calls") or {}
    fs = calls.get("full_scan") or {}
    read = fs.get("read_phase") or {}
    inc = calls.get("incremental_no_change") or {}
    gen = doc.get("generator") or {}
    det = doc.get("detection") or {}
    web = doc.get("webhooks") or {}
    lat = doc.get("event_latency") or {}
    rows = [
        "| figure | value | target |",
        "|---|---|---|",
    ]
    for size in sorted(int(k) for k in (doc.get("emulator_throughput") or {})):
        emu = doc["emulator_throughput"][str(size)]
        q = emu["query_pages_2000"]
        w = emu["collection_writes_200"]
        rows.append(f"| emulator, {size:,}-account org: 2,000-record query pages | "
                    f"{_num(q['records_per_s'], 0)} records/s ({q['api_calls']} calls) | — |")
        rows.append(f"| emulator, {size:,}-account org: 200-record collection writes | "
                    f"update {_num(w['update_accounts']['records_per_s'], 0)} / create "
                    f"{_num(w['create_tasks']['records_per_s'], 0)} records/s "
                    f"({w['update_accounts']['calls'] + w['create_tasks']['calls']} calls) | — |")
    if gen:
        rows.append(f"| generator: {gen['accounts']:,} accounts | {gen['seconds']} s, heap peak "
                    f"{gen.get('peak_heap_mb')} MB, RSS peak {gen.get('peak_rss_mb')} MB | — |")
    if fs:
        rows.append(f"| full scan of {calls['accounts']:,} accounts: read calls vs planned minimum"
                    f" | {read['scan_calls']} vs {read['planned_minimum']} (+{read['preflight_describes']}"
                    f" cached describes) | <= 1.1x: {_verdict(t.get('scan_read_calls'))} |")
        rows.append(f"| full scan of {calls['accounts']:,} accounts: all calls vs minimum vs naive"
                    f" | {fs['actual_calls']:,} vs {fs['planned_minimum']:,} vs "
                    f"{fs['naive_calls']:,} ({fs['write_phase']['records_written']:,} records "
                    f"written) | — |")
        rows.append(f"| incremental scan right after, nothing changed | {inc['api_calls']} calls "
                    f"({inc['objects_read']} objects), {inc['writes']} writes | <= 1 call per "
                    f"object, 0 writes: {_verdict(t.get('incremental_calls'))} |")
    rows += frugal_rows(doc, t)
    for size in sorted(int(k) for k in (doc.get("full_scan") or {})):
        full = doc["full_scan"][str(size)]["full"]
        rows.append(f"| full scan (read + detect + write-back), {size:,} accounts | "
                    f"{_num(full['wall_s_per_1000_accounts'])} s wall, "
                    f"{_num(full['worker_cpu_s_per_1000_accounts'])} worker CPU s per 1,000 "
                    f"accounts; peak RSS {_num(full['worker_peak_rss_mb'], 0)} MB; "
                    f"{full['api_calls']:,} calls | — |")
    stream = doc.get("streaming_memory") or {}
    if stream.get("process_max_rss_mb") is not None:
        rows.append(f"| worker streaming {stream['accounts']:,} accounts ({stream['rows']:,} rows,"
                    f" integration reader) | peak RSS {_num(stream['process_max_rss_mb'])} MB; "
                    f"{stream['api_calls']} API calls; {_num(stream['seconds'])} s | < 400 MB: "
                    f"{_verdict(t.get('worker_peak_memory'))} |")
    if det:
        rows.append(f"| detection, {det['accounts']:,} snapshots, one core"
                    f"{_aggregation(det)} | {_num(det['accounts_per_s'], 0)} accounts/s | "
                    ">= 5,000: "
                    f"{_verdict(t.get('detection_throughput'))} |")
    if web.get("requests_per_s") is not None:
        rows.append(f"| webhooks: events endpoint, gunicorn, wrk {web['connections']} connections"
                    f"{_aggregation(web)} | {_num(web['requests_per_s'], 0)} req/s, p99 {web['p99_ms']} ms | "
                    f">= 1,000 req/s: {_verdict(t.get('webhook_throughput'))}; p99 <= 50 ms: "
                    f"{_verdict(t.get('webhook_p99'))} |")
    if lat.get("p50_s") is not None:
        rows.append(f"| event to write-back ({lat['samples']} samples, {lat['accounts']:,}-account"
                    f" org) | p50 {lat['p50_s']} s, p95 {lat['p95_s']} s | p95 <= 2 s: "
                    f"{_verdict(t.get('event_latency_p95'))} |")
    minutes = round(doc.get("duration_s", 0) / 60)
    rows += ["", f"Measured {doc['generated_at'][:10]} by `make bench` ({doc['mode']} run, "
             f"{minutes} min) on {machine_info.one_line(doc['machine'])}; every figure and "
             "its API calls are in `bench/results.json`."]
    rows += [f"\n{note}" for note in doc.get("notes", [])]
    return "\n".join(rows)


def replace_block(text: str, block: str) -> str:
    """``text`` with the figures block replaced (unchanged when it has no markers)."""
    pattern = re.compile(re.escape(OPEN) + r".*?" + re.escape(CLOSE), re.DOTALL)
    return pattern.sub(lambda _m: f"{OPEN}\n{block}\n{CLOSE}", text, count=1)


def update_docs(doc: dict[str, Any], out: Path, root: Path = ROOT) -> list[Path]:
    """Refresh the figures blocks of docs/operations.md and README.md; returns the files
    changed. Only results written to bench/results.json are published."""
    if out.resolve() != (root / "bench" / "results.json").resolve():
        return []
    changed = []
    for path, block in ((root / "docs" / "operations.md", operations_block(doc)),
                        (root / "README.md", readme_block(doc))):
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        new = replace_block(text, block)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def summary(doc: dict[str, Any]) -> str:
    """One line per target for the console."""
    lines = [f"results ({doc['mode']} run, {doc.get('duration_s', 0):.0f} s):"]
    for name, entry in (doc.get("targets") or {}).items():
        lines.append(f"  {_verdict(entry):>12}  {name}: {entry['value']}  ({entry['target']})")
    for name, error in (doc.get("errors") or {}).items():
        lines.append(f"  error in {name}: {error}")
    return "\n".join(lines)


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "bench" / "results.json")
    print(readme_block(json.loads(source.read_text(encoding="utf-8"))))
