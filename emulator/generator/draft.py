"""One account's records while they are being built: ids, system fields, usage series, and
the final pass that derives what depends on everything else (line items from licences,
ARR, LastActivityDate, usage rows, relations).

Ids are ``make_id(prefix, offset + index * block + k)``: every account owns a fixed block
of sequence numbers per object, so any account can be built alone and ids never collide.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from emulator.generator import catalog
from emulator.generator.context import USAGE_MONTHS, GenContext, fmt_date
from emulator.ids import ORG_POD

if TYPE_CHECKING:
    from emulator.generator.specs import AccountPlan

Record = dict[str, Any]
_SYSTEM = ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp")
_ACTIVITY = ("OwnerId", "Subject", "Type", "ActivityDate", "WhoId", "WhatId", "AccountId",
             "Description", "Radar_Action__c", "Expansion_Signal_Type__c", "Signal_Strength__c",
             "Expansion_Key__c")
# Every record of an object carries exactly these keys (None when empty), in this order.
FIELDS: dict[str, tuple[str, ...]] = {
    "Account": ("OwnerId", "Name", "Type", "Industry", "NumberOfEmployees", "AnnualRevenue",
                "Website", "CSM__c", "Tier__c", "Health_Score__c", "ARR__c", "Renewal_Date__c",
                "NPS_Score__c", "NPS_Comment__c", "NPS_Date__c", "Next_QBR_Date__c",
                "Contracted_Departments__c"),
    "Contact": ("OwnerId", "AccountId", "FirstName", "LastName", "Name", "Title", "Department",
                "Email", "LastActivityDate", "EmailBouncedDate", "Left_Company__c",
                "LinkedIn_URL__c", "MEDDICC_Role__c"),
    "AccountContactRelation": ("AccountId", "ContactId", "Roles", "IsDirect", "IsActive"),
    "Opportunity": ("OwnerId", "Name", "AccountId", "StageName", "CloseDate", "Amount", "Type",
                    "LeadSource", "IsClosed", "IsWon", "Pricebook2Id"),
    "OpportunityLineItem": ("OpportunityId", "Product2Id", "PricebookEntryId", "Quantity",
                            "UnitPrice", "ListPrice", "TotalPrice"),
    "OpportunityContactRole": ("OpportunityId", "ContactId", "Role", "IsPrimary"),
    "OpportunityCompetitor": ("OpportunityId", "CompetitorName"),
    "Asset": ("OwnerId", "Name", "AccountId", "Product2Id", "Quantity", "Status", "PurchaseDate"),
    "Case": ("OwnerId", "CaseNumber", "AccountId", "ContactId", "Subject", "Description", "Type",
             "Status", "Priority", "Origin", "Product__c", "IsClosed"),
    "Task": (*_ACTIVITY, "Status", "Priority"),
    "Event": (*_ACTIVITY, "ActivityDateTime", "StartDateTime", "EndDateTime", "DurationInMinutes"),
    "Product_Usage__c": ("OwnerId", "Name", "Account__c", "Product__c", "Period_Start__c",
                         "Feature__c", "Licensed_Units__c", "Usage_Units__c", "Active_Users__c"),
    "AccountHistory": ("AccountId", "Field", "OldValue", "NewValue"),
    "ContactHistory": ("ContactId", "Field", "OldValue", "NewValue"),
}
# Account children in insertion order (parents before children).
ACCOUNT_OBJECTS = tuple(FIELDS)
PREFIX = {"Account": "001", "Contact": "003", "AccountContactRelation": "07k", "Opportunity": "006",
          "OpportunityLineItem": "00k", "OpportunityContactRole": "00K",
          "OpportunityCompetitor": "00J", "Asset": "02i", "Case": "500", "Task": "00T",
          "Event": "00U", "Product_Usage__c": "a00", "AccountHistory": "017", "ContactHistory": "017"}
BLOCK = {"Account": 1, "Contact": 64, "AccountContactRelation": 64, "Opportunity": 16,
         "OpportunityLineItem": 64, "OpportunityContactRole": 32, "OpportunityCompetitor": 8,
         "Asset": 16, "Case": 32, "Task": 128, "Event": 32, "Product_Usage__c": 512,
         "AccountHistory": 16, "ContactHistory": 16}
# AccountHistory and ContactHistory share key prefix 017: separate sequence ranges.
OFFSET = {"ContactHistory": 62**9}
_TEMPLATES = {obj: dict.fromkeys(_SYSTEM + fields) for obj, fields in FIELDS.items()}
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]
_UPPER = [1 if "A" <= c <= "Z" else 0 for c in _ALPHABET]
# per pair: (upper bit of 1st char) | (upper bit of 2nd char) << 1
_PAIR_BITS = [_UPPER[i // 62] | _UPPER[i % 62] << 1 for i in range(62 * 62)]
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_HEADS: dict[str, str] = {}


def fast_id(key_prefix: str, sequence: int) -> str:
    """Exactly emulator.ids.make_id(key_prefix, sequence) without its string scans: ids are
    most of the generator's work at 100,000 accounts (tests compare the two)."""
    rest, p5 = divmod(sequence, 3844)
    rest, p4 = divmod(rest, 3844)
    rest, p3 = divmod(rest, 3844)
    rest, p2 = divmod(rest, 3844)
    rest, p1 = divmod(rest, 3844)
    if rest:
        raise ValueError("sequence too large for a record id")
    head = _HEADS.get(key_prefix)
    if head is None:  # the prefix and pod are the first 5 characters: their checksum letter is fixed
        head = _HEADS[key_prefix] = key_prefix + ORG_POD
    # characters 6-10 are pairs p1, p2 and the first of p3; 11-15 the second of p3, p4, p5
    middle = _PAIR_BITS[p1] | _PAIR_BITS[p2] << 2 | (_PAIR_BITS[p3] & 1) << 4
    tail = _PAIR_BITS[p3] >> 1 | _PAIR_BITS[p4] << 1 | _PAIR_BITS[p5] << 3
    return (f"{head}{_PAIRS[p1]}{_PAIRS[p2]}{_PAIRS[p3]}{_PAIRS[p4]}{_PAIRS[p5]}"
            f"{_head_letter(head)}{_SUFFIX[middle]}{_SUFFIX[tail]}")


_LETTERS: dict[str, str] = {}


def _head_letter(head: str) -> str:
    letter = _LETTERS.get(head)
    if letter is None:
        bits = sum(1 << i for i, c in enumerate(head) if "A" <= c <= "Z")
        letter = _LETTERS[head] = _SUFFIX[bits]
    return letter


@dataclass(slots=True)
class Series:
    """Monthly usage of one (product, feature): index 0..14 = M-14..M, 15 = current month."""

    product: catalog.ProductSpec
    feature: str | None
    licensed: int | None
    usage: list[float | None]
    active: list[int | None] = field(default_factory=list)


class Draft:
    """The records of one account under construction."""

    def __init__(self, ctx: GenContext, plan: AccountPlan, rng: random.Random) -> None:
        self.ctx = ctx
        self.plan = plan
        self.rng = rng
        self.account_id = fast_id("001", plan.index)
        self.records: dict[str, list[Record]] = {obj: [] for obj in ACCOUNT_OBJECTS}
        self._count: dict[str, int] = {}
        self.series: dict[tuple[int, str | None], Series] = {}
        self.owned: list[int] = list(plan.owned)
        self.contract_close: date = ctx.today
        self.renewal_override: date | None = None
        self.extra_line_items: list[tuple[Record, int, int]] = []  # (opp, product key, qty)
        self.protected: set[str] = set()  # activity ids a thin-threading plant must keep
        self.notes: dict[str, Any] = {}
        self.account: Record = {}
        self.contracted: list[str] = []
        self.touched: set[int] = set()  # products whose usage a plant already shaped
        self.champion: Record | None = None
        self.contract: Record = {}  # the Closed Won of the current term (set by the baseline)
        self.original: Record | None = None  # the first Closed Won, a year before the contract

    # -- records -----------------------------------------------------------------------------
    def new(self, sobject: str, created: str, values: dict[str, Any]) -> Record:
        """A record of ``sobject`` with the next id of this account's block."""
        k = self._count.get(sobject, 0)
        if k >= BLOCK[sobject]:
            raise OverflowError(f"account {self.plan.index} has more than {BLOCK[sobject]} {sobject}")
        self._count[sobject] = k + 1
        record = _TEMPLATES[sobject].copy()
        record["Id"] = fast_id(PREFIX[sobject], OFFSET.get(sobject, 0) + self.plan.index * BLOCK[sobject] + k)
        record["IsDeleted"] = False
        record["CreatedDate"] = record["LastModifiedDate"] = record["SystemModstamp"] = created
        record.update(values)
        self.records[sobject].append(record)
        return record

    def stamp(self, days_ago: int) -> str:
        return self.ctx.stamp(days_ago, self.rng.randrange(7 * 3600, 19 * 3600))

    def contact(self, first: str, last: str, title: str | None, department: str | None,
                created_days: int, role: str | None = None, email: str | None = None,
                linkedin: str | None = None) -> Record:
        """Add a contact (no activity yet)."""
        slug = f"{first}.{last}".lower().replace(" ", "")
        n = len(self.records["Contact"])
        return self.new("Contact", self.stamp(created_days), {
            "OwnerId": self.plan.ae.id, "AccountId": self.account_id, "FirstName": first,
            "LastName": last, "Name": f"{first} {last}", "Title": title, "Department": department,
            "Email": email or f"{slug}{n}@{self.plan.domain}", "Left_Company__c": False,
            "LinkedIn_URL__c": linkedin or f"https://www.linkedin.com/in/{slug.replace('.', '-')}-{self.plan.index:x}{n}",
            "MEDDICC_Role__c": role})

    def task(self, days_ago: int | None, subject: str, who: str | None = None, *,
             status: str = "Completed", kind: str = "Call", description: str | None = None,
             radar_action: str | None = None, signal_type: str | None = None,
             created_days: int | None = None, owner: str | None = None) -> Record:
        """Add a Task on the account; ``days_ago`` None leaves ActivityDate empty."""
        created = created_days if created_days is not None else max(days_ago or 0, 0)
        return self.new("Task", self.stamp(created), {
            "OwnerId": owner or self.plan.csm.id, "Subject": subject, "Type": kind,
            "ActivityDate": None if days_ago is None else fmt_date(self.ctx.day(days_ago)),
            "WhoId": who, "WhatId": self.account_id, "AccountId": self.account_id,
            "Description": description, "Radar_Action__c": radar_action,
            "Expansion_Signal_Type__c": signal_type, "Status": status, "Priority": "Normal"})

    def event(self, days_ago: int, subject: str, who: str | None, description: str | None = None) -> Record:
        """Add a 45-minute meeting on the account."""
        start = self.ctx.stamp(days_ago, 15 * 3600) if days_ago > 0 else self.ctx.stamp(days_ago, 0)
        end = start[:11] + ("15:45:00.000+0000" if days_ago > 0 else "00:45:00.000+0000")
        return self.new("Event", self.stamp(max(days_ago, 0) + 3), {
            "OwnerId": self.plan.csm.id, "Subject": subject, "Type": "Meeting",
            "ActivityDate": fmt_date(self.ctx.day(days_ago)), "WhoId": who,
            "WhatId": self.account_id, "AccountId": self.account_id, "Description": description,
            "ActivityDateTime": start, "StartDateTime": start, "EndDateTime": end,
            "DurationInMinutes": 45})

    def case(self, days_ago: int, subject: str, description: str, product_id: str | None,
             contact_id: str | None = None, status: str | None = None) -> Record:
        """Add a support case."""
        status = status or ("Closed" if days_ago > 30 else self.rng.choice(("New", "Working")))
        seq = self.plan.index * BLOCK["Case"] + len(self.records["Case"])
        return self.new("Case", self.stamp(days_ago), {
            "OwnerId": self.plan.csm.id, "CaseNumber": f"{seq:08d}", "AccountId": self.account_id,
            "ContactId": contact_id, "Subject": subject, "Description": description,
            "Type": self.rng.choice(("Problem", "Question")), "Status": status,
            "Priority": self.rng.choice(("Low", "Medium", "Medium", "High")), "Origin": "Email",
            "Product__c": product_id, "IsClosed": status == "Closed"})

    def history(self, sobject: str, parent_id: str, field_name: str, old: object, new: object,
                days_ago: int) -> Record:
        """Add a field-history row (values as text, as the History objects keep them)."""
        parent = "AccountId" if sobject == "AccountHistory" else "ContactId"
        return self.new(sobject, self.stamp(days_ago), {
            parent: parent_id, "Field": field_name, "OldValue": None if old is None else str(old),
            "NewValue": None if new is None else str(new)})

    def opportunity(self, name: str, stage: str, close: date, created_days: int, kind: str,
                    amount: float | None = None) -> Record:
        """Add an opportunity (IsClosed/IsWon follow the stage)."""
        closed = stage.startswith("Closed")
        return self.new("Opportunity", self.stamp(created_days), {
            "OwnerId": self.plan.ae.id, "Name": name, "AccountId": self.account_id,
            "StageName": stage, "CloseDate": fmt_date(close), "Amount": amount, "Type": kind,
            "LeadSource": "Partner Referral" if self.plan.index % 3 == 0 else "Web",
            "IsClosed": closed, "IsWon": stage == "Closed Won", "Pricebook2Id": self.ctx.pricebook_id})

    # -- usage -------------------------------------------------------------------------------
    def own(self, key: int) -> None:
        """Make the account own product ``key`` (on the current contract), with usage."""
        if key not in self.owned:
            self.owned.append(key)
            product = catalog.PRODUCT_BY_KEY[key]
            if product.metered and (key, None) not in self.series:
                self.wavy_series(product, None, product.typical_units(self.plan.employees))

    def wavy_series(self, product: catalog.ProductSpec, feature: str | None, licensed: int | None,
                    base: float | None = None) -> Series:
        """A quiet series: gentle seasonal wave (+-4%) and noise (+-1.5%) around ``base``."""
        rng = self.rng
        if base is None:
            base = max(15.0, (licensed or 100) * rng.uniform(0.35, 0.6))
        phase = rng.random() * 12
        usage: list[float | None] = [
            float(round(base * (1 + 0.04 * math.sin((k + phase) * math.pi / 6) + rng.uniform(-0.015, 0.015))))
            for k in range(USAGE_MONTHS)] + [None]
        series = Series(product, feature, licensed, usage)
        self.series[(product.key, feature)] = series
        return series

    def set_series(self, key: int, feature: str | None, tail: list[float | None],
                   licensed: int | None = None, current: float | None = None) -> Series:
        """Replace a series with exact values: ``tail`` ends at M, earlier months repeat
        ``tail[0]``; ``current`` is the incomplete current month's value (None: no row)."""
        product = catalog.PRODUCT_BY_KEY[key]
        if feature is None:
            self.own(key)
        values = [tail[0]] * (USAGE_MONTHS - len(tail)) + list(tail) + [current]
        series = Series(product, feature, licensed, values)
        self.series[(key, feature)] = series
        return series

    # -- final pass --------------------------------------------------------------------------
    def finalize(self) -> dict[str, list[Record]]:
        """Derive dependent fields and rows; returns records by object."""
        self._contract_lines()
        self._usage_rows()
        self._last_activity()
        self._relations_and_assets()
        owned_total = 0.0
        for opp in self.records["Opportunity"]:
            lines = [li for li in self.records["OpportunityLineItem"] if li["OpportunityId"] == opp["Id"]]
            if lines:
                opp["Amount"] = round(sum(li["TotalPrice"] for li in lines), 2)
            age = (self.ctx.today - date.fromisoformat(opp["CloseDate"])).days
            if opp["IsWon"] and 0 <= age <= 365:
                owned_total += sum(li["TotalPrice"] for li in lines)
        self.account["ARR__c"] = round(owned_total, 2)
        renewal = self.renewal_override or self.contract_close + timedelta(days=365)
        self.account["Renewal_Date__c"] = fmt_date(renewal)
        return self.records

    def _line(self, opp: Record, product: catalog.ProductSpec, quantity: float) -> None:
        discount = (self.plan.index % 4) * 0.05
        unit = round(product.list_price * (1 - discount), 2)
        self.new("OpportunityLineItem", opp["CreatedDate"], {
            "OpportunityId": opp["Id"], "Product2Id": product.id, "PricebookEntryId": product.entry_id,
            "Quantity": quantity, "UnitPrice": unit, "ListPrice": product.list_price,
            "TotalPrice": round(quantity * unit, 2)})

    def licensed(self, key: int) -> int:
        product = catalog.PRODUCT_BY_KEY[key]
        series = self.series.get((key, None))
        if series is not None and series.licensed:
            return int(series.licensed)
        if self.plan.potential == "narrow":  # a small foothold: see baseline._usage
            return product.min_units
        return product.typical_units(self.plan.employees)

    def _contract_lines(self) -> None:
        contract, original = self.contract, self.original
        for key in self.owned:
            product = catalog.PRODUCT_BY_KEY[key]
            self._line(contract, product, self.licensed(key))
        if original is not None:
            for key in [*self.plan.owned[:2], *([self.plan.dropped] if self.plan.dropped else [])]:
                product = catalog.PRODUCT_BY_KEY[key]
                self._line(original, product, max(product.min_units, int(self.licensed(key) * 0.8)))
        for opp, key, quantity in self.extra_line_items:
            product = catalog.PRODUCT_BY_KEY[key]
            self._line(opp, product, quantity)

    def _usage_rows(self) -> None:
        # The bulk of every org (15 rows per series): built inline rather than through new().
        stamps = self.ctx.usage_stamps
        owner, account_id, index = self.plan.csm.id, self.account_id, self.plan.index
        rows = self.records["Product_Usage__c"]
        template = _TEMPLATES["Product_Usage__c"]
        seat_like = (catalog.SEAT, catalog.ADDON)
        others = max(1, self.plan.employees // 50)
        for (_key, feature), series in self.series.items():
            product = series.product
            licensed = series.licensed if feature is None else None
            for k, value in enumerate(series.usage):
                if value is None:
                    continue
                n = len(rows)
                if n >= BLOCK["Product_Usage__c"]:
                    raise OverflowError(f"account {index} has too many usage rows")
                if series.active and series.active[k] is not None:
                    active = series.active[k]
                else:
                    active = int(value * 0.85) if product.metering in seat_like else others
                seq = index * BLOCK["Product_Usage__c"] + n
                period, created = stamps[k]
                row = template.copy()
                row.update(Id=fast_id("a00", seq), IsDeleted=False, CreatedDate=created, LastModifiedDate=created,
                           SystemModstamp=created, OwnerId=owner, Name=f"PU-{seq:09d}", Account__c=account_id,
                           Product__c=product.id, Period_Start__c=period, Feature__c=feature,
                           Licensed_Units__c=licensed, Usage_Units__c=value, Active_Users__c=active)
                rows.append(row)
        self._count["Product_Usage__c"] = len(rows)

    def _last_activity(self) -> None:
        # Salesforce sets Contact.LastActivityDate from closed Tasks and past Events.
        today = fmt_date(self.ctx.today)
        latest: dict[str, str] = {}
        for sobject in ("Task", "Event"):
            for activity in self.records[sobject]:
                who, day = activity["WhoId"], activity["ActivityDate"]
                if not who or not day or day > today:
                    continue
                if sobject == "Task" and activity["Status"] != "Completed":
                    continue
                if day > latest.get(who, ""):
                    latest[who] = day
        for contact in self.records["Contact"]:
            contact["LastActivityDate"] = latest.get(contact["Id"])

    def _relations_and_assets(self) -> None:
        roles = {"Economic Buyer": "Economic Buyer", "Champion": "Business User",
                 "Decision Maker": "Decision Maker", "Influencer": "Influencer"}
        for contact in self.records["Contact"]:
            self.new("AccountContactRelation", contact["CreatedDate"], {
                "AccountId": self.account_id, "ContactId": contact["Id"],
                "Roles": roles.get(contact["MEDDICC_Role__c"] or ""), "IsDirect": True,
                "IsActive": not contact["Left_Company__c"]})
        bought = fmt_date(self.contract_close)
        for key in self.owned:
            product = catalog.PRODUCT_BY_KEY[key]
            self.new("Asset", self.contract["CreatedDate"], {
                "OwnerId": self.plan.ae.id, "Name": product.name, "AccountId": self.account_id,
                "Product2Id": product.id, "Quantity": self.licensed(key), "Status": "Installed",
                "PurchaseDate": bought})
        if self.plan.dropped:
            product = catalog.PRODUCT_BY_KEY[self.plan.dropped]
            self.new("Asset", self.contract["CreatedDate"], {
                "OwnerId": self.plan.ae.id, "Name": product.name, "AccountId": self.account_id,
                "Product2Id": product.id, "Quantity": product.min_units, "Status": "Obsolete",
                "PurchaseDate": None})
