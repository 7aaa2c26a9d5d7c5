"""Signals a CS user recorded by hand: reference_offer, qbr_mention, direct_request,
business_event (a Task with Expansion_Signal_Type__c and no Radar_Action__c)."""

from __future__ import annotations

from detection.asks import find_products
from detection.findings import CS_RECORDED_SIGNALS, ExpansionSignal
from detection.signals.base import make_signal
from detection.signals.facts import ScanFacts
from detection.signals.wording import utc_date

_LABELS = {
    "reference_offer": "offered to be a reference",
    "qbr_mention": "raised a need in a QBR",
    "direct_request": "asked directly to buy more",
    "business_event": "reported a business event",
}


def find(facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str]) -> None:
    """Append one signal per CS-recorded Task in the window (human-written Tasks only)."""
    days = facts.config.cs_signal_window_days
    for task in facts.human_activities:
        kind = task.signal_type
        if kind is None or task.kind != "Task":
            continue
        kind = kind.strip().lower()
        if kind not in CS_RECORDED_SIGNALS:
            continue
        if task.activity_date is not None:
            when = task.activity_date
        elif task.created_date is not None:
            when = utc_date(task.created_date)
        else:
            continue
        if not facts.within(when, days):
            continue
        note = (task.subject or "").strip()
        summary = f"CS recorded that the customer {_LABELS[kind]} on {when.isoformat()}"
        summary += f': "{note}".' if note else "."
        # the product CS's words name (issue 15): the request then points at that product
        # (a HIGH white-space cell, the hypothesis for it) instead of backing every one
        text = "\n".join(t for t in (task.subject, task.description) if t)
        named = find_products(text, facts.ctx.products) if text else []
        out.append(
            make_signal(
                facts,
                kind,
                clear=True,
                summary=summary,
                episode=f"cs:{task.id}",
                source_ids=(task.id,),
                values=(("recorded_on", when.isoformat()), ("owner", task.owner_id)),
                window=f"last {days} days",
                threshold="a Task where CS recorded the signal type",
                observed_on=when,
                contact_id=task.who_id,
                recorded_by_cs=True,
                product_id=named[0][1].id if named else None,
            )
        )
