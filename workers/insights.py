"""What the scans found, summarised in Redis for the dashboard, `radar status` and the demo.

Keys (``radar:{org_key}:...``):
  accounts       hash: account id -> JSON summary of its latest findings
  written        hash: "<sobject>:<status>" -> count of write outcomes
  insights       JSON document rebuilt from the two above (see ``rebuild``), in the format
                 the admin pages read (service.admin.sources), plus "accounts" and "strength";
                 deleted after each scan and cached for 5 minutes, so readers that find it
                 missing call ``load`` (which rebuilds it)
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import redis

from detection.documents.handoff import Qualification
from detection.funnel import (
    AccountRecord,
    FollowUpRecord,
    FunnelMetrics,
    OpportunityRecord,
    SignalLogRecord,
    funnel_metrics,
)
from detection.ownership import adoption_totals
from detection.portfolio import (
    ACTION_STABILISE,
    AccountAssessment,
    PortfolioRanking,
    assess_account,
    rank_assessments,
)
from integration.contracts import WriteOutcome
from plays.fields import LEAD_SOURCE_CS_EXPANSION

FUNNEL_DAYS = 90  # the dashboard's funnel looks at the last quarter


def summary_of(result: Any) -> dict[str, Any]:
    """A compact, JSON-able summary of one account's findings."""
    findings = result.findings
    snapshot = result.snapshot
    expansion = [s for s in findings.signals if s.category == "expansion"]
    return {
        "name": snapshot.name,
        "tier": snapshot.tier,
        "owner": snapshot.owner_id,
        "csm": snapshot.csm_id,
        # names from the org's User records the scan read: the console shows people by name
        "people": dict(getattr(result, "people", None) or {}),
        "health": findings.health.score,
        "band": findings.health.band,
        "play": findings.routing.play,
        "readiness": findings.routing.readiness,
        "strength": findings.strength,
        "signals": sorted({s.type for s in findings.signals}),
        "expansion": [{"type": s.type, "summary": s.evidence.summary} for s in expansion],
        "potential": findings.white_space.potential if findings.white_space else 0.0,
        "current_acv": findings.white_space.current_acv if findings.white_space else 0.0,
        "portfolio": dataclasses.asdict(assess_account(findings, snapshot)),
        "scanned_at": findings.scanned_at.isoformat(),
        "funnel": _funnel_records(snapshot, findings),
    }


def _funnel_records(snapshot: Any, findings: Any) -> dict[str, Any]:
    """What the org held for this account when it was read: the service's signal logs and
    follow-ups, the CS-driven Opportunities, and the account facts the funnel slices by."""
    since = findings.scanned_at.date() - timedelta(days=FUNNEL_DAYS)
    activities = snapshot.activities
    active, licensed, at_risk = adoption_totals(snapshot, findings.scanned_at)
    return {
        "active_users": active, "licensed_seats": licensed, "adoption_risk": at_risk,
        "acv": findings.white_space.current_acv if findings.white_space else (snapshot.arr or 0.0),
        "active_contacts": findings.stakeholders.active_contacts,
        "qbr_held": any(a.activity_date and a.activity_date >= since and not a.radar_action
                        and "qbr" in (a.subject or "").lower() for a in activities),
        # [type, day, task id, strength]: the strength feeds the dashboard's signal-log
        # counts by type and strength (readers of older 3-item entries still work)
        "signals": [[a.signal_type, a.activity_date.isoformat(), a.id, a.signal_strength]
                    for a in activities
                    if a.radar_action == "signal_log" and a.signal_type and a.activity_date],
        "follow_ups": [[(a.created_date.date() if a.created_date else a.activity_date).isoformat(),
                        Qualification.from_task(a).filled(), a.id] for a in activities
                       if a.radar_action == "follow_up" and (a.created_date or a.activity_date)],
        "opportunities": [[o.id, o.created_date.date().isoformat(), o.amount, o.lead_source,
                           o.is_closed, o.is_won,
                           o.close_date.isoformat() if o.close_date else None]
                          for o in snapshot.opportunities
                          if o.lead_source == LEAD_SOURCE_CS_EXPANSION and o.created_date],
    }


def funnel_of(summaries: dict[str, dict[str, Any]], today: date) -> FunnelMetrics | None:
    """The funnel metrics (detection.funnel) over the last FUNNEL_DAYS of what the org held."""
    if not summaries:
        return None
    accounts, signals, follow_ups, opportunities = [], [], [], []
    for account_id, summary in summaries.items():
        records = summary.get("funnel") or {}
        accounts.append(AccountRecord(account_id, summary["tier"], summary["csm"] or
                                      summary["owner"], float(records.get("acv") or 0.0),
                                      int(records.get("active_contacts") or 0),
                                      bool(records.get("qbr_held")),
                                      float(records.get("active_users") or 0.0),
                                      float(records.get("licensed_seats") or 0.0),
                                      int(records.get("adoption_risk") or 0)))
        signals += [SignalLogRecord(account_id, kind, date.fromisoformat(day), task_id)
                    for kind, day, task_id, *_ in records.get("signals", ())]
        follow_ups += [FollowUpRecord(account_id, date.fromisoformat(day), filled, task_id)
                       for day, filled, task_id in records.get("follow_ups", ())]
        opportunities += [
            OpportunityRecord(oid, account_id, date.fromisoformat(created), amount, source,
                              closed, won, date.fromisoformat(close) if close else None)
            for oid, created, amount, source, closed, won, close in
            records.get("opportunities", ())]
    return funnel_metrics(accounts=accounts, signals=signals, follow_ups=follow_ups,
                          opportunities=opportunities,
                          period_start=today - timedelta(days=FUNNEL_DAYS), period_end=today)


def record(conn: redis.Redis, org_key: str, results: Sequence[Any],
           outcomes: Iterable[WriteOutcome] | None, run_id: str,
           counts: Mapping[str, int] | None = None) -> None:
    """Store the accounts' summaries and add the write outcomes ("Task:created" counts, or
    the outcomes themselves) to the running totals."""
    prefix = f"radar:{org_key}"
    pipe = conn.pipeline()
    if results:
        summaries = {r.account_id: summary_of(r) for r in results}
        _count_new_signals(conn, prefix, summaries, pipe)
        pipe.hset(f"{prefix}:accounts",
                  mapping={k: json.dumps(v) for k, v in summaries.items()})
    totals = Counter(counts or {})
    totals.update(f"{o.write.sobject}:{o.status}" for o in outcomes or ())
    for key, n in totals.items():
        pipe.hincrby(f"{prefix}:written", key, n)
    pipe.delete(f"{prefix}:insights")  # rebuilt on the next read
    pipe.execute()


def _count_new_signals(conn: redis.Redis, prefix: str, summaries: Mapping[str, dict],
                       pipe: Any) -> None:
    """radar_signals_total: the signals an account shows that its previous scan did not."""
    from service.metrics import SIGNALS, MetricsRegistry  # noqa: PLC0415

    ids = list(summaries)
    found: Counter = Counter()
    for account_id, old in zip(ids, conn.hmget(f"{prefix}:accounts", ids), strict=True):
        before = set(json.loads(old).get("signals", ())) if old else set()
        summary = summaries[account_id]
        for kind in set(summary["signals"]) - before:
            found[(kind, summary["strength"] or "none")] += 1
    MetricsRegistry(conn).inc_many(
        ((SIGNALS, float(n), {"type": kind, "strength": strength})
         for (kind, strength), n in found.items()), pipeline=pipe)


def forget(conn: redis.Redis, org_key: str, account_ids: Sequence[str]) -> None:
    """Drop the summaries of accounts deleted in Salesforce (the dashboard stops listing
    them; their write totals stay, they happened)."""
    if account_ids:
        prefix = f"radar:{org_key}"
        pipe = conn.pipeline()
        pipe.hdel(f"{prefix}:accounts", *account_ids)
        pipe.delete(f"{prefix}:insights")
        pipe.execute()


def rebuild(conn: redis.Redis, org_key: str) -> dict[str, Any]:
    """Aggregate the summaries into the dashboard document (and cache it)."""
    prefix = f"radar:{org_key}"
    summaries = {k.decode(): json.loads(v) for k, v in conn.hgetall(f"{prefix}:accounts").items()}
    written = {k.decode(): int(v) for k, v in conn.hgetall(f"{prefix}:written").items()}
    signals: dict[str, Counter] = defaultdict(Counter)
    signal_logs: dict[str, Counter] = defaultdict(Counter)
    digest = []
    names = people_names(summaries.values())
    for account_id, summary in sorted(summaries.items()):
        # what the org held: the signal_log Tasks this account's last scan read
        for entry in (summary.get("funnel") or {}).get("signals", ()):
            signal_logs[entry[0]][(entry[3] if len(entry) > 3 else None) or "-"] += 1
        for item in summary["expansion"]:
            signals[item["type"]][summary["strength"]] += 1
        for kind in summary["signals"]:
            if not any(e["type"] == kind for e in summary["expansion"]):
                signals[kind]["-"] += 1
        if summary["strength"] in ("Strong", "Moderate") and summary["play"] == "play04":
            owner = summary["csm"] or summary["owner"]
            digest.append({"owner": names.get(owner, owner), "owner_id": owner,
                           "account": summary["name"],
                           "account_id": account_id, "strength": summary["strength"],
                           "summary": "; ".join(e["summary"] for e in summary["expansion"])})
    ranking = rank_assessments(AccountAssessment.from_dict(s["portfolio"])
                               for s in summaries.values() if s.get("portfolio"))

    def total(sobject: str, status: str) -> int:
        return written.get(f"{sobject}:{status}", 0)

    latest = max((s["scanned_at"] for s in summaries.values()), default=None)
    today = datetime.fromisoformat(latest).date() if latest else date.today()
    funnel = funnel_of(summaries, today)
    document = {
        "accounts": len(summaries),
        "generated_at": latest or "",
        "funnel": _owners_named(dataclasses.asdict(funnel), names) if funnel is not None else None,
        "portfolio": _with_account_facts(
            portfolio_rows(ranking, {aid: s["readiness"] for aid, s in summaries.items()}),
            summaries, names),
        "signals": {k: dict(v) for k, v in sorted(signals.items())},
        "signal_logs": {k: dict(v) for k, v in sorted(signal_logs.items())},
        "strength": dict(Counter(s["strength"] for s in summaries.values())),
        "digest": digest,
        # user id -> name, so the admin pages show people by name, never by id
        "people": {uid: name for s in summaries.values()
                   for uid, name in (s.get("people") or {}).items()},
        "written": {"tasks": total("Task", "created"),
                    "opportunities": total("Opportunity", "created"),
                    "account_updates": total("Account", "updated"),
                    "contact_updates": total("Contact", "updated"),
                    "failed": sum(n for k, n in written.items() if k.endswith(":failed"))},
    }
    conn.set(f"{prefix}:insights", json.dumps(document, default=str), ex=300)
    return document


def people_names(summaries: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """User id -> name over the accounts' summaries; a name two users share keeps its id
    beside it, so two people never merge into one row."""
    names: dict[str, str] = {}
    for summary in summaries:
        names.update(summary.get("people") or {})
    taken = Counter(names.values())
    return {uid: name if taken[name] == 1 else f"{name} ({uid})" for uid, name in names.items()}


def _with_account_facts(rows: list[dict[str, Any]], summaries: Mapping[str, Mapping[str, Any]],
                        names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each portfolio row gets what the console filters by: strength, play and owner name."""
    for row in rows:
        summary = summaries.get(row["account_id"]) or {}
        owner = summary.get("csm") or summary.get("owner") or ""
        row.update(strength=summary.get("strength") or "", play=summary.get("play") or "",
                   owner=names.get(owner, owner))
    return rows


def _owners_named(funnel: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The funnel's per-CS-owner slices keyed by the owner's name where the org has one."""
    funnel["by_owner"] = {names.get(k, k): v for k, v in (funnel.get("by_owner") or {}).items()}
    return funnel


def portfolio_rows(ranking: PortfolioRanking,
                   crm_readiness: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The ranking -> the ``portfolio`` list of the insights document: ranked entries in
    rank order, then the at-risk accounts with their reasons and ACV (the value at stake).

    ``readiness`` is what the scan wrote to the account's ``Expansion_Readiness__c`` when
    ``crm_readiness`` has it (the dashboard counts what Salesforce users see), else the
    ranking's own readiness; ``readiness_reason`` explains the ranking."""
    crm = crm_readiness or {}
    rows = [{"account_id": e.account_id, "name": e.name, "tier": e.tier, "acv": e.acv,
             "readiness": crm.get(e.account_id, e.readiness),
             "readiness_reason": e.readiness_reason,
             "action": e.action, "pipeline_value": e.pipeline_value,
             "expected_value": e.expected_value, "at_risk": False} for e in ranking.entries]
    rows += [{"account_id": a.account_id, "name": a.name, "tier": a.tier, "acv": a.acv,
              "readiness": crm.get(a.account_id, ""), "action": ACTION_STABILISE, "pipeline_value": 0.0,
              "expected_value": 0.0, "at_risk": list(a.reasons)}
             for a in ranking.at_risk]
    return rows


def load(conn: redis.Redis, org_key: str) -> dict[str, Any]:
    cached = conn.get(f"radar:{org_key}:insights")
    return json.loads(cached) if cached else rebuild(conn, org_key)
