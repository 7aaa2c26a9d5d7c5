"""A small, fixed org for the white-space, hypothesis and document tests.

Built by hand (no generator, no other detection module) so golden files change only when
these modules do. ``focus_*`` is a T1 software account with capacity pressure on one
product, a support case about a product it does not own and a new Marketing contact.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from detection.findings import (
    AccountFindings,
    Evidence,
    ExpansionSignal,
    HealthAssessment,
    Routing,
    StakeholderMap,
    StakeholderRole,
    category_of,
)
from detection.snapshot import (
    AccountSnapshot,
    Case,
    Contact,
    LineItem,
    Opportunity,
    OrgContext,
    Product,
    UsageRow,
)

NOW = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)

PRODUCTS = (
    Product(
        "01tA", "Analytics Cloud", family="Analytics", keywords=("dashboards",), list_price=600
    ),
    Product(
        "01tW", "Workflow Automation", family="Operations", keywords=("workflow",), list_price=400
    ),
    Product("01tM", "Marketing Hub", family="Marketing", keywords=("campaigns",), list_price=500),
    Product("01tD", "Data Connector", family="Data", keywords=("etl", "warehouse"), list_price=900),
    Product("01tS", "Premium Support", family="Services", keywords=("sla",), list_price=200),
    Product(
        "01tG",
        "Enterprise Governance, Risk and Compliance Suite for Regulated Industries",
        family="Compliance",
        list_price=None,
    ),
    Product("01tL", "Legacy Reports", family="Analytics", is_active=False, list_price=100),
)
CTX = OrgContext(org_id="00DTEST", products=PRODUCTS, competitors=("Gainsight",))
_UNIT = {p.id: p.list_price or 0 for p in PRODUCTS}


def _won(opp_id: str, items: list[tuple[str, float, float]], closed: date) -> Opportunity:
    return Opportunity(
        id=opp_id,
        name=f"Deal {opp_id}",
        stage="Closed Won",
        is_closed=True,
        is_won=True,
        amount=sum(q * p for _, q, p in items),
        close_date=closed,
        created_date=None,
        line_items=tuple(
            LineItem(f"{opp_id}-{i}", pid, q, p, q * p) for i, (pid, q, p) in enumerate(items)
        ),
    )


def _usage(prefix: str, pid: str, months: list[tuple[date, float, float]]) -> list[UsageRow]:
    return [
        UsageRow(f"{prefix}-{pid}-{d:%Y%m}", pid, d, used, licensed, used)
        for d, used, licensed in months
    ]


def peer_snapshots(count: int = 48, seed: int = 7) -> list[AccountSnapshot]:
    """A deterministic portfolio of peers with varied ownership and utilisation."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        industry = "Software" if i % 3 else "Healthcare"
        employees = rng.choice([120, 450, 650, 800, 2400])
        owned = ["01tA"] + [p for p in ("01tW", "01tM", "01tS") if rng.random() < 0.6]
        if i % 4 == 0:
            owned.append("01tD")
        items = [(pid, float(rng.choice([10, 20, 40])), float(_UNIT[pid])) for pid in owned]
        seats = items[0][1]
        usage = _usage(
            f"u{i}", "01tA", [(date(2026, 10, 1), round(seats * rng.uniform(0.4, 0.9)), seats)]
        )
        out.append(
            AccountSnapshot(
                id=f"001P{i:03d}",
                name=f"Peer {i}",
                industry=industry,
                employees=employees,
                tier="T1" if i % 2 else "T2",
                opportunities=(_won(f"006P{i:03d}", items, date(2026, 3, 1)),),
                usage=tuple(usage),
            )
        )
    return out


def focus_snapshot() -> AccountSnapshot:
    contacts = (
        Contact(
            "003C",
            "Dana",
            "Kim",
            "VP Operations",
            "Operations",
            "dana@acme.test",
            None,
            date(2026, 10, 28),
            meddicc_role="Champion",
        ),
        Contact(
            "003E",
            "Lee",
            "Park",
            "CFO",
            "Finance",
            "lee@acme.test",
            None,
            date(2026, 9, 15),
            meddicc_role="Economic Buyer",
        ),
        Contact(
            "003U",
            "Sam",
            "Ortiz",
            "Analyst",
            "Operations",
            "sam@acme.test",
            None,
            date(2026, 10, 30),
        ),
        Contact(
            "003M",
            "Robin",
            "Hale",
            "Marketing Director",
            "Marketing",
            "robin@acme.test",
            datetime(2026, 10, 20, tzinfo=UTC),
            date(2026, 10, 21),
        ),
    )
    usage = _usage(
        "fa",
        "01tA",
        [
            (date(2026, 4, 1), 30, 50),
            (date(2026, 9, 1), 40, 50),
            (date(2026, 10, 1), 46, 50),
            (date(2026, 11, 1), 49, 50),  # the current, incomplete month: ignored
        ],
    ) + _usage("fw", "01tW", [(date(2026, 4, 1), 6, 20), (date(2026, 10, 1), 8, 20)])
    return AccountSnapshot(
        id="001FOCUS",
        name="Acme Robotics",
        industry="Software",
        employees=650,
        owner_id="005AE",
        csm_id="005CS",
        tier="T1",
        health_score=82,
        arr=38000,
        renewal_date=date(2027, 3, 1),
        nps_score=9,
        nps_comment="Dashboards save us hours every week",
        nps_date=date(2026, 10, 5),
        next_qbr_date=date(2026, 11, 24),
        contracted_departments=("Operations",),
        contacts=contacts,
        opportunities=(
            _won("006F1", [("01tA", 50, 600), ("01tW", 20, 400)], date(2026, 1, 15)),
            _won("006OLD", [("01tS", 10, 200)], date(2025, 6, 1)),  # out of term
        ),
        cases=(
            Case(
                "500D",
                "Need ETL into our warehouse",
                "Can we load data into Snowflake?",
                "Question",
                "New",
                "Medium",
                datetime(2026, 10, 12, tzinfo=UTC),
                contact_id="003U",
                product_id="01tD",
            ),
            Case(
                "500H",
                "Dashboard outage",
                None,
                "Problem",
                "Working",
                "High",
                datetime(2026, 10, 30, tzinfo=UTC),
            ),
        ),
        usage=tuple(usage),
    )


def _sig(
    kind: str, summary: str, observed: date, episode: str, clear: bool = False, **kw: object
) -> ExpansionSignal:
    return ExpansionSignal(
        type=kind,
        category=category_of(kind),
        clear_pattern=clear,
        evidence=Evidence(summary=summary, source_ids=(episode,)),
        observed_on=observed,
        episode=episode,
        **kw,  # type: ignore[arg-type]
    )


def focus_signals() -> tuple[ExpansionSignal, ...]:
    return (
        _sig(
            "capacity_limit",
            "Analytics Cloud units used 46/50 (92%) in 2026-10",
            date(2026, 11, 2),
            "01tA:2026-10",
            True,
            product_id="01tA",
        ),
        _sig(
            "support_request_unpurchased",
            "Case 500D 'Need ETL into our warehouse' asks about Data Connector",
            date(2026, 10, 12),
            "case:500D",
            True,
            product_id="01tD",
        ),
        _sig(
            "new_department",
            "Robin Hale (Marketing Director) joined on 2026-10-20",
            date(2026, 10, 20),
            "dept:marketing",
            False,
            contact_id="003M",
            department="Marketing",
        ),
        _sig(
            "nps_promoter",
            "NPS 9 on 2026-10-05: 'Dashboards save us hours every week'",
            date(2026, 10, 5),
            "nps:2026-10-05",
            True,
        ),
        _sig(
            "renewal_window",
            "Renewal on 2027-03-01 (119 days)",
            date(2026, 11, 2),
            "renewal:2027-03-01",
        ),
        _sig("qbr_upcoming", "QBR on 2026-11-24 (22 days)", date(2026, 11, 2), "qbr:2026-11-24"),
        _sig(
            "competitive_threat",
            "Gainsight named in case 500H on 2026-10-30",
            date(2026, 10, 30),
            "competitor:gainsight",
        ),
    )


def focus_stakeholders() -> StakeholderMap:
    def role(
        cid: str, name: str, title: str, r: str | None, rel: str, last: date
    ) -> StakeholderRole:
        return StakeholderRole(
            cid, name, title, r, "recorded" if r else "inferred", rel, last, True
        )  # type: ignore[arg-type]

    return StakeholderMap(
        roles=(
            role("003C", "Dana Kim", "VP Operations", "Champion", "Strong", date(2026, 10, 28)),
            role("003E", "Lee Park", "CFO", "Economic Buyer", "Medium", date(2026, 9, 15)),
            role("003U", "Sam Ortiz", "Analyst", "End User", "Strong", date(2026, 10, 30)),
            role(
                "003M", "Robin Hale", "Marketing Director", "Influencer", "Weak", date(2026, 10, 21)
            ),
        ),
        active_contacts=4,
        thin_threading=False,
        champions=("003C",),
    )


def focus_health() -> HealthAssessment:
    return HealthAssessment(score=82, band="Green", source="org", previous_score=84)


def focus_routing() -> Routing:
    return Routing(
        play="play04",
        reason="Green with 4 expansion signals",
        play02_eligible=True,
        play04_eligible=True,
        readiness="High",
    )


def focus_findings(ws, hypotheses=()) -> AccountFindings:  # noqa: ANN001 - test helper
    return AccountFindings(
        account_id="001FOCUS",
        scanned_at=NOW,
        health=focus_health(),
        signals=focus_signals(),
        strength="Strong",
        routing=focus_routing(),
        stakeholders=focus_stakeholders(),
        white_space=ws,
        hypotheses=tuple(hypotheses),
    )
