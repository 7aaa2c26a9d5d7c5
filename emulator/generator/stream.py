"""Streaming the org: the fixed records first (users, products, price book), then accounts in
chunks, each chunk as one batch per object with parents before children, and the ground
truth written line by line as accounts are built. Memory is bounded by one chunk."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from emulator.generator import catalog
from emulator.generator.baseline import add_background_history, build_baseline
from emulator.generator.context import GenContext
from emulator.generator.draft import ACCOUNT_OBJECTS, BLOCK, Draft, Record
from emulator.generator.naming import Naming
from emulator.generator.plan import plan_account
from emulator.generator.plants import PLANTERS
from emulator.generator.specs import AccountPlan, DepartedChampion
from emulator.generator.truth import compute_truth
from emulator.ids import make_id

DEFAULT_CHUNK = 200  # accounts per batch: ~25k records, a few tens of MB at most
RULES_VERSION = 1
_LONG_AGO = 2200  # days: users, products and the price book predate every account


class RecordSink(Protocol):
    def insert_many(self, sobject: str, records: list[dict[str, Any]]) -> int: ...


@dataclass
class GenerationStats:
    """What generate_into wrote."""

    accounts: int
    seed: int
    now: str
    records: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    truth_path: str | None = None

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def _system(ctx: GenContext, record_id: str, values: dict[str, Any]) -> Record:
    stamp = ctx.stamp(_LONG_AGO)
    return {"Id": record_id, "IsDeleted": False, "CreatedDate": stamp, "LastModifiedDate": stamp,
            "SystemModstamp": stamp, **values}


def org_records(ctx: GenContext, include_org: bool, include_pricebook: bool) -> Iterator[tuple[str, list[Record]]]:
    """The records every generated org shares: Organization, users, catalog, price book."""
    if include_org:
        yield "Organization", [_system(ctx, make_id("00D", 0), {
            "Name": "Northstar SaaS (generated)", "TimeZoneSidKey": "America/Los_Angeles"})]
    users = []
    for user in (*catalog.AES, *catalog.CSMS):
        username = f"{user.first}.{user.last}@{catalog.USER_DOMAIN}".lower()
        users.append(_system(ctx, user.id, {
            "Name": f"{user.first} {user.last}", "FirstName": user.first, "LastName": user.last,
            "Email": username, "Username": username, "Alias": (user.first[0] + user.last)[:8].lower(),
            "IsActive": True, "Title": user.title}))
    yield "User", users
    yield "Product2", [_system(ctx, p.id, {
        "Name": p.name, "ProductCode": p.code, "Family": p.family, "IsActive": p.active,
        "Keywords__c": p.keywords, "Description": f"{p.name} ({p.metering}), list price per unit per year."})
        for p in catalog.PRODUCTS]
    if include_pricebook:
        yield "Pricebook2", [_system(ctx, ctx.pricebook_id, {
            "Name": "Standard Price Book", "IsActive": True, "IsStandard": True})]
    yield "PricebookEntry", [_system(ctx, p.entry_id, {
        "Pricebook2Id": ctx.pricebook_id, "Product2Id": p.id, "UnitPrice": p.list_price,
        "IsActive": p.active, "UseStandardPrice": False}) for p in catalog.PRODUCTS]


def _arrival(d: Draft, departed: DepartedChampion) -> None:
    """The champion who left the previous account turns up here."""
    first, last, email, linkedin = departed.first, departed.last, departed.email, None
    if departed.arrival == "linkedin":  # nickname and new email: only the profile URL matches
        first = departed.first[:3]
        email = f"{first}.{last}@{d.plan.domain}".lower()
        slug = departed.linkedin.rsplit("/", 1)[1]
        linkedin = f"http://LinkedIn.com/in/{slug.title()}/"  # same profile, other spelling
    elif departed.arrival == "name":
        email = f"{first}.{last}@{d.plan.domain}".lower()
    dept = d.contracted[0] if d.contracted else None
    contact = d.contact(first, last, f"Director of {dept or 'Operations'}", dept, d.rng.randint(100, 200),
                        email=email, linkedin=linkedin)
    d.notes["champion_arrived"] = {
        "from_account": make_id("001", departed.index), "from_contact": champion_id(departed.index),
        "contact_id": contact["Id"], "matched_on": departed.arrival}


def champion_id(index: int) -> str:
    """The champion of account ``index`` is always its second contact."""
    return make_id("003", index * BLOCK["Contact"] + 1)


def build_account(ctx: GenContext, plan: AccountPlan, previous: AccountPlan | None) -> tuple[dict[str, list[Record]], dict]:
    """All records of one account and its truth line."""
    d = Draft(ctx, plan, random.Random(f"{ctx.seed}:{plan.index}:build"))
    build_baseline(d)
    for signal, planter in PLANTERS.items():
        if signal in plan.plants:
            planter(d)
    if plan.boundary is not None:
        if plan.boundary.apply is not None:
            plan.boundary.apply(d)
    else:
        add_background_history(d)
    if previous is not None and previous.departed is not None and previous.departed.arrival:
        _arrival(d, previous.departed)
    if plan.departed is not None:
        d.notes["departed_champion"] = {
            "contact_id": champion_id(plan.index), "how": plan.departed.how,
            "arrives_at": make_id("001", plan.index + 1) if plan.departed.arrival else None,
            "matched_on": plan.departed.arrival}
    records = d.finalize()
    truth = compute_truth(records, catalog.PRODUCTS, ctx.today)
    planted: dict[str, Any] = {
        "baseline_only": plan.boundary is None and not plan.plants,
        "boundary": plan.boundary.name if plan.boundary else None,
        "expect": plan.boundary.expect if plan.boundary else {},
        **d.notes, "potential": plan.potential, "potential_ratio": truth.potential_ratio,
        "health_score": d.account["Health_Score__c"], "priors_within_14_days": truth.priors,
        "episodes": _by_signal(truth.findings, lambda f: f.episode),
        "clear": {s: any(f.clear for f in truth.findings if f.signal == s) for s in truth.signals}}
    line = {"account_id": d.account_id, "tier": plan.tier, "health_band": truth.band, "signals": truth.signals,
            "strength": truth.strength, "play": truth.play, "play02_eligible": truth.play02_eligible,
            "play04_eligible": truth.play04_eligible, "readiness": truth.readiness, "planted": planted}
    return records, line


def _by_signal(findings: list, key: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for finding in findings:
        out.setdefault(finding.signal, []).append(key(finding))
    return out


def generate(accounts: int, seed: int, now: datetime | None = None, truth: IO[str] | None = None,
             naming: Mapping[str, Any] | None = None, *, chunk_size: int = DEFAULT_CHUNK,
             standard_pricebook_id: str | None = None,
             include_org: bool = True) -> Iterator[tuple[str, list[Record]]]:
    """Yield ``(sobject, records)`` batches of a generated org, parents before children.

    Args:
        accounts: number of accounts.
        seed: same seed and same ``now`` give byte-identical records and truth.
        now: the scan time the truth is computed for (UTC; default: the current time).
        truth: a text file to write the ground truth JSON Lines to (docs/signal-rules.md).
        naming: renames of fields/values/objects (see emulator.generator.naming).
        chunk_size: accounts per batch.
        standard_pricebook_id: the org's existing standard price book (then not generated);
            default: a Pricebook2 ``make_id('01s', 0)`` is generated.
        include_org: generate the Organization record (a store that has one passes False).
    """
    ctx = GenContext(seed=seed, accounts=accounts, now=now or datetime.now(UTC),
                     pricebook_id=standard_pricebook_id or make_id("01s", 0))
    rename = Naming.from_mapping(naming) if naming else None
    if truth is not None:
        meta = {"seed": seed, "accounts": accounts, "now": ctx.now.isoformat(), "rules_version": RULES_VERSION}
        truth.write(json.dumps({"meta": meta}) + "\n")

    def out(sobject: str, records: list[Record]) -> tuple[str, list[Record]]:
        if rename is None:
            return sobject, records
        return rename.object_name(sobject), rename.apply(sobject, records)

    for sobject, records in org_records(ctx, include_org, standard_pricebook_id is None):
        yield out(sobject, records)
    previous: AccountPlan | None = None
    for start in range(0, accounts, max(1, chunk_size)):
        batch: dict[str, list[Record]] = {obj: [] for obj in ACCOUNT_OBJECTS}
        lines = []
        for index in range(start, min(accounts, start + max(1, chunk_size))):
            plan = plan_account(ctx, index)
            records, line = build_account(ctx, plan, previous)
            previous = plan
            for sobject, rows in records.items():
                batch[sobject].extend(rows)
            lines.append(json.dumps(line))
        if truth is not None:
            truth.write("\n".join(lines) + "\n")
        for sobject in ACCOUNT_OBJECTS:
            if batch[sobject]:
                yield out(sobject, batch[sobject])
        del batch, lines


def generate_into(store: RecordSink, accounts: int, seed: int, truth_path: str | Path | None = None,
                  now: datetime | None = None, naming: Mapping[str, Any] | None = None,
                  chunk_size: int = DEFAULT_CHUNK) -> GenerationStats:
    """Generate an org straight into ``store`` (``store.insert_many(sobject, records)`` per batch).

    A store that already holds its Organization and standard price book (emulator.store.Store
    has ``org_id`` and ``standard_pricebook_id``) keeps them: the generator then references its
    price book and adds no second Organization.
    """
    started = time.perf_counter()
    moment = now or datetime.now(UTC)
    stats = GenerationStats(accounts=accounts, seed=seed, now=moment.isoformat(),
                            truth_path=str(truth_path) if truth_path else None)
    pricebook = getattr(store, "standard_pricebook_id", None)
    include_org = getattr(store, "org_id", None) is None
    handle = open(truth_path, "w", encoding="utf-8") if truth_path else None  # noqa: SIM115
    try:
        for sobject, records in generate(accounts, seed, moment, handle, naming, chunk_size=chunk_size,
                                         standard_pricebook_id=pricebook, include_org=include_org):
            store.insert_many(sobject, records)
            stats.records[sobject] = stats.records.get(sobject, 0) + len(records)
    finally:
        if handle is not None:
            handle.close()
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats
