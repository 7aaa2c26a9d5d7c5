"""Small builders of findings and snapshots for the plays' unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from detection.findings import (
    AccountFindings,
    Evidence,
    ExpansionSignal,
    HealthAssessment,
    Hypothesis,
    Routing,
    StakeholderMap,
    StakeholderRole,
    WhiteSpaceMap,
    category_of,
)
from detection.snapshot import AccountSnapshot, Activity, Contact, OrgContext

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)  # a Wednesday
CTX = OrgContext(org_id="00D5g0000000001AAA")


def signal(kind: str, *, clear: bool = True, episode: str = "2026-10") -> ExpansionSignal:
    return ExpansionSignal(
        type=kind, category=category_of(kind), clear_pattern=clear,
        evidence=Evidence(summary=f"{kind} seen", source_ids=("a005g0000000001AAA",),
                          threshold="rule", window="2026-09 vs 2026-10"),
        observed_on=NOW.date(), episode=episode)


def snapshot(**overrides) -> AccountSnapshot:
    base = dict(
        id="0015g0000000001AAA", name="Acme Corp", owner_id="0055g00000000AEAAA",
        csm_id="0055g00000000CSAAA", tier="T2", health_score=80.0,
        contacts=(Contact(id="0035g0000000001AAA", first_name="Ana", last_name="Lee",
                          title="VP Finance", department="Finance", email="ana@acme.test",
                          created_date=None, last_activity_date=date(2026, 11, 1)),),
    )
    base.update(overrides)
    return AccountSnapshot(**base)


def findings(signals=(), strength="None", play="play04", readiness="None", band="Green",
             roles=(), hypotheses=(), potential=0.0, play02=False) -> AccountFindings:
    return AccountFindings(
        account_id="0015g0000000001AAA", scanned_at=NOW,
        health=HealthAssessment(score=80.0 if band == "Green" else 55.0, band=band, source="org"),
        signals=tuple(signals), strength=strength,
        routing=Routing(play=play, reason="test", readiness=readiness, play02_eligible=play02),
        stakeholders=StakeholderMap(roles=tuple(roles), active_contacts=4, thin_threading=False,
                                    champions=()),
        white_space=WhiteSpaceMap(account_id="0015g0000000001AAA", cells=(), current_acv=1000.0,
                                  potential=potential),
        hypotheses=tuple(hypotheses))


def role(contact_id: str, name: str) -> StakeholderRole:
    return StakeholderRole(contact_id=contact_id, name="Ana Lee", title="VP Finance", role=name,
                           role_reason="title", relationship="Medium", last_activity=None,
                           active=True)


def follow_up_task(**overrides) -> Activity:
    base = dict(id="00T5g0000000001AAA", kind="Task", subject="Strong expansion signal",
                type=None, status="Not Started", activity_date=NOW.date(),
                created_date=NOW, what_id="0015g0000000001AAA",
                owner_id="0055g00000000CSAAA", radar_action="follow_up",
                signal_strength="Strong")
    base.update(overrides)
    return Activity(**base)


def hypothesis() -> Hypothesis:
    return Hypothesis(rank=1, title="Cross-sell Analytics", approach="cross-sell",
                      product_ids=("01t5g0000000002AAA",), estimated_value=24000.0,
                      evidence_score=0.8, revenue_score=0.6, timing_score=0.5, score=0.24,
                      outreach_angle="usage", contacts=(), red_flags=(), evidence=("x",))
