"""Detection against the org generator's ground truth (docs/signal-rules.md).

Generates an org (emulator.generator), turns each account's raw records into an
AccountSnapshot through the default field mapping (crm_mapping), scans every account and
compares with the truth file: precision and recall per signal type, and exact strength,
health band, play, eligibility and readiness.

    python -m tests.detection_core.acceptance --accounts 2000 --seeds 1 2 3
"""

from __future__ import annotations

import argparse
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from crm_mapping.document import default_mapping
from crm_mapping.snapshots import to_org_context, to_snapshot
from crm_mapping.translate import build_org_index
from detection.benchmark import build_benchmark
from detection.findings import AccountFindings, WhiteSpaceMap
from detection.scan import scan_account
from detection.snapshot import AccountSnapshot, OrgContext
from detection.stakeholders import build_champion_index
from emulator.generator import generate
from integration.contracts import AccountBundle, OrgData

ACCEPT_NOW = datetime(2026, 10, 15, 9, 30, tzinfo=UTC)
_CHILDREN = {
    "Contact": "contact", "AccountContactRelation": "account_contact_relation",
    "Opportunity": "opportunity", "OpportunityLineItem": "opportunity_line_item",
    "OpportunityContactRole": "opportunity_contact_role",
    "OpportunityCompetitor": "opportunity_competitor", "Asset": "asset", "Case": "case",
    "Task": "task", "Event": "event", "Product_Usage__c": "product_usage",
    "AccountHistory": "account_history", "ContactHistory": "contact_history",
}
_ORG = {"Product2": "product", "PricebookEntry": "pricebook_entry", "User": "user",
        "Organization": "organization"}
_BY_OPPORTUNITY = ("OpportunityLineItem", "OpportunityContactRole", "OpportunityCompetitor")
EXACT = ("strength", "health_band", "play", "play02_eligible", "play04_eligible", "readiness")


@lru_cache(maxsize=3)  # both acceptance tests scan the same generated org
def generated_portfolio(
    accounts: int, seed: int, now: datetime = ACCEPT_NOW
) -> tuple[list[AccountSnapshot], OrgContext, dict[str, dict[str, Any]]]:
    """(snapshots, org context, truth line per account id) of a generated org."""
    truth_io = io.StringIO()
    account_records: dict[str, dict[str, Any]] = {}
    children: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    org: dict[str, list] = defaultdict(list)
    opp_account: dict[str, str] = {}
    contact_account: dict[str, str] = {}
    for sobject, records in generate(accounts=accounts, seed=seed, now=now, truth=truth_io):
        if sobject == "Account":
            account_records.update((r["Id"], r) for r in records)
        elif sobject in _ORG:
            org[_ORG[sobject]].extend(records)
        elif sobject in _CHILDREN:
            for rec in records:
                if sobject == "Opportunity":
                    opp_account[rec["Id"]] = rec["AccountId"]
                elif sobject == "Contact":
                    contact_account[rec["Id"]] = rec["AccountId"]
                if sobject in _BY_OPPORTUNITY:
                    owner = opp_account[rec["OpportunityId"]]
                elif sobject == "ContactHistory":
                    owner = contact_account[rec["ContactId"]]
                elif sobject == "Product_Usage__c":
                    owner = rec["Account__c"]
                elif sobject in ("Task", "Event"):
                    owner = (rec.get("AccountId") or rec.get("WhatId")
                             or contact_account.get(rec.get("WhoId")))
                else:
                    owner = rec["AccountId"]
                children[owner][_CHILDREN[sobject]].append(rec)
    mapping = default_mapping()
    org_data = OrgData(records=dict(org))
    index = build_org_index(org_data, mapping)
    snapshots = [
        to_snapshot(AccountBundle(account=rec, children={k: list(v) for k, v in
                                                         children[aid].items()}),
                    mapping, index, now)
        for aid, rec in account_records.items()
    ]
    lines = truth_io.getvalue().splitlines()[1:]
    truth = {line["account_id"]: line for line in map(json.loads, lines)}
    return snapshots, to_org_context(org_data, mapping), truth


def truth_white_space(truth: dict[str, dict[str, Any]]) -> Callable[..., WhiteSpaceMap]:
    """A white-space seam giving each account the generator's own potential / ACV ratio."""

    def build(snapshot: AccountSnapshot, *_: Any) -> WhiteSpaceMap:
        ratio = truth[snapshot.id]["planted"].get("potential_ratio") or 0.0
        acv = snapshot.arr or 1.0
        return WhiteSpaceMap(account_id=snapshot.id, cells=(), current_acv=acv,
                             potential=ratio * acv)

    return build


@dataclass
class Report:
    """Per-signal counts and the accounts whose exact fields differ."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    mismatches: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    accounts: int = 0

    def precision(self, signal: str) -> float:
        found = self.tp[signal] + self.fp[signal]
        return self.tp[signal] / found if found else 1.0

    def recall(self, signal: str) -> float:
        real = self.tp[signal] + self.fn[signal]
        return self.tp[signal] / real if real else 1.0

    def signals(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def table(self) -> str:
        rows = [f"{'signal':30s} {'tp':>6s} {'fp':>4s} {'fn':>4s} {'precision':>9s} {'recall':>7s}"]
        rows += [
            f"{s:30s} {self.tp[s]:6d} {self.fp[s]:4d} {self.fn[s]:4d} "
            f"{self.precision(s):9.3f} {self.recall(s):7.3f}"
            for s in self.signals()
        ]
        rows += [f"{k}: {len(self.mismatches.get(k, ()))} of {self.accounts} differ"
                 for k in EXACT]
        return "\n".join(rows)


def compare(findings: Iterable[AccountFindings], truth: dict[str, dict[str, Any]],
            report: Report | None = None) -> Report:
    """Add the comparison of ``findings`` with the truth to ``report``."""
    report = report or Report()
    for f in findings:
        expected = truth[f.account_id]
        report.accounts += 1
        got, want = {s.type for s in f.signals}, set(expected["signals"])
        for s in got & want:
            report.tp[s] += 1
        for s in got - want:
            report.fp[s] += 1
            report.mismatches[f"fp {s}"].append(f.account_id)
        for s in want - got:
            report.fn[s] += 1
            report.mismatches[f"fn {s}"].append(f.account_id)
        mine = {"strength": f.strength, "health_band": f.health.band, "play": f.routing.play,
                "play02_eligible": f.routing.play02_eligible,
                "play04_eligible": f.routing.play04_eligible, "readiness": f.routing.readiness}
        for key in EXACT:
            if mine[key] != expected[key]:
                report.mismatches[key].append((f.account_id, expected[key], mine[key]))
    return report


def run(accounts: int, seeds: Iterable[int], *, truth_potential: bool) -> Report:
    """Scan generated orgs; ``truth_potential`` replaces the white-space map's potential by
    the generator's own estimate (isolates routing from the white-space estimator)."""
    report = Report()
    for seed in seeds:
        snaps, ctx, truth = generated_portfolio(accounts, seed)
        benchmark = build_benchmark(snaps, ctx, ACCEPT_NOW)
        index = build_champion_index(snaps)
        seam = {"white_space_builder": truth_white_space(truth)} if truth_potential else {}
        compare((scan_account(s, ctx, None, benchmark, index, now=ACCEPT_NOW, **seam)
                 for s in snaps), truth, report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--truth-potential", action="store_true")
    args = parser.parse_args()
    report = run(args.accounts, args.seeds, truth_potential=args.truth_potential)
    print(report.table())
    for key, items in report.mismatches.items():
        print(key, items[:5])


if __name__ == "__main__":
    main()
