"""The arithmetic of docs/signal-rules.md applied to one generated account's records, to write
the ground truth. Independent of detection/ on purpose: this is the generator's own reading of
the rules, computed over exactly the records it planted (in their storage encodings).

Only what the generator needs: no PriorScan (a generated org has never been scanned), the
org's Health_Score__c always set, Assets always agreeing with the contract.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from emulator.generator.catalog import COMPETITORS, ProductSpec
from emulator.generator.context import month_start

EXPANSION_SIGNALS = ("usage_spike", "capacity_limit", "new_use_case", "nps_promoter", "new_department",
                     "org_growth", "leadership_change", "support_request_unpurchased", "reference_offer",
                     "qbr_mention", "direct_request", "business_event", "champion_promoted")
CS_RECORDED = ("reference_offer", "qbr_mention", "direct_request", "business_event")
OTHER_SIGNALS = ("renewal_window", "qbr_upcoming", "health_decline", "champion_departed", "thin_threading",
                 "competitive_threat")
EPS = 1e-9  # ratio tolerance: value >= threshold - EPS
SPIKE, CLEAR_RATIO = 1.30, 1.5
# the minimum base scales with the customer: max(20% of the licensed units, 10 units) for the
# month before; max(20% of the earlier quarter's licensed units, 30) quarter over quarter
SPIKE_BASE_SHARE, SPIKE_BASE_FLOOR, QOQ_BASE_FLOOR = 0.20, 10, 30
CAPACITY, CAPACITY_CLEAR, REAL_USAGE, GROWTH = 0.80, 0.90, 10, 1.20
SENIOR = re.compile(r"\b(VP|SVP|EVP|Vice President|Chief|President|C[A-Z]{1,2}O)\b", re.IGNORECASE)
RANKS = ((7, r"Chief|President|C[A-Z]{1,2}O"), (6, r"SVP|EVP|Senior Vice President|Executive Vice President"),
         (5, r"VP|Vice President|Head"), (4, r"Senior Director|Sr\. Director"), (3, r"Director"),
         (2, r"Senior Manager|Sr\. Manager"), (1, r"Manager|Lead"))
_RANK_RES = tuple((rank, re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)) for rank, words in RANKS)
Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Finding:
    signal: str
    clear: bool
    episode: str


@dataclass(slots=True)
class Truth:
    """One account's expected findings."""

    signals: list[str]
    findings: list[Finding]
    strength: str
    band: str
    play: str
    play02_eligible: bool
    play04_eligible: bool
    readiness: str
    potential_ratio: float | None
    priors: list[str] = field(default_factory=list)


@lru_cache(maxsize=256)
def _word(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def mentions(text: str | None, term: str) -> bool:
    """``term`` appears in ``text`` as whole words, case-insensitively."""
    return bool(text) and bool(_word(term.strip()).search(text))  # type: ignore[arg-type]


def seniority(title: str | None) -> int:
    """Seniority rank of a title (7 = C-level .. 0), first match in the rules' order."""
    for rank, pattern in _RANK_RES:
        if title and pattern.search(title):
            return rank
    return 0


def keywords(product: ProductSpec) -> list[str]:
    """A product's keywords (Keywords__c is comma or semicolon separated)."""
    return [k.strip() for k in re.split(r"[,;]", product.keywords) if k.strip()]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


class _Account:
    """An account's records with the parsing the rules need."""

    def __init__(self, records: dict[str, list[Record]], today: date) -> None:
        self.today = today
        self.account = records["Account"][0]
        self.records = records
        self.activities = [a for obj in ("Task", "Event") for a in records[obj] if not a.get("Radar_Action__c")]
        self.months = [month_start(today, k + 1) for k in range(7)]  # M, M-1, ..., M-6

    def age(self, value: str | date | None) -> int | None:
        day = _day(value) if isinstance(value, str) else value
        return None if day is None else (self.today - day).days

    def within(self, value: str | date | None, days: int) -> bool:
        age = self.age(value)
        return age is not None and 0 <= age <= days

    def recent_whos(self, days: int) -> set[str]:
        return {a["WhoId"] for a in self.activities if a["WhoId"] and self.within(a["ActivityDate"], days)}

    def series(self) -> dict[tuple[str, str | None], dict[date, float]]:
        out: dict[tuple[str, str | None], dict[date, float]] = defaultdict(dict)
        for row in self.records["Product_Usage__c"]:
            if row["Usage_Units__c"] is not None:
                key = (row["Product__c"], (row["Feature__c"] or "").strip() or None)
                out[key][_day(row["Period_Start__c"])] = float(row["Usage_Units__c"])  # type: ignore[index]
        return out

    def licensed(self) -> dict[tuple[str, str | None], dict[date, float]]:
        """Licensed units per series and month (absent: none licensed)."""
        out: dict[tuple[str, str | None], dict[date, float]] = defaultdict(dict)
        for row in self.records["Product_Usage__c"]:
            if row["Licensed_Units__c"]:
                key = (row["Product__c"], (row["Feature__c"] or "").strip() or None)
                day = _day(row["Period_Start__c"])
                out[key][day] = out[key].get(day, 0.0) + float(row["Licensed_Units__c"])  # type: ignore[index]
        return out

    def owned(self) -> set[str]:
        won = {o["Id"] for o in self.records["Opportunity"] if o["IsWon"] and self.within(o["CloseDate"], 365)}
        owned = {li["Product2Id"] for li in self.records["OpportunityLineItem"] if li["OpportunityId"] in won}
        return owned | {a["Product2Id"] for a in self.records["Asset"] if a["Status"] != "Obsolete"}

    def acv(self) -> float:
        if self.account["ARR__c"] is not None:
            return float(self.account["ARR__c"])
        won = {o["Id"] for o in self.records["Opportunity"] if o["IsWon"] and self.within(o["CloseDate"], 365)}
        return sum(li["TotalPrice"] for li in self.records["OpportunityLineItem"] if li["OpportunityId"] in won)


def _usage(acct: _Account, tier: str | None) -> Iterable[Finding]:
    month = acct.months
    licensed = acct.licensed()
    for (product, feature), values in sorted(acct.series().items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        u = [values.get(m) for m in month]
        lic = [licensed.get((product, feature), {}).get(m, 0.0) for m in month]
        base = max(SPIKE_BASE_SHARE * lic[1], SPIKE_BASE_FLOOR)
        qoq_base = max(SPIKE_BASE_SHARE * sum(lic[3:6]), QOQ_BASE_FLOOR)
        tag = f"{product}:{feature or ''}"
        ratios = []
        if u[0] is not None and u[1] is not None and u[1] >= base and u[0] / u[1] >= SPIKE - EPS:
            ratios.append(u[0] / u[1])
        if tier == "T1":
            later, earlier = sum(v or 0 for v in u[0:3]), sum(v or 0 for v in u[3:6])
            if earlier >= qoq_base and earlier > 0 and later / earlier >= SPIKE - EPS:
                ratios.append(later / earlier)
        if ratios:
            rising = None not in u[0:3] and u[0] > u[1] > u[2]  # type: ignore[operator]
            yield Finding("usage_spike", max(ratios) >= CLEAR_RATIO - EPS or rising, f"{tag}:{month[0]:%Y-%m}")
        real = [v is not None and v >= REAL_USAGE for v in u]
        for start in (1, 0):  # S = M-1, then S = M
            if real[start] and not any(real[start + 1: start + 4]):
                yield Finding("new_use_case", start == 1 and real[0], f"{tag}:{month[start]:%Y-%m}")
                break
    for row in acct.records["Product_Usage__c"]:
        licensed, used = row["Licensed_Units__c"], row["Usage_Units__c"]
        if _day(row["Period_Start__c"]) == month[0] and licensed and licensed > 0 and used is not None:
            ratio = used / licensed
            if ratio >= CAPACITY - EPS:
                yield Finding("capacity_limit", ratio >= CAPACITY_CLEAR - EPS, f"{row['Product__c']}:{month[0]:%Y-%m}")


def _people(acct: _Account, tier: str | None) -> Iterable[Finding]:
    account = acct.account
    score, comment = account["NPS_Score__c"], (account["NPS_Comment__c"] or "").strip()
    if score is not None and acct.within(account["NPS_Date__c"], 90):
        if score >= 9 and comment:
            yield Finding("nps_promoter", True, f"nps:{account['NPS_Date__c']}")
        elif tier == "T1" and score >= 8:
            yield Finding("nps_promoter", False, f"nps:{account['NPS_Date__c']}")
    contracted = {v.strip().lower() for v in (account["Contracted_Departments__c"] or "").split(";") if v.strip()}
    recent = acct.recent_whos(30)
    by_dept: dict[str, int] = defaultdict(int)
    for contact in acct.records["Contact"]:
        dept = (contact["Department"] or "").strip().lower()
        if contracted and dept and dept not in contracted and (
                acct.within(contact["CreatedDate"], 30) or contact["Id"] in recent):
            by_dept[dept] += 1
        if acct.within(contact["CreatedDate"], 90) and contact["Title"] and SENIOR.search(contact["Title"]):
            yield Finding("leadership_change", False, f"leader:{contact['Id']}")
    for dept, count in sorted(by_dept.items()):
        yield Finding("new_department", count >= 2, f"dept:{dept}")
    champions = {c["Id"] for c in acct.records["Contact"] if c["MEDDICC_Role__c"] == "Champion"}
    for row in acct.records["ContactHistory"]:
        if (row["ContactId"] in champions and row["Field"] == "Title" and acct.within(row["CreatedDate"], 90)
                and seniority(row["NewValue"]) > seniority(row["OldValue"])):
            yield Finding("champion_promoted", False, f"promo:{row['ContactId']}:{row['NewValue']}")


def _growth(acct: _Account) -> Iterable[Finding]:
    rows = sorted((r for r in acct.records["AccountHistory"] if r["Field"] == "NumberOfEmployees"),
                  key=lambda r: r["CreatedDate"])
    pivot = acct.today - timedelta(days=365)
    before = [r for r in rows if _day(r["CreatedDate"]) <= pivot]  # type: ignore[operator]
    after = [r for r in rows if _day(r["CreatedDate"]) > pivot]  # type: ignore[operator]
    baseline = before[-1]["NewValue"] if before else after[0]["OldValue"] if after else None
    now = acct.account["NumberOfEmployees"]
    if baseline not in (None, "") and now is not None and float(baseline) > 0 \
            and now / float(baseline) >= GROWTH - EPS:
        yield Finding("org_growth", False, f"growth:{acct.months[0].year}")


def _cases_and_tasks(acct: _Account, products: Sequence[ProductSpec]) -> Iterable[Finding]:
    owned = acct.owned()
    catalog = [p for p in products if p.active]
    for case in acct.records["Case"]:
        if not acct.within(case["CreatedDate"], 60):
            continue
        text = f"{case['Subject'] or ''}\n{case['Description'] or ''}"
        about = [p for p in catalog if p.id == case["Product__c"] or mentions(text, p.name)
                 or any(mentions(text, k) for k in keywords(p))]
        if any(p.id not in owned for p in about):
            yield Finding("support_request_unpurchased", True, f"case:{case['Id']}")
    for task in acct.records["Task"]:
        signal = task["Expansion_Signal_Type__c"]
        when = task["ActivityDate"] or task["CreatedDate"]
        if signal in CS_RECORDED and not task["Radar_Action__c"] and acct.within(when, 30):
            yield Finding(signal, True, f"cs:{task['Id']}")


def _risks(acct: _Account, competitors: Sequence[str]) -> Iterable[Finding]:
    account, today = acct.account, acct.today
    for value, limit, name in ((account["Renewal_Date__c"], 180, "renewal"), (account["Next_QBR_Date__c"], 30, "qbr")):
        if value and 0 <= (date.fromisoformat(value) - today).days <= limit:
            yield Finding("renewal_window" if name == "renewal" else "qbr_upcoming", False, f"{name}:{value}")
    changes = sorted((r for r in acct.records["AccountHistory"]
                      if r["Field"] == "Health_Score__c" and acct.within(r["CreatedDate"], 30)),
                     key=lambda r: r["CreatedDate"])
    current = account["Health_Score__c"]
    if changes and current is not None and changes[0]["OldValue"] not in (None, ""):
        if float(changes[0]["OldValue"]) - float(current) >= 10:
            year, week, _ = today.isocalendar()
            yield Finding("health_decline", False, f"decline:{year}-W{week:02d}")
    recent = acct.recent_whos(90)
    active = 0
    for contact in acct.records["Contact"]:
        gone = bool(contact["Left_Company__c"] or contact["EmailBouncedDate"])
        if contact["MEDDICC_Role__c"] == "Champion" and gone:
            yield Finding("champion_departed", False, f"departed:{contact['Id']}")
        if not gone and (acct.within(contact["LastActivityDate"], 90) or contact["Id"] in recent):
            active += 1
    if active < 3:
        yield Finding("thin_threading", False, f"thin:{acct.months[0]:%Y-%m}")
    texts = [f"{c['Subject'] or ''}\n{c['Description'] or ''}" for c in acct.records["Case"]
             if acct.within(c["CreatedDate"], 90)]
    texts += [f"{a['Subject'] or ''}\n{a['Description'] or ''}" for a in acct.activities
              if acct.within(a["ActivityDate"], 90)]
    live = {o["Id"] for o in acct.records["Opportunity"] if not o["IsClosed"] or acct.within(o["CreatedDate"], 90)}
    texts += [c["CompetitorName"] or "" for c in acct.records["OpportunityCompetitor"] if c["OpportunityId"] in live]
    for name in competitors:
        if any(mentions(text, name) for text in texts):
            yield Finding("competitive_threat", False, f"competitor:{name.lower()}")


def band_of(score: float | None) -> str:
    """Health band of a score (Green >= 70, Yellow >= 60, Red below, Unknown without)."""
    if score is None:
        return "Unknown"
    return "Green" if score >= 70 else "Yellow" if score >= 60 else "Red"


def strength_of(findings: Sequence[Finding], priors: Iterable[str]) -> str:
    """Play 04 strength from the expansion findings and the earlier logged signal types."""
    found = {f.signal for f in findings if f.signal in EXPANSION_SIGNALS}
    if not found:
        return "None"
    if "direct_request" in found or len(found) + len(set(priors) - found) >= 2:
        return "Strong"
    return "Moderate" if any(f.clear for f in findings if f.signal in found) else "Weak"


# white-space expected value (signal-rules.md): a cell with no signal yet counts at 5% of its
# estimate, and such cells together at most 1.0 x the current ACV
LOW_PROBABILITY, LOW_CAP_SHARE = 0.05, 1.0


def addressable_ratio(acct: _Account, products: Sequence[ProductSpec]) -> float | None:
    """Total addressable / ACV, at list price x typical units per missing product."""
    acv, owned = acct.acv(), acct.owned()
    employees = acct.account["NumberOfEmployees"] or 0
    potential = sum(p.list_price * p.typical_units(employees) for p in products if p.active and p.id not in owned)
    return round(potential / acv, 4) if acv > 0 else None


def potential_ratio(acct: _Account, products: Sequence[ProductSpec]) -> float | None:
    """Weighted white-space potential / ACV, every missing product counted as LOW (a signal or
    peers' co-ownership only add to it): min(5% x total addressable, 1.0 x ACV) / ACV."""
    total = addressable_ratio(acct, products)
    return None if total is None else round(min(LOW_PROBABILITY * total, LOW_CAP_SHARE), 4)


def compute_truth(records: dict[str, list[Record]], products: Sequence[ProductSpec], today: date,
                  competitors: Sequence[str] = COMPETITORS) -> Truth:
    """The expected signals, strength, health band and routing of one account."""
    acct = _Account(records, today)
    tier = acct.account["Tier__c"]
    findings = [*_usage(acct, tier), *_people(acct, tier), *_growth(acct), *_cases_and_tasks(acct, products),
                *_risks(acct, competitors)]
    priors = sorted({t["Expansion_Signal_Type__c"] for t in records["Task"]
                     if t["Radar_Action__c"] == "signal_log" and t["Expansion_Signal_Type__c"] in EXPANSION_SIGNALS
                     and acct.within(t["ActivityDate"], 14)})
    score = acct.account["Health_Score__c"]
    band = band_of(score)
    strength = strength_of(findings, priors)
    expansion = any(f.signal in EXPANSION_SIGNALS for f in findings)
    champion = any(c["MEDDICC_Role__c"] == "Champion" and not (c["Left_Company__c"] or c["EmailBouncedDate"])
                   for c in records["Contact"])
    ratio = potential_ratio(acct, products)
    eligible = bool(tier == "T1" and score is not None and score >= 60 and champion
                    and ratio is not None and ratio >= 0.5)
    if band == "Red" or (band == "Yellow" and tier != "T1"):
        play, strength = "renewal_rescue", "None"
    elif band == "Yellow":
        play = "play02"
    elif band == "Green":
        play = "play04" if expansion else "play02" if eligible else "none"
    else:
        play = "none"
    readiness = {"Strong": "High", "Moderate": "Medium", "Weak": "Low"}.get(strength, "None")
    return Truth(signals=sorted({f.signal for f in findings}), findings=findings, strength=strength, band=band,
                 play=play, play02_eligible=eligible, play04_eligible=band == "Green" and expansion,
                 readiness=readiness, potential_ratio=ratio, priors=priors)
