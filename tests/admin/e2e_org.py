"""The org side of the admin browser test: a generated emulator org scanned by real `radar`
processes (with one handoff in between), and what the org holds, counted by SOQL.

The counts here never look at Redis or at the service's code: they are the independent
figures the dashboard's numbers are held against.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from simple_salesforce import Salesforce, format_soql

from tests.workers_e2e.harness import radar, radar_env, seed_org, start_worker

# Four of the five qualification fields: enough for a handoff (seed 000's rule).
QUALIFICATION = {"Qual_Pain__c": "Month-end reporting takes 3 days",
                 "Qual_Metrics__c": "Close in 1 day", "Qual_Timeline__c": "This quarter",
                 "Qual_Budget__c": "Approved by the CFO"}
CS_LEAD_SOURCE = "CS-driven Expansion"
WORKER_TIMEOUT = 120


def _drain(env: dict[str, str]) -> None:
    """Run a burst worker until the queues are empty."""
    worker = start_worker(env, "--burst")
    assert worker.wait(timeout=WORKER_TIMEOUT) == 0, worker.stderr.read()[-3000:]


def scan_with_handoff(org, redis_url: str, tmp: Path, *, accounts: int = 150,
                      seed: int = 7) -> dict:
    """Generate an org, scan it, let a CS user qualify one Strong follow-up, run the
    handoff for its account, and scan again so the insights see the org after the writes.

    Returns the qualified follow-up Task (Id, WhatId).
    """
    seed_org(org, accounts, seed=seed, tmp=tmp)
    env = radar_env(org, redis_url)
    radar(env, "sync", "--full")
    _drain(env)
    # Strong accounts get their follow-up at High priority (plays.account_plan)
    found = org.store.query("SELECT Id, WhatId FROM Task WHERE Radar_Action__c = 'follow_up' "
                            "AND Priority = 'High' ORDER BY Id LIMIT 1")
    assert found, "the generated org produced no Strong follow-up to qualify"
    follow_up = found[0]
    org.salesforce().Task.update(follow_up["Id"], QUALIFICATION)  # the CS user's edit
    radar(env, "sync", "--account", follow_up["WhatId"])  # what the Task trigger would ask
    _drain(env)
    radar(env, "sync", "--full")
    _drain(env)
    return follow_up


def _count(sf: Salesforce, soql: str, *args: object) -> int:
    return int(sf.query(format_soql(soql, *args))["totalSize"])


def _grouped(sf: Salesforce, soql: str, *fields: str) -> Counter:
    """An aggregate query's ``COUNT(Id)`` (expr0) per group, groups as tuples (or values)."""
    counts: Counter = Counter()
    for row in sf.query_all(soql)["records"]:
        key = tuple(row[f] for f in fields)
        counts[key if len(key) > 1 else key[0]] += int(row["expr0"])
    return counts


@dataclass(frozen=True)
class OrgFigures:
    """What the org holds, in the dashboard's terms."""

    tasks_created: int  # Tasks created by the integration user (the service)
    opportunities_created: int
    cs_opportunities_created: int  # of those, LeadSource CS-driven Expansion
    signal_logs: dict[str, dict[str, int]]  # type -> strength ("-" when blank) -> Tasks
    readiness: dict[str, int]  # Expansion_Readiness__c -> accounts
    accounts: int
    signals_in_period: int
    handoffs_in_period: int
    cs_pipeline_in_period: float


def org_figures(sf: Salesforce, integration_user_id: str, start: date, end: date) -> OrgFigures:
    """Count, by SOQL over the REST API, what the dashboard claims to show."""
    # CreatedDate is a dateTime: the period's days as UTC bounds (the funnel dates the
    # Opportunities by the UTC day of CreatedDate). Date and dateTime literals are unquoted
    # in SOQL, hence :literal.
    since, until = f"{start.isoformat()}T00:00:00Z", f"{end.isoformat()}T23:59:59Z"
    logs = _grouped(sf, "SELECT Expansion_Signal_Type__c, Signal_Strength__c, COUNT(Id) "
                        "FROM Task WHERE Radar_Action__c = 'signal_log' "
                        "GROUP BY Expansion_Signal_Type__c, Signal_Strength__c",
                    "Expansion_Signal_Type__c", "Signal_Strength__c")
    by_type: dict[str, dict[str, int]] = {}
    for (kind, strength), n in logs.items():
        by_type.setdefault(kind, {})[strength or "-"] = n
    pipeline = sf.query(format_soql(
        "SELECT SUM(Amount) FROM Opportunity WHERE LeadSource = {} "
        "AND CreatedDate >= {:literal} AND CreatedDate <= {:literal}",
        CS_LEAD_SOURCE, since, until))["records"][0]["expr0"]
    return OrgFigures(
        tasks_created=_count(sf, "SELECT COUNT() FROM Task WHERE CreatedById = {}",
                             integration_user_id),
        opportunities_created=_count(sf, "SELECT COUNT() FROM Opportunity "
                                         "WHERE CreatedById = {}", integration_user_id),
        cs_opportunities_created=_count(sf, "SELECT COUNT() FROM Opportunity WHERE "
                                            "CreatedById = {} AND LeadSource = {}",
                                        integration_user_id, CS_LEAD_SOURCE),
        signal_logs=by_type,
        readiness={level or "-": n for level, n in _grouped(
            sf, "SELECT Expansion_Readiness__c, COUNT(Id) FROM Account "
                "GROUP BY Expansion_Readiness__c", "Expansion_Readiness__c").items()},
        accounts=_count(sf, "SELECT COUNT() FROM Account"),
        signals_in_period=_count(sf, "SELECT COUNT() FROM Task WHERE Radar_Action__c = "
                                     "'signal_log' AND ActivityDate >= {:literal} "
                                     "AND ActivityDate <= {:literal}",
                                 start.isoformat(), end.isoformat()),
        handoffs_in_period=_count(sf, "SELECT COUNT() FROM Opportunity WHERE LeadSource = {} "
                                      "AND CreatedDate >= {:literal} "
                                      "AND CreatedDate <= {:literal}",
                                  CS_LEAD_SOURCE, since, until),
        cs_pipeline_in_period=float(pipeline or 0.0),
    )
