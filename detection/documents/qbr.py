"""QBR preparation of seed 000: the value story (step 3) and the QBR agenda (step 4).

Drafts for the AE (T1 is human-led): every line comes from the findings, and what only
the customer can say (their own KPIs, outcomes) is left as a marked placeholder instead of
being invented.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from detection.documents.common import bullet, heading, iso, join_lines, money, pct, wrap
from detection.documents.outcomes import measured_outcomes
from detection.findings import AccountFindings, PortfolioBenchmark, WhiteSpaceCell
from detection.hypotheses import explain_score
from detection.ownership import industry_key, latest_complete_month, month_usage
from detection.snapshot import AccountSnapshot, Contact

AE_TODO = "[AE: "
LOW_UTILISATION = 0.60


def _owned(findings: AccountFindings) -> list[WhiteSpaceCell]:
    ws = findings.white_space
    return [c for c in ws.cells if c.status == "Active"] if ws else []


def peer_benchmark_lines(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    benchmark: PortfolioBenchmark,
    *,
    min_peers: int = 3,
) -> list[str]:
    """ "Same-industry T1 peers average X% utilisation of Product; this account Y%." lines.

    The account's own month is taken out of the average, so peers are other accounts
    only; products with fewer than ``min_peers`` peers get no line.
    """
    industry = industry_key(snapshot.industry)
    tier = snapshot.tier or "no tier"
    lines: list[str] = []
    for cell in _owned(findings):
        if cell.utilisation is None:
            continue
        mean, n = benchmark.utilisation.get((industry, tier, cell.product_id), (0.0, 0))
        if n - 1 < min_peers:
            continue
        peers = (mean * n - cell.utilisation) / (n - 1)
        gap = cell.utilisation - peers
        lines.append(
            f"Same-industry {tier} peers ({industry}, {n - 1} accounts) average {pct(peers)} "
            f"utilisation of {cell.product_name}; this account {pct(cell.utilisation)} "
            f"({'+' if gap >= 0 else '-'}{abs(gap) * 100:.0f} "
            f"{'point' if round(abs(gap) * 100) == 1 else 'points'})."
        )
    ws = findings.white_space
    for cell in ws.cells if ws else ():
        if cell.status == "None" and cell.priority == "MED":
            lines.append(f"{cell.product_name}: {cell.priority_reason}.")
    return lines


def _people(snapshot: AccountSnapshot, findings: AccountFindings) -> list[str]:
    by_id: dict[str, Contact] = {c.id: c for c in snapshot.contacts}
    out = []
    for role in findings.stakeholders.roles:
        if role.active and role.role in ("Champion", "Economic Buyer", "Decision Maker"):
            c = by_id.get(role.contact_id)
            title = f", {c.title}" if c is not None and c.title else ""
            out.append(f"{role.name}{title} ({role.role})")
    return out


def _usage_growth(snapshot: AccountSnapshot, cell: WhiteSpaceCell, today: date) -> str | None:
    latest = latest_complete_month(today)
    back = date(latest.year - (1 if latest.month <= 6 else 0), (latest.month - 7) % 12 + 1, 1)
    now_use = month_usage(snapshot, latest).get(cell.product_id)
    then_use = month_usage(snapshot, back).get(cell.product_id)
    if now_use is None or then_use is None or then_use.usage <= 0:
        return None
    change = now_use.usage / then_use.usage - 1
    return (
        f"{cell.product_name} usage {now_use.usage:,.0f} units in {latest:%Y-%m}, "
        f"{'up' if change >= 0 else 'down'} {abs(change) * 100:.0f}% from {back:%Y-%m}"
    )


def value_story(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    benchmark: PortfolioBenchmark,
    now: datetime,
) -> str:
    """Seed 000 step 3: results, unused value, expansion value, peer benchmark."""
    today = now.date()
    lines = heading(f"Value story: {snapshot.name} (draft for the AE, {iso(today)})")
    lines += ["", "1. Results since adoption"]
    outcomes = measured_outcomes(snapshot, findings, today)
    for outcome in outcomes:
        lines += bullet(outcome.text, "   ", "-")
    if not outcomes:
        lines += bullet(
            f'{AE_TODO}add a customer-confirmed result; the CRM holds no measured one yet]',
            "   ",
            "-",
        )
    lines += ["", "2. Value not used yet"]
    unused = [
        c for c in _owned(findings) if c.utilisation is not None and c.utilisation < LOW_UTILISATION
    ]
    for cell in unused:
        lines += bullet(
            f"{cell.product_name}: {cell.upgrade_room}; already paid for, "
            "show the features that would lift adoption",
            "   ",
            "-",
        )
    if not unused:
        lines += bullet("Every measured product is used at 60% or more of its licence", "   ", "-")
    lines += ["", "3. Expansion value proposition"]
    for h in findings.hypotheses[:2]:
        lines += bullet(
            f"{h.title} (est. {money(h.estimated_value)}/yr): {h.outreach_angle}", "   ", "-"
        )
        lines += wrap(f"Evidence: {h.evidence[0]}", "     ")
    if not findings.hypotheses:
        lines += bullet("No evidence-backed expansion hypothesis yet", "   ", "-")
    lines += ["", "4. Peer benchmark"]
    peers = peer_benchmark_lines(snapshot, findings, benchmark)
    for line in peers or ["Too few comparable peers for a benchmark line"]:
        lines += bullet(line, "   ", "-")
    return join_lines(lines)


def qbr_agenda(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    benchmark: PortfolioBenchmark,
    now: datetime,
    *,
    qbr_date: date | None = None,
) -> str:
    """Seed 000 step 4: the five-part QBR agenda (50 minutes), filled from the findings."""
    today = now.date()
    when = qbr_date or snapshot.next_qbr_date
    lines = heading(f"QBR agenda: {snapshot.name} (draft for the AE)")
    if when is not None:
        lines.append(
            f"QBR: {iso(when)} | preparation from D-30 {iso(when - timedelta(days=30))}"
            f" | materials due D-7 {iso(when - timedelta(days=7))}"
        )
    else:
        lines.append("QBR: not scheduled yet | materials due 7 days before it")
    people = _people(snapshot, findings)
    lines += wrap(f"Customer attendees: {'; '.join(people) if people else AE_TODO + 'invite]'}")
    health = findings.health
    kpi = f"Health {health.score:.0f} ({health.band})" if health.score is not None else "Health n/a"
    if snapshot.nps_score is not None:
        kpi += f", NPS {snapshot.nps_score:.0f} ({iso(snapshot.nps_date)})"
    lines += ["", "1. [10 min] Partnership results review"]
    lines += bullet(f"Agreed KPIs: {kpi}; {AE_TODO}add the customer's KPIs]", "   ", "-")
    lines += bullet(
        f"Key successes & learnings: {AE_TODO}add 1-2 outcomes in their words]", "   ", "-"
    )
    lines += ["", "2. [10 min] Utilisation analysis & recommendations"]
    for cell in _owned(findings):
        lines += bullet(f"{cell.product_name}: {cell.upgrade_room}", "   ", "-")
    unused = [
        c.product_name
        for c in _owned(findings)
        if c.utilisation is not None and c.utilisation < LOW_UTILISATION
    ]
    if unused:
        lines += bullet(f"Activate unused capability: {', '.join(unused)}", "   ", "-")
    lines += bullet("Utilisation roadmap: targets for next quarter per product", "   ", "-")
    lines += ["", "3. [15 min] Strategic growth opportunities"]
    for h in findings.hypotheses[:2]:
        lines += bullet(
            f"{h.title}: est. {money(h.estimated_value)}/yr ({explain_score(h)})", "   ", "-"
        )
    if not findings.hypotheses:
        lines += bullet("No white-space proposal with evidence yet", "   ", "-")
    for line in peer_benchmark_lines(snapshot, findings, benchmark):
        lines += bullet(f"Peer benchmark: {line}", "   ", "-")
    ws = findings.white_space
    if ws is not None and findings.hypotheses:
        gain = sum(h.estimated_value for h in findings.hypotheses[:2])
        share = gain / ws.current_acv if ws.current_acv else None
        lines += bullet(
            f"ROI simulation: {money(gain)}/yr on top of ACV {money(ws.current_acv)}"
            f" ({pct(share)}); {AE_TODO}add the customer-side return]",
            "   ",
            "-",
        )
    lines += ["", "4. [10 min] Next quarter plan"]
    lines += bullet("Mutually agreed goals for the quarter", "   ", "-")
    lines += bullet("Action items & owners", "   ", "-")
    next_meeting = (when or today) + timedelta(days=91)
    lines += bullet(f"Next meeting: week of {iso(next_meeting)}", "   ", "-")
    lines += ["", "5. [5 min] Executive alignment"]
    lines += bullet("Link to company-wide priorities", "   ", "-")
    eb = [p for p in people if "(Economic Buyer)" in p]
    lines += bullet(
        f"Executive sponsor feedback: {eb[0] if eb else AE_TODO + 'identify the sponsor]'}",
        "   ",
        "-",
    )
    flags = findings.hypotheses[0].red_flags if findings.hypotheses else ()
    if flags:
        lines += ["", "Before the meeting (red flags):"]
        for flag in flags:
            lines += bullet(flag, "   ", "-")
    return join_lines(lines)
