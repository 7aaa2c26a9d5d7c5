"""The org state the chaos run compares, read straight from an emulator's store (no API
calls, so no faults), and the comparison: differences, duplicates and lost writes.

Per account: Expansion_Readiness__c, White_Space_Potential__c, White_Space__c, the MEDDICC
roles of its contacts, its radar Tasks (Radar_Action__c, Expansion_Key__c, Status), its
CS-driven Opportunities (Expansion_Key__c, StageName, Amount) and their contact roles.
System fields, timestamps and the ids of records the service created are left out: a
created record's id depends on the order the org received the creates, which faults and
retries change, so ids of Tasks inside keys (``opp:<task id>``) are replaced by that
Task's own Expansion_Key__c.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from simple_salesforce import format_soql

from emulator.store import Store

LEAD_SOURCE = "CS-driven Expansion"
NO_ACCOUNT = "(no account)"
TASK_ID = re.compile(r"00T[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?")
FIELDS = ("readiness", "potential", "white_space")
SETS = ("meddicc", "tasks", "opportunities", "contact_roles")


@dataclass
class OrgState:
    """Comparable state by account, plus the raw key counts the duplicate checks need."""

    accounts: dict[str, dict[str, Any]]
    key_counts: dict[str, Counter[str]]
    opportunities_per_follow_up: Counter[tuple[str, str]]
    role_counts: Counter[tuple[str, str, str]]

    def totals(self) -> dict[str, int]:
        """How many items of each kind the state holds (for the printout)."""
        totals = {name: sum(len(a[name]) for a in self.accounts.values()) for name in SETS}
        totals["accounts"] = len(self.accounts)
        totals["accounts_with_readiness"] = sum(
            1 for a in self.accounts.values() if a["readiness"] is not None)
        return totals


def _rows(store: Store, soql: str) -> list[dict[str, Any]]:
    return store.query(soql)


def read_state(store: Store) -> OrgState:
    """Read the comparable state of the org behind ``store``."""
    tasks = _rows(store, "SELECT Id, AccountId, WhatId, Radar_Action__c, Expansion_Key__c, "
                         "Status FROM Task")
    task_key = {t["Id"][:15]: t["Expansion_Key__c"] for t in tasks if t.get("Expansion_Key__c")}

    def norm(key: str | None) -> str | None:
        if key is None:
            return None
        return TASK_ID.sub(lambda m: "{" + str(task_key.get(m.group(0)[:15], m.group(0))) + "}",
                           key)

    accounts: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"readiness": None, "potential": None, "white_space": None,
                 **{name: set() for name in SETS}})
    for row in _rows(store, "SELECT Id, Expansion_Readiness__c, White_Space_Potential__c, "
                            "White_Space__c FROM Account"):
        entry = accounts[row["Id"]]
        entry.update(readiness=row["Expansion_Readiness__c"],
                     potential=row["White_Space_Potential__c"],
                     white_space=row["White_Space__c"])
    for row in _rows(store, "SELECT Id, AccountId, MEDDICC_Role__c FROM Contact "
                            "WHERE MEDDICC_Role__c != null"):
        accounts[row["AccountId"] or NO_ACCOUNT]["meddicc"].add((row["Id"], row["MEDDICC_Role__c"]))
    keys: dict[str, Counter[str]] = {"Task": Counter(), "Opportunity": Counter(),
                                     "OpportunityContactRole": Counter()}
    for row in tasks:
        if row.get("Expansion_Key__c"):
            keys["Task"][row["Expansion_Key__c"]] += 1
        if not row.get("Radar_Action__c"):
            continue
        account = row.get("AccountId") or row.get("WhatId") or NO_ACCOUNT
        accounts[account]["tasks"].add((row["Radar_Action__c"], norm(row["Expansion_Key__c"]),
                                        row["Status"]))
    opps = _rows(store, format_soql("SELECT Id, AccountId, Expansion_Key__c, StageName, Amount "
                                    "FROM Opportunity WHERE LeadSource = {}", LEAD_SOURCE))
    opp_key = {}
    per_follow_up: Counter[tuple[str, str]] = Counter()
    for row in opps:
        key = norm(row["Expansion_Key__c"])
        opp_key[row["Id"][:15]] = key
        if row["Expansion_Key__c"]:
            keys["Opportunity"][row["Expansion_Key__c"]] += 1
        per_follow_up[(row["AccountId"], key or row["Id"])] += 1
        accounts[row["AccountId"] or NO_ACCOUNT]["opportunities"].add(
            (key, row["StageName"], row["Amount"]))
    role_counts: Counter[tuple[str, str, str]] = Counter()
    for row in _rows(store, "SELECT Id, OpportunityId, ContactId, Role, IsPrimary, "
                            "Expansion_Key__c, Opportunity.AccountId FROM OpportunityContactRole"):
        parent = opp_key.get(row["OpportunityId"][:15])
        if parent is None:
            continue  # a role on an Opportunity the service did not create
        if row.get("Expansion_Key__c"):
            keys["OpportunityContactRole"][row["Expansion_Key__c"]] += 1
        role_counts[(parent, row["ContactId"], row["Role"])] += 1
        account = (row.get("Opportunity") or {}).get("AccountId") or NO_ACCOUNT
        accounts[account]["contact_roles"].add((parent, row["ContactId"], row["Role"],
                                                bool(row["IsPrimary"])))
    return OrgState(dict(accounts), keys, per_follow_up, role_counts)


@dataclass
class Comparison:
    """How the chaos org differs from the control org."""

    lost: list[str] = field(default_factory=list)  # in control, missing or different in chaos
    extra: list[str] = field(default_factory=list)  # in chaos only
    duplicates: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.lost and not self.extra

    def summary(self) -> dict[str, int]:
        return {"lost_writes": len(self.lost), "unexpected_writes": len(self.extra),
                "duplicates": len(self.duplicates)}


def duplicates_of(state: OrgState) -> list[str]:
    """Any Expansion_Key__c on two records of one object, any follow-up with two CS-driven
    Opportunities, any contact role twice on one Opportunity."""
    found = [f"{sobject} Expansion_Key__c {key!r} x{n}"
             for sobject, counts in state.key_counts.items() for key, n in counts.items() if n > 1]
    found += [f"account {account} has {n} CS-driven Opportunities for {key!r}"
              for (account, key), n in state.opportunities_per_follow_up.items() if n > 1]
    found += [f"contact role {role} x{n}" for role, n in state.role_counts.items() if n > 1]
    return found


def compare(control: OrgState, chaos: OrgState) -> Comparison:
    """Lost writes (control items the chaos org lacks or holds differently), unexpected
    writes (chaos items the control org lacks) and the chaos org's duplicates."""
    result = Comparison(duplicates=duplicates_of(chaos))
    for account in sorted(set(control.accounts) | set(chaos.accounts)):
        want = control.accounts.get(account)
        got = chaos.accounts.get(account)
        if want is None or got is None:
            (result.extra if want is None else result.lost).append(f"account {account}")
            continue
        for name in FIELDS:
            if want[name] != got[name]:
                target = result.lost if want[name] is not None else result.extra
                target.append(f"{account} {name}: control {_short(want[name])} "
                              f"chaos {_short(got[name])}")
        for name in SETS:
            result.lost += [f"{account} {name} {item}" for item in sorted(
                want[name] - got[name], key=repr)]
            result.extra += [f"{account} {name} {item}" for item in sorted(
                got[name] - want[name], key=repr)]
    return result


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
