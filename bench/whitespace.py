"""`make bench` section ``whitespace`` (issue 15): weighted white-space potential / ACV over
a generated org, and the check that no account without a HIGH or MED cell has a weighted
potential above its ACV.

The org goes from the generator's record stream to the reader's bundles without HTTP (the
same path as tests/detection_truth), then through the real benchmark and scan_account.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from typing import Any

from bench.ui import Ui

NOW = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted ``values``."""
    rank = max(1, round(share * len(values) + 0.5 - 1e-9))
    return values[min(len(values), rank) - 1]


def whitespace(ui: Ui, accounts: int = 2000, seed: int = 101) -> dict[str, Any]:
    """Median and 95th percentile of weighted potential / ACV (and of total addressable /
    ACV for contrast) over a generated org of ``accounts``."""
    from tests.detection_truth.generated_org import scanned_generated_org  # noqa: PLC0415

    task = ui.task(f"white-space potential: {accounts:,} generated accounts", total=None)
    started = time.perf_counter()
    snapshots, found, _ = scanned_generated_org(accounts, seed, NOW)
    weighted, total, quiet_above = [], [], []
    quiet = 0
    for snapshot in snapshots:
        ws = found[snapshot.id].white_space
        if ws is None or ws.current_acv <= 0:
            continue
        weighted.append(ws.potential / ws.current_acv)
        total.append(ws.total_addressable / ws.current_acv)
        if not any(c.priority in ("HIGH", "MED") for c in ws.cells):
            quiet += 1
            if ws.potential > ws.current_acv + 0.5:
                quiet_above.append(snapshot.id)
    weighted.sort()
    total.sort()
    result = {
        "accounts": accounts, "seed": seed, "accounts_with_acv": len(weighted),
        "weighted_potential_over_acv": {
            "median": round(statistics.median(weighted), 4),
            "p95": round(_percentile(weighted, 0.95), 4), "max": round(weighted[-1], 4)},
        "total_addressable_over_acv": {
            "median": round(statistics.median(total), 4),
            "p95": round(_percentile(total, 0.95), 4), "max": round(total[-1], 4)},
        "accounts_without_high_or_med_cell": quiet,
        "of_which_weighted_above_acv": len(quiet_above),
        "examples_above_acv": quiet_above[:5],
        "seconds": round(time.perf_counter() - started, 1),
    }
    ui.done(task, f"weighted potential / ACV: median {result['weighted_potential_over_acv']['median']},"
                  f" p95 {result['weighted_potential_over_acv']['p95']}; "
                  f"{len(quiet_above)} of {quiet} accounts without HIGH/MED above ACV")
    return result
