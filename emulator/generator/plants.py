"""Planting signals on a quiet baseline, each clearly inside its rule (boundary cases live in
boundaries.py). Every planter records what it did in ``d.notes["plants"]``."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from emulator.generator import catalog
from emulator.generator.context import M, fmt_date
from emulator.generator.draft import Draft, Record, Series
from emulator.generator.truth import CS_RECORDED, EXPANSION_SIGNALS


def note(d: Draft, signal: str, **details: object) -> None:
    """Remember what was planted (goes to the truth line's "planted" notes)."""
    d.notes.setdefault("plants", []).append({"signal": signal, **details})


def _metered_series(d: Draft) -> list[Series]:
    return [s for (key, feature), s in sorted(d.series.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
            if feature is None and s.licensed and key not in d.touched]


def _pick_series(d: Draft) -> Series | None:
    candidates = _metered_series(d)
    if not candidates and d.plan.potential == "typical":
        spare = [p.key for p in catalog.ACTIVE_PRODUCTS if p.metered and p.key not in d.owned]
        if spare:
            d.own(d.rng.choice(spare))
            candidates = _metered_series(d)
    if not candidates:
        return None
    series = d.rng.choice(candidates)
    d.touched.add(series.product.key)
    return series


def plant_usage_spike(d: Draft) -> None:
    series = _pick_series(d)
    if series is None:
        return note(d, "usage_spike", skipped="no free metered product")
    rng = d.rng
    ratio = rng.uniform(1.35, 1.45) if rng.random() < 0.5 else rng.uniform(1.6, 2.0)
    previous = series.usage[M - 1] or 1.0
    # lift tiny series a little (the base scales with the licensed units, signal-rules.md);
    # a small foothold stays small, so its white-space margin holds
    scale = max(previous, rng.uniform(15, 40)) / previous
    series.usage[: M + 1] = [round(v * scale) for v in series.usage[: M + 1]]  # type: ignore[operator]
    series.usage[M] = round(series.usage[M - 1] * ratio)  # type: ignore[operator]
    series.licensed = max(series.licensed or 0, math.ceil(series.usage[M] / 0.65))  # type: ignore[operator]
    note(d, "usage_spike", product=series.product.id, ratio=round(series.usage[M] / series.usage[M - 1], 3))  # type: ignore[operator]


def plant_capacity_limit(d: Draft) -> None:
    series = _pick_series(d)
    if series is None:
        return note(d, "capacity_limit", skipped="no free metered product")
    rng = d.rng
    target = rng.uniform(0.82, 0.87) if rng.random() < 0.5 else rng.uniform(0.92, 0.98)
    licensed = int(series.licensed or 100)
    series.usage[M] = min(licensed, math.ceil(licensed * target))
    series.usage[M - 1] = round(series.usage[M] / rng.uniform(1.02, 1.12))
    series.usage[M - 2] = round(series.usage[M - 1] / rng.uniform(1.0, 1.1))
    note(d, "capacity_limit", product=series.product.id, utilisation=round(series.usage[M] / licensed, 3))


def plant_new_use_case(d: Draft) -> None:
    keys = [k for k in d.owned if k in catalog.NEW_FEATURES and (k, catalog.NEW_FEATURES[k]) not in d.series]
    if not keys:
        return note(d, "new_use_case", skipped="no owned product with a new feature")
    rng = d.rng
    key = rng.choice(keys)
    first = rng.randint(20, 90)
    if rng.random() < 0.5:  # starts in M-1 and is sustained in M (clear pattern)
        tail = [None, None, None, None, first, round(first * rng.uniform(0.95, 1.2))]
    else:  # starts in M
        tail = [None, None, None, None, None, first]
    d.set_series(key, catalog.NEW_FEATURES[key], tail)
    note(d, "new_use_case", product=catalog.PRODUCT_BY_KEY[key].id, feature=catalog.NEW_FEATURES[key],
         starts="M" if tail[-2] is None else "M-1")


def plant_nps_promoter(d: Draft) -> None:
    rng = d.rng
    score = 8 if d.plan.tier == "T1" and rng.random() < 0.4 else rng.randint(9, 10)
    d.account.update({"NPS_Score__c": score, "NPS_Comment__c": rng.choice(catalog.NPS_COMMENTS_HIGH),
                      "NPS_Date__c": fmt_date(d.ctx.day(rng.randint(3, 80)))})
    note(d, "nps_promoter", score=score)


def plant_new_department(d: Draft) -> None:
    rng = d.rng
    dept = rng.choice([x for x in catalog.DEPARTMENTS if x not in d.contracted])
    plain = [c for c in d.records["Contact"][2:] if c["MEDDICC_Role__c"] is None and not c["Left_Company__c"]]
    if rng.random() < 0.7 or not plain:
        for first, last in [(rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES))
                            for _ in range(rng.randint(1, 2))]:
            contact = d.contact(first, last, rng.choice(catalog.STAFF_TITLES[dept]), dept, rng.randint(2, 25))
            if rng.random() < 0.5:
                d.protected.add(d.task(rng.randint(1, 20), "Intro call", contact["Id"])["Id"])
        return note(d, "new_department", department=dept, via="new contact")
    contact = rng.choice(plain)
    contact["Department"] = dept
    d.protected.add(d.task(rng.randint(2, 25), "Intro call", contact["Id"])["Id"])
    note(d, "new_department", department=dept, via="activity", contact=contact["Id"])


def plant_org_growth(d: Draft) -> None:
    rng = d.rng
    employees = d.plan.employees
    old = round(employees / rng.uniform(1.25, 1.6))
    d.history("AccountHistory", d.account_id, "NumberOfEmployees", old, employees, rng.randint(40, 300))
    note(d, "org_growth", old=old, new=employees)


def plant_leadership_change(d: Draft) -> None:
    rng = d.rng
    dept = rng.choice(d.contracted)
    title = rng.choice(catalog.SENIOR_TITLES[dept])
    contact = d.contact(rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES), title, dept,
                        rng.randint(5, 80))
    note(d, "leadership_change", contact=contact["Id"], title=title)


def plant_support_request(d: Draft) -> None:
    rng = d.rng
    missing = [p for p in catalog.ACTIVE_PRODUCTS if p.key not in d.owned]
    if not missing:
        return note(d, "support_request_unpurchased", skipped="owns every product")
    product = rng.choice(missing)
    if rng.random() < 0.5:
        case = d.case(rng.randint(3, 50), f"Question about {product.name}",
                      "Customer asks whether it would fit their team.", product.id)
    else:
        keyword = rng.choice([k.strip() for k in product.keywords.replace(";", ",").split(",")])
        case = d.case(rng.randint(3, 50), f"Do you support {keyword}?", "Asking on behalf of the team.", None)
    note(d, "support_request_unpurchased", case=case["Id"], product=product.id)


def plant_cs_signal(signal: str) -> Callable[[Draft], None]:
    def planter(d: Draft) -> None:
        task = d.task(d.rng.randint(1, 25), catalog.CS_SIGNAL_SUBJECTS[signal], None, kind="Other",
                      signal_type=signal, description="Recorded by the CSM.")
        note(d, signal, task=task["Id"])
    return planter


def plant_champion_promoted(d: Draft) -> None:
    champion = d.champion
    if champion is None or champion["Left_Company__c"] or champion["EmailBouncedDate"]:
        return note(d, "champion_promoted", skipped="no active champion")
    dept = champion["Department"]
    old, new = (f"{dept} Manager", f"Director of {dept}") if d.rng.random() < 0.5 else \
        (f"Director of {dept}", f"VP of {dept}")
    champion["Title"] = new
    d.history("ContactHistory", champion["Id"], "Title", old, new, d.rng.randint(5, 80))
    note(d, "champion_promoted", contact=champion["Id"], old=old, new=new)


def plant_qbr_upcoming(d: Draft) -> None:
    d.account["Next_QBR_Date__c"] = fmt_date(d.ctx.day(-d.rng.randint(1, 28)))
    note(d, "qbr_upcoming", date=d.account["Next_QBR_Date__c"])


def plant_health_decline(d: Draft) -> None:
    health = d.plan.health
    drop = d.rng.randint(12, max(12, min(25, 100 - health)))
    d.history("AccountHistory", d.account_id, "Health_Score__c", health + drop, health, d.rng.randint(2, 28))
    note(d, "health_decline", old=health + drop, new=health)


def plant_competitive_threat(d: Draft) -> None:
    rng = d.rng
    name = rng.choice(catalog.COMPETITORS)
    variant = rng.choice(("case", "task", "opportunity"))
    if variant == "case":
        d.case(rng.randint(5, 80), "Renewal concerns", f"Customer says they are evaluating {name} as an alternative.",
               None)
    elif variant == "task":
        d.task(rng.randint(5, 80), "Call notes", None, description=f"{name} pitched their platform to the team.")
    else:
        opp = d.opportunity(f"{d.plan.name} - Expansion", "Needs Analysis", d.ctx.day(-rng.randint(20, 90)),
                            rng.randint(10, 200), "Existing Customer - Upgrade", amount=50000.0)
        d.new("OpportunityCompetitor", opp["CreatedDate"], {"OpportunityId": opp["Id"], "CompetitorName": name})
    note(d, "competitive_threat", competitor=name, via=variant)


def plant_prior_signal(d: Draft) -> None:
    for signal in d.rng.sample(EXPANSION_SIGNALS, d.rng.randint(1, 2)):
        days = d.rng.randint(1, 30)
        add_prior(d, signal, days)
        note(d, "prior_signal", type=signal, days_ago=days)


def add_prior(d: Draft, signal: str, days_ago: int) -> Record:
    """An earlier signal_log Task of the service (no WhoId, observed ``days_ago``)."""
    day = fmt_date(d.ctx.day(days_ago))
    task = d.task(days_ago, f"Signal: {signal}", None, kind="Other", radar_action="signal_log",
                  signal_type=signal, description="Logged by Expansion Radar.", owner=d.plan.csm.id)
    task.update({"Signal_Strength__c": "Weak", "Expansion_Key__c": f"{d.account_id}:{signal}:{day}"})
    return task


def plant_thin_threading(d: Draft) -> None:
    """Leave at most two active contacts: older activity for everyone else."""
    today = d.ctx.today
    keep = {a["WhoId"] for obj in ("Task", "Event") for a in d.records[obj] if a["Id"] in d.protected}
    if len(keep) > 2:
        return note(d, "thin_threading", skipped="planted activities keep 3+ contacts active")
    people = [c["Id"] for c in d.records["Contact"] if not (c["Left_Company__c"] or c["EmailBouncedDate"])]
    extra = [c for c in people if c not in keep]
    keep |= set(extra[: d.rng.randint(0, 2 - len(keep))])
    for obj in ("Task", "Event"):
        for activity in d.records[obj]:
            who, day = activity["WhoId"], activity["ActivityDate"]
            if not who or who in keep or activity["Radar_Action__c"]:
                continue
            if day and date.fromisoformat(day) > today:
                activity["WhoId"] = None  # a future task with a contact: keep it out of the count
            elif day and (today - date.fromisoformat(day)).days <= 90:
                move_activity(d, activity, d.rng.randint(120, 300))
    note(d, "thin_threading", active=len(keep))


def move_activity(d: Draft, activity: Record, days_ago: int) -> None:
    """Re-date a Task/Event (and its timestamps) to ``days_ago``."""
    activity["ActivityDate"] = fmt_date(d.ctx.day(days_ago))
    activity["CreatedDate"] = activity["LastModifiedDate"] = activity["SystemModstamp"] = d.stamp(days_ago)
    if "StartDateTime" in activity and activity.get("StartDateTime"):
        start = d.ctx.stamp(days_ago, 15 * 3600)
        activity.update({"ActivityDateTime": start, "StartDateTime": start,
                         "EndDateTime": start[:11] + "15:45:00.000+0000"})


def _noted(signal: str) -> Callable[[Draft], None]:
    # planted while building the baseline (contract dates, the champion's identity)
    return lambda d: note(d, signal)


PLANTERS: dict[str, Callable[[Draft], None]] = {
    "usage_spike": plant_usage_spike, "capacity_limit": plant_capacity_limit,
    "new_use_case": plant_new_use_case, "nps_promoter": plant_nps_promoter,
    "new_department": plant_new_department, "org_growth": plant_org_growth,
    "leadership_change": plant_leadership_change,
    "support_request_unpurchased": plant_support_request,
    **{signal: plant_cs_signal(signal) for signal in CS_RECORDED},
    "champion_promoted": plant_champion_promoted, "renewal_window": _noted("renewal_window"),
    "qbr_upcoming": plant_qbr_upcoming, "health_decline": plant_health_decline,
    "champion_departed": _noted("champion_departed"), "competitive_threat": plant_competitive_threat,
    "prior_signal": plant_prior_signal,
    "thin_threading": plant_thin_threading,  # last: it looks at every other planted activity
}
