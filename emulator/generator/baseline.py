"""The quiet baseline of an account: realistic records that satisfy no rule of
docs/signal-rules.md, each with a margin.

Quiet means: usage flat or gently wavy (month over month and quarter over quarter well
under 1.30, every month >= 15 so no series ever "starts"), utilisation <= 0.7, NPS <= 7 or
older than 90 days, every contact in a contracted department and created > 120 days ago,
>= 4 active contacts, cases only about owned products with texts naming no other product,
keyword or competitor, renewal >= 190 days and QBR >= 40 days away, and history rows that
imply neither growth >= 20% nor a recent health drop.
"""

from __future__ import annotations

from datetime import date

from emulator.generator import catalog
from emulator.generator.context import fmt_date
from emulator.generator.draft import Draft, Record

OPEN_STAGES = ("Qualification", "S2 - Qualification", "Needs Analysis", "Proposal/Price Quote")


def build_baseline(d: Draft) -> None:
    """Add the quiet records of ``d.plan`` to ``d``."""
    plan, rng, ctx = d.plan, d.rng, d.ctx
    contracted = sorted(rng.sample(catalog.DEPARTMENTS, rng.randint(2, 5)), key=catalog.DEPARTMENTS.index)
    d.contracted = contracted
    revenue = round(plan.employees * rng.uniform(90_000, 260_000), -3)
    d.account = d.new("Account", d.stamp(rng.randint(700, 2200)), {
        "OwnerId": plan.ae.id, "Name": plan.name, "Type": "Customer - Direct",
        "Industry": plan.industry, "NumberOfEmployees": plan.employees, "AnnualRevenue": revenue,
        "Website": f"https://www.{plan.domain}", "CSM__c": plan.csm.id, "Tier__c": plan.tier,
        "Health_Score__c": plan.health, "Contracted_Departments__c": ";".join(contracted)})
    roll = rng.random()
    if roll < 0.6:
        d.account.update({"NPS_Score__c": rng.randint(0, 7), "NPS_Date__c": fmt_date(ctx.day(rng.randint(10, 300))),
                          "NPS_Comment__c": rng.choice((*catalog.NPS_COMMENTS_LOW, None))})
    elif roll < 0.85:
        d.account.update({"NPS_Score__c": rng.randint(8, 10), "NPS_Date__c": fmt_date(ctx.day(rng.randint(120, 400))),
                          "NPS_Comment__c": rng.choice(catalog.NPS_COMMENTS_HIGH)})
    if rng.random() < 0.7:
        d.account["Next_QBR_Date__c"] = fmt_date(ctx.day(-rng.randint(40, 120)))
    _contacts(d, contracted)
    _opportunities(d)
    _usage(d)
    _cases(d)
    _account_tasks(d)


def _people(d: Draft, count: int) -> list[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    while len(out) < count:
        person = (d.rng.choice(catalog.FIRST_NAMES), d.rng.choice(catalog.LAST_NAMES))
        if person not in seen:
            seen.add(person)
            out.append(person)
    return out


def _contacts(d: Draft, contracted: list[str]) -> None:
    plan, rng = d.plan, d.rng
    people = _people(d, plan.n_contacts)
    n_inactive = rng.randint(0, min(2, plan.n_contacts - 4)) if plan.n_contacts >= 4 else 0
    for k, (first, last) in enumerate(people):
        dept = contracted[0] if k == 0 else rng.choice(contracted)
        role = None
        email = linkedin = None
        if k == 0:
            title, role = rng.choice(catalog.SENIOR_TITLES[dept]), "Economic Buyer"
        elif k == 1 and plan.has_champion:
            title, role = f"Director of {dept}", "Champion"
            if plan.departed is not None:
                first, last = plan.departed.first, plan.departed.last
                email, linkedin = plan.departed.email, plan.departed.linkedin
        else:
            title = rng.choice(catalog.STAFF_TITLES[dept])
            role = rng.choice((None, None, None, "Influencer", "End User", "Coach", "Decision Maker"))
        contact = d.contact(first, last, title, dept, rng.randint(150, 1500), role, email, linkedin)
        if role == "Champion":
            d.champion = contact
            if plan.departed is not None and plan.departed.how == "left":
                contact["Left_Company__c"] = True
            elif plan.departed is not None:
                contact["EmailBouncedDate"] = d.stamp(rng.randint(5, 200))
        inactive = k >= plan.n_contacts - n_inactive and k >= 2
        days = rng.randint(120, 400) if inactive else rng.randint(2, 60)
        d.task(days, rng.choice(catalog.TASK_SUBJECTS), contact["Id"], kind=rng.choice(("Call", "Email")),
               description=f"Talked with {first} about adoption and next steps.")
    actives = [c for c in d.records["Contact"][: plan.n_contacts - n_inactive] if not c["Left_Company__c"]]
    for contact in rng.sample(actives, min(len(actives), rng.randint(1, 2))):
        d.event(rng.randint(5, 80), "Working session", contact["Id"], "Walked through open questions.")


def _opportunities(d: Draft) -> None:
    plan, rng, ctx = d.plan, d.rng, d.ctx
    close_days = rng.randint(190, 330) if "renewal_window" in plan.plants else rng.randint(30, 170)
    d.contract_close = ctx.day(close_days)
    year = d.contract_close.year
    d.contract = d.opportunity(f"{plan.name} - Subscription {year}", "Closed Won", d.contract_close,
                               close_days + rng.randint(30, 90), "Existing Customer - Replacement")
    d.original = d.opportunity(f"{plan.name} - New Business", "Closed Won", ctx.day(close_days + 365),
                               close_days + 365 + rng.randint(30, 120), "New Customer")
    if rng.random() < 0.3:
        stage = rng.choice(OPEN_STAGES)
        d.opportunity(f"{plan.name} - Expansion", stage, ctx.day(-rng.randint(20, 120)), rng.randint(10, 80),
                      "Existing Customer - Upgrade", amount=float(rng.randint(10, 200) * 1000))
    if rng.random() < 0.2:
        created = rng.randint(250, 600)
        d.opportunity(f"{plan.name} - Add-on", "Closed Lost", ctx.day(created - rng.randint(20, 60)), created,
                      "Existing Customer - Upgrade", amount=float(rng.randint(5, 80) * 1000))
    contacts = d.records["Contact"]
    d.new("OpportunityContactRole", d.contract["CreatedDate"], {
        "OpportunityId": d.contract["Id"], "ContactId": contacts[0]["Id"], "Role": "Economic Buyer",
        "IsPrimary": d.champion is None})
    if d.champion is not None:
        d.new("OpportunityContactRole", d.contract["CreatedDate"], {
            "OpportunityId": d.contract["Id"], "ContactId": d.champion["Id"], "Role": "Business User",
            "IsPrimary": True})


def _usage(d: Draft) -> None:
    rng = d.rng
    for key in d.owned:
        product = catalog.PRODUCT_BY_KEY[key]
        if not product.metered:
            continue
        licensed = max(product.min_units, round(product.typical_units(d.plan.employees) * rng.uniform(0.8, 1.2)))
        if d.plan.potential == "narrow":
            # a "narrow" T1 account is a small foothold (the minimum units of one or two
            # cheap products) in a large company: its untouched catalog is worth 20x+ its
            # ACV, so even at the LOW probability its weighted potential clears Play 02's
            # 50% (signal-rules.md's wide margin)
            licensed = product.min_units
        d.wavy_series(product, None, licensed)
        for feature in product.features:
            if rng.random() < 0.5:
                d.wavy_series(product, feature, None, base=rng.uniform(40, 400))


def _cases(d: Draft) -> None:
    rng = d.rng
    metered = [catalog.PRODUCT_BY_KEY[k] for k in d.owned if catalog.PRODUCT_BY_KEY[k].metered]
    contacts = d.records["Contact"]
    for _ in range(rng.randint(0, {"T1": 4, "T2": 3, "T3": 2}[d.plan.tier])):
        issue = rng.choice(catalog.CASE_ISSUES)
        product = rng.choice(metered) if metered and rng.random() < 0.7 else None
        contact = rng.choice(contacts)
        subject = f"{product.name}: {issue}" if product else issue
        d.case(rng.randint(5, 400), subject, f"{issue}. Reported by {contact['FirstName']}; steps attached.",
               product.id if product else None, contact["Id"])


def _account_tasks(d: Draft) -> None:
    rng = d.rng
    for _ in range(rng.randint(1, 3)):
        d.task(rng.randint(5, 200), "Success plan update", None, kind="Other",
               description="Reviewed goals and adoption milestones.")
    who = d.champion["Id"] if d.champion is not None and not _departed(d.champion) else None
    d.task(-rng.randint(3, 20), "Follow-up email", who, status="Not Started", kind="Email",
           created_days=rng.randint(1, 10))


def _departed(contact: Record) -> bool:
    return bool(contact["Left_Company__c"] or contact["EmailBouncedDate"])


def add_background_history(d: Draft) -> None:
    """Old field-history rows that change no rule's outcome, chained before any planted row
    (each row's NewValue is the next row's OldValue)."""
    rng, plan = d.rng, d.plan
    rows = d.records["AccountHistory"]
    for field_name, current, chance in (("Health_Score__c", plan.health, 0.3),
                                        ("NumberOfEmployees", plan.employees, 0.2)):
        if rng.random() >= chance:
            continue
        mine = [r for r in rows if r["Field"] == field_name]
        earliest = min(mine, key=lambda r: r["CreatedDate"], default=None)
        newest = int(earliest["OldValue"]) if earliest else current
        before = (d.ctx.today - _date(earliest["CreatedDate"])).days if earliest else 0
        days = before + rng.randint(45, 300)
        if field_name == "Health_Score__c":
            old = min(100, max(0, newest + rng.choice((-1, 1)) * rng.randint(1, 15)))
        else:
            old = round(newest / rng.uniform(1.0, 1.1))
        d.history("AccountHistory", d.account_id, field_name, old, newest, days)
    if rng.random() < 0.2:
        contact = rng.choice(d.records["Contact"])
        if not d.records["ContactHistory"] and contact["Department"] in catalog.STAFF_TITLES:
            old = rng.choice(catalog.STAFF_TITLES[contact["Department"]])
            d.history("ContactHistory", contact["Id"], "Title", old, contact["Title"], rng.randint(200, 800))


def _date(stamp: str) -> date:
    return date.fromisoformat(stamp[:10])
