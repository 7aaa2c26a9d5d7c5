"""The benchmark's target checks and README rows for the streaming-memory figure."""

from __future__ import annotations

from typing import Any

from bench import report, targets


def _doc(accounts: int, rss_mb: float) -> dict[str, Any]:
    return {
        "generated_at": "2026-11-22T08:00:00+00:00", "mode": "full", "duration_s": 60,
        "machine": {"nproc": 2, "cpu_model": "test cpu", "memory_gb": 8, "python": "3.11",
                    "os": "Linux"},
        "streaming_memory": {"accounts": accounts, "rows": accounts * 92,
                             "process_max_rss_mb": rss_mb, "api_calls": 253, "seconds": 281.1},
    }


def test_memory_target_is_judged_on_the_100k_streaming_figure() -> None:
    under = targets.evaluate(_doc(100_000, 315.2))["worker_peak_memory"]
    over = targets.evaluate(_doc(100_000, 401.0))["worker_peak_memory"]
    assert (under["value"], under["pass"]) == (315.2, True)
    assert (over["value"], over["pass"]) == (401.0, False)
    assert "9,200,000 rows" in under["note"]


def test_memory_measured_on_a_smaller_org_is_not_a_pass() -> None:
    entry = targets.evaluate(_doc(1_000, 150.0))["worker_peak_memory"]
    assert entry["pass"] is None
    assert entry["note"] == "measured at 1,000 accounts, not 100,000"


def test_readme_and_operations_blocks_show_the_streaming_row() -> None:
    doc = _doc(100_000, 401.0)
    readme = report.readme_block(doc)
    row = next(line for line in readme.splitlines() if line.startswith("| worker streaming"))
    assert "100,000 accounts (9,200,000 rows" in row
    assert row.endswith("< 400 MB: **fail** |")
    assert "peaks at 401 MB RSS (253 API calls" in report.operations_block(doc)
