"""Acceptance (issue 5): on generated orgs, detection agrees with what the generator
planted — precision and recall >= 0.98 per signal type, and strength, health band and
play eligibility exact — over three seeds of 2,000 accounts each.

The truth comes from the generator's own arithmetic over what it planted
(emulator/generator/truth.py), never from the detection code.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from detection.findings import ALL_SIGNALS
from tests.detection_truth.generated_org import scanned_generated_org

NOW = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)
SEEDS = (101, 202, 303)
ACCOUNTS = 2000


def _scan(seed: int):
    _, found, truth = scanned_generated_org(ACCOUNTS, seed, NOW)
    return found, truth


@pytest.fixture(scope="module")
def scans():
    return {seed: _scan(seed) for seed in SEEDS}


def test_given_three_generated_orgs_when_scanned_then_each_signal_matches_the_truth(scans, capsys):
    tp, fp, fn = Counter(), Counter(), Counter()
    for found, truth in scans.values():
        assert len(truth) == ACCOUNTS
        for row in truth:
            detected = {s.type for s in found[row["account_id"]].signals}
            planted = set(row["signals"])
            for kind in detected & planted:
                tp[kind] += 1
            for kind in detected - planted:
                fp[kind] += 1
            for kind in planted - detected:
                fn[kind] += 1
    lines = [f"{'signal':<30}{'planted':>9}{'found':>8}{'precision':>11}{'recall':>9}"]
    failures = []
    for kind in ALL_SIGNALS:
        planted = tp[kind] + fn[kind]
        detected = tp[kind] + fp[kind]
        precision = tp[kind] / detected if detected else 1.0
        recall = tp[kind] / planted if planted else 1.0
        lines.append(f"{kind:<30}{planted:>9}{detected:>8}{precision:>11.4f}{recall:>9.4f}")
        if planted == 0:
            failures.append(f"{kind}: never planted, so never tested")
        if precision < 0.98 or recall < 0.98:
            failures.append(f"{kind}: precision {precision:.4f} recall {recall:.4f}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert failures == []


@pytest.mark.parametrize("seed", SEEDS)
def test_given_generated_org_when_scanned_then_strength_band_and_eligibility_exact(scans, seed):
    found, truth = scans[seed]
    mismatches = []
    for row in truth:
        f = found[row["account_id"]]
        got = {"strength": f.strength, "health_band": f.health.band, "play": f.routing.play,
               "play02_eligible": f.routing.play02_eligible,
               "play04_eligible": f.routing.play04_eligible, "readiness": f.routing.readiness}
        want = {k: row[k] for k in got}
        if got != want:
            mismatches.append((row["account_id"], {k: (want[k], got[k]) for k in got
                                                   if got[k] != want[k]}))
    assert mismatches == [], f"{len(mismatches)} accounts differ, e.g. {mismatches[:5]}"


def test_given_generated_org_when_scanned_then_every_routing_branch_occurs(scans):
    found, truth = scans[SEEDS[0]]
    assert {row["play"] for row in truth} == {"play04", "play02", "renewal_rescue", "none"}
    assert {row["strength"] for row in truth} == {"Strong", "Moderate", "Weak", "None"}
