"""Ranked expansion hypotheses (seed 003 step 6): evidence x revenue x timing, top 3.

Each hypothesis is built from the white-space map and the detected signals, and carries
the evidence lines it rests on, so nothing is recommended without a data point.

Scores, all in [0, 1] and shown on every hypothesis:

- evidence = 1 - product(1 - w) over its evidence items: a direct request 1.0, a signal
  with a clear pattern 0.6, an ambiguous one 0.35, utilisation at or over the upgrade
  threshold 0.35, a co-ownership share s 0.5 x s, an account-level signal (NPS promoter,
  new leader, CS note...) 0.2. A platform bundle (two or more HIGH missing products) takes
  the evidence of its weakest part, x 0.8 (several decisions at once).
- revenue = value / (value + half the current ACV, at least $1,000): 0.5 when the
  hypothesis is worth half the ACV, 0.67 at the full ACV.
- timing = 0.2 + renewal within the window 0.25 + QBR within 30 days 0.2 + Green health
  0.2 + an active champion 0.15 (the same for every hypothesis of one account).
- score = evidence x revenue x timing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from detection.findings import (
    ExpansionSignal,
    HealthAssessment,
    Hypothesis,
    StakeholderMap,
    WhiteSpaceMap,
)
from detection.formatting import money
from detection.snapshot import AccountSnapshot, OrgContext
from detection.whitespace import signals_pointing_at

# signals that say "more of this product" (a CS-recorded ask names its product, issue 15)
_PRODUCT_SIGNALS = ("capacity_limit", "usage_spike", "new_use_case", "direct_request",
                    "qbr_mention")
_ACCOUNT_SIGNALS = (
    "nps_promoter",
    "leadership_change",
    "reference_offer",
    "qbr_mention",
    "direct_request",
    "business_event",
    "champion_promoted",
)
_HIGH_PRIORITY = ("high", "critical", "urgent")
PLATFORM_DISCOUNT = 0.8


@dataclass(slots=True)
class _Candidate:
    title: str
    approach: str
    product_ids: tuple[str, ...]
    value: float
    angle: str
    evidence: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    discount: float = 1.0
    # a bundle's parts: its evidence is its weakest part's (each purchase must stand)
    parts: list[_Candidate] = field(default_factory=list)

    def add(self, line: str, weight: float, contact: str | None = None) -> None:
        if line not in self.evidence:
            self.evidence.append(line)
            self.weights.append(weight)
        if contact and contact not in self.contacts:
            self.contacts.append(contact)


def signal_weight(sig: ExpansionSignal) -> float:
    """How much one signal says (see the module docstring)."""
    if sig.type == "direct_request":
        return 1.0
    return 0.6 if sig.clear_pattern else 0.35


def timing_breakdown(
    signals: tuple[ExpansionSignal, ...],
    health: HealthAssessment | None,
    stakeholders: StakeholderMap | None,
) -> tuple[float, list[str]]:
    """Timing readiness and the parts it is made of, in words."""
    types = {s.type for s in signals}
    parts = [(0.2, "base 0.20")]
    if "renewal_window" in types:
        parts.append((0.25, "renewal window +0.25"))
    if "qbr_upcoming" in types:
        parts.append((0.2, "QBR within 30 days +0.20"))
    if health is not None and health.band == "Green":
        parts.append((0.2, "Green health +0.20"))
    if stakeholders is not None and stakeholders.champions:
        parts.append((0.15, "active champion +0.15"))
    return round(sum([p for p, _ in parts]), 4), [text for _, text in parts]


def red_flags(
    snapshot: AccountSnapshot,
    signals: tuple[ExpansionSignal, ...],
    health: HealthAssessment | None,
    stakeholders: StakeholderMap | None,
) -> tuple[str, ...]:
    """Reasons the account may not expand (or may churn), most serious first."""
    flags: list[str] = []
    for sig in signals:
        if sig.type == "health_decline":
            flags.append(f"Health decline: {sig.evidence.summary}")
    if health is not None and health.band in ("Yellow", "Red"):
        flags.append(
            f"Health is {health.band} ({health.score:.0f})"
            if health.score is not None
            else f"Health is {health.band}"
        )
    for sig in signals:
        if sig.type == "champion_departed":
            flags.append(f"Champion departed: {sig.evidence.summary}")
    if stakeholders is not None and not stakeholders.champions:
        flags.append("No active champion on record")
    cases = sorted([
        (c.subject or "without a subject")
        for c in snapshot.cases
        if not c.is_closed and (c.priority or "").strip().lower() in _HIGH_PRIORITY
    ])
    if cases:
        quoted = ", ".join(f'"{c}"' for c in cases[:5])
        flags.append(f"{len(cases)} open high-priority {'case' if len(cases) == 1 else 'cases'}: "
                     f"{quoted}")
    for sig in signals:
        if sig.type == "competitive_threat":
            flags.append(f"Competitor mentioned: {sig.evidence.summary}")
    if stakeholders is not None and stakeholders.thin_threading:
        n = stakeholders.active_contacts
        flags.append(f"Thin threading: {n} active {'contact' if n == 1 else 'contacts'}"
                     if n else "Thin threading: no contact active in the last 90 days")
    return tuple(dict.fromkeys(flags))


def _leaders(stakeholders: StakeholderMap | None) -> list[str]:
    """Active champions first, then active economic buyers / decision makers."""
    if stakeholders is None:
        return []
    ids = list(stakeholders.champions)
    for role in stakeholders.roles:
        if role.active and role.role in ("Economic Buyer", "Decision Maker"):
            ids.append(role.contact_id)
    return list(dict.fromkeys(ids))


def _candidates(
    snapshot: AccountSnapshot,
    ctx: OrgContext,
    signals: tuple[ExpansionSignal, ...],
    ws: WhiteSpaceMap,
) -> list[_Candidate]:
    owned = []
    missing = {}
    for c in ws.cells:  # one pass: the map lists owned products, then missing ones
        status = c.status
        if status == "Active":
            owned.append(c)
        elif status == "None":
            missing[c.product_id] = c
    expansion = [s for s in signals if s.category == "expansion"]
    out: list[_Candidate] = []

    # Upsell: more of an owned product (upgrade room, or growth on it).
    largest = owned[0] if owned else None  # the map orders owned products by ACV
    for cell in owned:
        sigs = [
            s for s in expansion if s.product_id == cell.product_id and s.type in _PRODUCT_SIGNALS
        ]
        if cell is largest:
            sigs += [s for s in expansion if s.type == "org_growth"]
        room = cell.estimated_acv or 0.0
        if room <= 0 and not sigs:
            continue
        value = room if room > 0 else round(0.2 * (cell.current_acv or 0.0))
        cand = _Candidate(
            title=f"Upsell: more {cell.product_name}",
            approach="upsell",
            product_ids=(cell.product_id,),
            value=float(value),
            angle=(
                f"Lead with their own growth on {cell.product_name}; offer headroom (or the "
                "next tier) before limits slow new users down."
            ),
        )
        if room > 0:
            cand.add(f"{cell.product_name} {cell.upgrade_room}", 0.35)
        else:
            cand.add(
                f"{cell.product_name}: upgrade valued at 20% of its ACV {money(cell.current_acv)}",
                0.0,
            )
        for sig in sigs:
            cand.add(sig.evidence.summary, signal_weight(sig), sig.contact_id)
        out.append(cand)

    # Cross-sell: missing products a signal or the peers point at.
    pointing = signals_pointing_at(expansion, set(missing), ctx) if expansion else {}
    for pid, cell in missing.items():
        if cell.priority not in ("HIGH", "MED"):
            continue
        cand = _Candidate(
            title=f"Cross-sell: {cell.product_name}",
            approach="cross-sell",
            product_ids=(pid,),
            value=float(cell.estimated_acv or 0.0),
            angle=(
                f"Start from what they already told or showed us, then show how "
                f"{cell.product_name} solves it, with what comparable customers pay."
            ),
        )
        for label, sig in pointing.get(pid, []):
            cand.add(f"{label}: {sig.evidence.summary}", signal_weight(sig), sig.contact_id)
        if cell.priority == "MED":
            share = _share(cell.priority_reason)
            cand.add(f"Peers: {cell.priority_reason}", 0.5 * share)
        cand.add(f"Estimate {money(cell.estimated_acv)}: {cell.estimate_method}", 0.0)
        out.append(cand)

    # Land & expand: a new department reached by a product the account already has.
    if largest is not None:
        by_dept: dict[str, list[ExpansionSignal]] = {}
        for sig in expansion:
            if (
                sig.type == "new_department"
                and sig.department
                and not any(sig is s for pairs in pointing.values() for _, s in pairs)
            ):
                by_dept.setdefault(sig.department, []).append(sig)
        departments = max(1, len(snapshot.contracted_departments))
        for dept, sigs in sorted(by_dept.items()):
            cand = _Candidate(
                title=f"Land & expand: {largest.product_name} for {dept}",
                approach="land & expand",
                product_ids=(largest.product_id,),
                value=float(round((largest.current_acv or 0.0) / departments)),
                angle=(
                    f"Ask the champion to introduce {dept}; bring the results the contracted "
                    f"team already gets from {largest.product_name}."
                ),
            )
            for sig in sigs:
                cand.add(sig.evidence.summary, signal_weight(sig), sig.contact_id)
            cand.add(
                f"Value: {largest.product_name} ACV {money(largest.current_acv)} over "
                f"{departments} contracted department(s)",
                0.0,
            )
            out.append(cand)

    # Platform: two or more missing products a signal points at, on top of what is owned.
    crosses = [
        c for c in out
        if c.approach == "cross-sell" and missing[c.product_ids[0]].priority == "HIGH"
    ]
    if len(crosses) > 1:
        crosses = sorted(crosses, key=lambda c: (-c.value, c.title))[:3]
    if len(crosses) >= 2 and len(owned) + len(crosses) >= 3:
        names = [c.title.removeprefix("Cross-sell: ") for c in crosses]
        bundle = _Candidate(
            title=f"Platform: {len(owned) + len(crosses)}-product bundle adding "
            + " + ".join(names),
            approach="platform",
            product_ids=tuple(p for c in crosses for p in c.product_ids),
            value=float(sum(c.value for c in crosses)),
            angle="Propose one platform with a bundle discount instead of separate purchases.",
            discount=PLATFORM_DISCOUNT,
            parts=list(crosses),
        )
        for c in crosses:
            for line, weight in zip(c.evidence, c.weights, strict=True):
                bundle.add(line, weight)
            bundle.contacts += [x for x in c.contacts if x not in bundle.contacts]
        out.append(bundle)

    # Account-level signals back every hypothesis a little.
    general = [s for s in expansion if s.type in _ACCOUNT_SIGNALS and s.product_id is None]
    if general:
        for cand in out:
            for sig in general:
                cand.add(
                    sig.evidence.summary, 0.5 if sig.type == "direct_request" else 0.2,
                    sig.contact_id,
                )
    return out


def _combine(weights: list[float]) -> float:
    """1 - product(1 - w): independent pieces of evidence reinforce each other."""
    miss = 1.0
    for w in weights:
        miss *= 1.0 - min(w, 1.0)
    return 1.0 - miss


def _share(reason: str) -> float:
    """The co-ownership share at the start of a MED reason ("64% of ...").

    The map writes that reason itself (whitespace.build_white_space_map), so the share is
    read back from it rather than carried in a field the contract does not have.
    """
    head = reason.split("%", 1)[0]
    try:
        return float(head) / 100.0
    except ValueError:
        return 0.5


def rank_hypotheses(
    snapshot: AccountSnapshot,
    findings_partial: Mapping[str, Any],
    ctx: OrgContext,
    now: datetime,
    *,
    top: int = 3,
) -> tuple[Hypothesis, ...]:
    """The account's best expansion hypotheses, ranked by evidence x revenue x timing.

    Args:
        snapshot: the account.
        findings_partial: ``signals``, ``health``, ``stakeholders``, ``white_space`` and
            ``routing`` as detection found them.
        ctx: the org.
        now: scan time (unused today; kept so timing rules can depend on it).
        top: how many to return.

    Returns:
        Up to ``top`` hypotheses, each with evidence; none for accounts routed to renewal
        rescue (no upsell to unhappy customers) or without a white-space map.
    """
    del now
    ws: WhiteSpaceMap | None = findings_partial.get("white_space")
    routing = findings_partial.get("routing")
    if ws is None or (routing is not None and routing.play == "renewal_rescue"):
        return ()
    signals = tuple(findings_partial.get("signals") or ())
    candidates = [c for c in _candidates(snapshot, ctx, signals, ws) if c.evidence]
    if not candidates:
        return ()  # the timing, flags and leaders below only dress up candidates
    health = findings_partial.get("health")
    stakeholders = findings_partial.get("stakeholders")
    timing, _ = timing_breakdown(signals, health, stakeholders)
    flags = red_flags(snapshot, signals, health, stakeholders)
    leaders = _leaders(stakeholders)
    ref = max(0.5 * ws.current_acv, 1000.0)
    scored = []
    for cand in candidates:
        if cand.parts:
            raw = min(_combine(part.weights) for part in cand.parts)
        else:
            raw = _combine(cand.weights)
        evidence = round(raw * cand.discount, 4)
        revenue = round(cand.value / (cand.value + ref), 4) if cand.value > 0 else 0.0
        score = round(evidence * revenue * timing, 4)
        scored.append((score, cand.value, cand.title, cand, evidence, revenue))
    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    out = []
    for rank, (score, _, _, cand, evidence, revenue) in enumerate(scored[:top], start=1):
        contacts = tuple(dict.fromkeys(cand.contacts + leaders))[:4]
        out.append(
            Hypothesis(
                rank=rank,
                title=cand.title,
                approach=cand.approach,  # type: ignore[arg-type]
                product_ids=cand.product_ids,
                estimated_value=cand.value,
                evidence_score=evidence,
                revenue_score=revenue,
                timing_score=timing,
                score=score,
                outreach_angle=cand.angle,
                contacts=contacts,
                red_flags=flags,
                evidence=tuple(cand.evidence),
            )
        )
    return tuple(out)


def explain_score(h: Hypothesis) -> str:
    """ "evidence 0.72 x revenue 0.55 x timing 0.80 = 0.317" for one hypothesis."""
    return (
        f"evidence {h.evidence_score:.2f} x revenue {h.revenue_score:.2f} x "
        f"timing {h.timing_score:.2f} = {h.score:.3f}"
    )
