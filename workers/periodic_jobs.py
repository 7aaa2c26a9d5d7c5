"""Scheduled jobs: the signal digest (daily by default, weekly by configuration), the daily
SLA check and the daily QBR preparation."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from simple_salesforce import format_soql

from crm_mapping.snapshots import to_org_context, to_snapshot
from crm_mapping.writes import to_record_writes
from detection.portfolio import AccountAssessment, rank_assessments, render_portfolio
from detection.snapshot import Activity, Opportunity
from integration import notifications
from integration.contracts import AccountBundle, ReadSpec, RecordWrite
from integration.gateway import check_api_name
from integration.writer import RecordWriter
from plays.periodic import (
    DigestLine,
    portfolio_action_lists,
    signal_digests,
    sla_escalations,
    stalled,
)
from plays.plan import WritePlan
from plays.tasks import end_of_week
from workers.jobs import scan_accounts
from workers.notify import alerts_from
from workers.runtime import Runtime, runtime

log = logging.getLogger(__name__)
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 8  # 08:00 in the org's time zone (Mondays when weekly)


def _apply(rt: Runtime, gateway, writes: Sequence[RecordWrite]) -> dict:
    outcomes = RecordWriter(gateway).apply(list(writes))
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    return counts


def _org_time_zone(rt: Runtime, gateway) -> str:
    org = gateway.query_page("SELECT TimeZoneSidKey FROM Organization LIMIT 1")
    records = org.get("records") or [{}]
    return records[0].get("TimeZoneSidKey") or "UTC"


def _handed_off(summary: dict) -> bool:
    """An open CS-driven opportunity exists: the account is the AE's now."""
    return any(not entry[4] for entry in (summary.get("funnel") or {}).get("opportunities", ()))


def _due(summary: dict) -> date | None:
    scanned = datetime.fromisoformat(summary["scanned_at"]).date()
    return scanned + timedelta(days=2) if summary["strength"] == "Strong" else end_of_week(scanned)


def weekly_digest(org_key: str = "default", force: bool = False) -> dict:
    """One digest Task per CS owner at 08:00 org time, every weekday (daily cadence, the
    default) or on Mondays (weekly); the job runs hourly."""
    rt = runtime(org_key)
    config = rt.settings.plays()
    gateway = rt.gateway()
    gateway.ensure_authenticated()
    now = gateway.now()
    local = now.astimezone(ZoneInfo(_org_time_zone(rt, gateway)))
    daily = config.digest_cadence == "daily"
    due_day = local.weekday() < 5 if daily else local.weekday() == DIGEST_WEEKDAY
    if not force and (not due_day or local.hour != DIGEST_HOUR):
        return {"skipped": f"not digest time in the org's time zone ({local.isoformat()})"}
    summaries = {k.decode(): json.loads(v)
                 for k, v in rt.redis.hgetall(f"radar:{org_key}:accounts").items()}
    lines = [
        DigestLine(owner_id=s["csm"] or s["owner"], account_id=aid, account_name=s["name"],
                   strength=s["strength"],
                   summary="; ".join(e["summary"].rstrip(".") for e in s["expansion"]),
                   due=_due(s), handed_off=_handed_off(s))
        for aid, s in sorted(summaries.items())
        if s["play"] == "play04" and s["strength"] in ("Strong", "Moderate")
        and (s["csm"] or s["owner"])
    ]
    org_data = rt.portfolio.org_data()
    names = ({u.id: u.name for u in to_org_context(org_data, rt.mappings.active_mapping()).users}
             if org_data is not None else {})
    plan = WritePlan(account_id="*",
                     writes=signal_digests(lines, local.date(), config, owner_names=names))
    writes = to_record_writes(plan, rt.mappings.active_mapping())
    return {"owners": len(plan.writes), "writes": _apply(rt, gateway, writes)}


def portfolio_actions(org_key: str = "default") -> dict:
    """Each AE's and CS owner's quarterly action list (seed 003 prompt 2), ranked by
    ``detection.portfolio`` over their own accounts; keyed per owner and quarter."""
    rt = runtime(org_key)
    gateway = rt.gateway()
    gateway.ensure_authenticated()
    today = gateway.now().date()
    summaries = [json.loads(v) | {"id": k.decode()}
                 for k, v in rt.redis.hgetall(f"radar:{org_key}:accounts").items()]
    by_owner: dict[str, list[dict]] = {}
    for summary in summaries:
        if not summary.get("portfolio"):
            continue
        for owner in {summary.get("owner"), summary.get("csm")} - {None, ""}:
            by_owner.setdefault(owner, []).append(summary)
    rankings = {}
    for owner, owned in by_owner.items():
        ranking = rank_assessments(AccountAssessment.from_dict(s["portfolio"]) for s in owned)
        first = ranking.entries[0] if ranking.entries else None
        anchor = first.account_id if first else owned[0]["id"]
        rankings[owner] = (anchor, first.name if first else owned[0]["name"],
                           render_portfolio(ranking, top=10))
    org_data = rt.portfolio.org_data()
    names = ({u.id: u.name for u in to_org_context(org_data, rt.mappings.active_mapping()).users}
             if org_data is not None else {})
    plan = WritePlan(account_id="*", writes=portfolio_action_lists(rankings, today, names,
                                                                   rt.settings.plays()))
    writes = to_record_writes(plan, rt.mappings.active_mapping())
    return {"owners": len(plan.writes), "writes": _apply(rt, gateway, writes)}


def _activities(rt: Runtime, gateway, spec: ReadSpec, now: datetime) -> list[Activity]:
    """Open follow-up Tasks of the whole org, as domain Activities."""
    mapping = rt.mappings.active_mapping()
    task = spec.get("task")
    assert task is not None
    action = mapping.api("task.radar_action")
    status = mapping.api("task.status")
    fields = ["Id", *(f for f in task.fields if f.lower() != "id")]  # the reader adds Id itself
    soql = format_soql(
        "SELECT {:literal} FROM {:literal} WHERE {:literal} = {} AND {:literal} != {}",
        ", ".join(check_api_name(f) for f in fields), check_api_name(task.sobject),
        check_api_name(action), "follow_up", check_api_name(status), "Completed")
    found: list[Activity] = []
    by_account: dict[str, list[dict]] = {}
    for record in gateway.iter_records(soql):
        by_account.setdefault(record.get("AccountId") or record.get("WhatId") or "", []).append(
            record)
    for account_id, records in by_account.items():
        bundle = AccountBundle(account={"Id": account_id, "Name": ""}, children={"task": records})
        found.extend(to_snapshot(bundle, mapping, None, now).activities)
    return found


def _expansion_opportunities(rt: Runtime, gateway) -> list[Opportunity]:
    mapping = rt.mappings.active_mapping()
    key = mapping.api("opportunity.expansion_key")
    soql = format_soql("SELECT Id, Name, AccountId, OwnerId, StageName, CreatedDate, {:literal} "
                       "FROM Opportunity WHERE IsClosed = false AND {:literal} != null",
                       check_api_name(key), check_api_name(key))
    result = []
    for record in gateway.iter_records(soql):
        created = datetime.fromisoformat(record["CreatedDate"].replace("+0000", "+00:00"))
        result.append(Opportunity(id=record["Id"], name=record["Name"], stage=record["StageName"],
                                  is_closed=False, is_won=False, amount=None, close_date=None,
                                  created_date=created, owner_id=record.get("OwnerId"),
                                  account_id=record.get("AccountId"),
                                  expansion_key=record.get(key)))
    return result


def sla_check(org_key: str = "default") -> dict:
    """Strong follow-ups open > 48 h, signal -> handoff > 14 days, handoff -> close > 45 days."""
    rt = runtime(org_key)
    gateway = rt.gateway()
    gateway.ensure_authenticated()
    now = gateway.now()
    mapping = rt.mappings.active_mapping()
    spec, _ = rt.checked_spec(gateway, mapping)
    follow_ups = _activities(rt, gateway, spec, now)
    opportunities = _expansion_opportunities(rt, gateway)
    names = {k.decode(): json.loads(v)["name"]
             for k, v in rt.redis.hgetall(f"radar:{org_key}:accounts").items()}
    org_data = rt.portfolio.org_data()
    users = to_org_context(org_data, mapping).users if org_data is not None else ()
    config = rt.settings.plays()
    escalations = sla_escalations(
        follow_ups, names, now, config, managers={u.id: u.manager_id for u in users},
        user_names={u.id: u.name for u in users},
        escalation_user=rt.settings.escalation_user_id)
    flags = stalled(follow_ups, opportunities, names, now, config,
                    already_flagged=_flagged(rt, gateway, follow_ups, opportunities))
    plan = WritePlan(account_id="*", writes=escalations + flags)
    writes = to_record_writes(plan, mapping)
    outcomes = RecordWriter(gateway).apply(list(writes))
    sent = notifications.send(gateway, alerts_from(outcomes, mapping))
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    return {"tasks": len(plan.writes), "writes": counts, "notified": sent}


def _flagged(rt: Runtime, gateway, follow_ups: Sequence[Activity],
             opportunities: Sequence[Opportunity]) -> frozenset[str]:
    """Keys of the stalled flags already in the org (each item is flagged once; the daily
    per-owner limit then spreads the rest over the following days)."""
    mapping = rt.mappings.active_mapping()
    key, action = mapping.api("task.expansion_key"), mapping.api("task.radar_action")
    if key is None or action is None:
        return frozenset()
    soql = format_soql("SELECT {:literal} FROM Task WHERE {:literal} = {}", check_api_name(key),
                       check_api_name(action), "stalled_opportunity")
    return frozenset(r.get(key) for r in gateway.iter_records(soql) if r.get(key))


def qbr_prep(org_key: str = "default") -> dict:
    """Rescan the accounts whose QBR is within 30 days, so Play 02 prepares them at D-30."""
    rt = runtime(org_key)
    gateway = rt.gateway()
    gateway.ensure_authenticated()
    mapping = rt.mappings.active_mapping()
    qbr = mapping.api("account.next_qbr_date")
    soql = format_soql("SELECT Id FROM Account WHERE {:literal} = NEXT_N_DAYS:30 OR "
                       "{:literal} = TODAY", check_api_name(qbr), check_api_name(qbr))
    ids = [r["Id"] for r in gateway.iter_records(soql)]
    if not ids:
        return {"accounts": 0}
    return scan_accounts(org_key, ids)
