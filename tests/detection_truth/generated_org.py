"""Turn the org generator's record stream into the bundles the integration reader produces
(flat per-logical-object lists of API-named records), without any HTTP in between."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import datetime

from emulator.generator import generate
from integration.contracts import AccountBundle, OrgData

# sobject -> (logical name, how to find the account: a field, or (field, parent sobject))
CHILDREN = {
    "Contact": ("contact", "AccountId"),
    "Opportunity": ("opportunity", "AccountId"),
    "OpportunityLineItem": ("opportunity_line_item", ("OpportunityId", "Opportunity")),
    "OpportunityContactRole": ("opportunity_contact_role", ("OpportunityId", "Opportunity")),
    "OpportunityCompetitor": ("opportunity_competitor", ("OpportunityId", "Opportunity")),
    "Case": ("case", "AccountId"),
    "Task": ("task", "AccountId"),
    "Event": ("event", "AccountId"),
    "Product_Usage__c": ("product_usage", "Account__c"),
    "Asset": ("asset", "AccountId"),
    "AccountContactRelation": ("account_contact_relation", "AccountId"),
    "AccountHistory": ("account_history", "AccountId"),
    "ContactHistory": ("contact_history", ("ContactId", "Contact")),
}
ORG_WIDE = {"Product2": "product", "PricebookEntry": "pricebook_entry", "User": "user",
            "Organization": "organization"}


def generated_org(accounts: int, seed: int, now: datetime):
    """(bundles, org data, truth rows) of a generated org."""
    truth_file = io.StringIO()
    account_records: dict[str, dict] = {}
    children: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    parents: dict[str, dict[str, str]] = defaultdict(dict)  # sobject -> id -> account id
    org = OrgData()
    for sobject, records in generate(accounts=accounts, seed=seed, now=now, truth=truth_file):
        if sobject == "Account":
            for record in records:
                account_records[record["Id"]] = record
            continue
        if sobject in ORG_WIDE:
            org.records.setdefault(ORG_WIDE[sobject], []).extend(records)
            continue
        if sobject not in CHILDREN:
            continue
        logical, path = CHILDREN[sobject]
        for record in records:
            if isinstance(path, tuple):
                account_id = parents[path[1]].get(record[path[0]])
            else:
                account_id = record.get(path)
            if sobject in ("Opportunity", "Contact"):
                parents[sobject][record["Id"]] = account_id
            if account_id:
                children[account_id][logical].append(record)
    bundles = [AccountBundle(account=account_records[aid],
                             children={logical: children[aid].get(logical, [])
                                       for logical, _ in CHILDREN.values()})
               for aid in sorted(account_records)]
    lines = truth_file.getvalue().splitlines()
    truth = [json.loads(line) for line in lines[1:]]
    return bundles, org, truth


def scanned_generated_org(accounts: int, seed: int, now: datetime):
    """(snapshots, {account id: findings}, truth rows) of a generated org, scanned the way a
    full scan does: the reader's bundles translated, the portfolio benchmark and champion
    index built over every account, then ``scan_account`` per account (no HTTP, no Redis)."""
    from crm_mapping.document import default_mapping  # noqa: PLC0415 - heavy, only here
    from crm_mapping.snapshots import to_org_context, to_snapshot  # noqa: PLC0415
    from crm_mapping.translate import build_org_index  # noqa: PLC0415
    from detection.benchmark import BenchmarkBuilder  # noqa: PLC0415
    from detection.config import DEFAULT_CONFIG  # noqa: PLC0415
    from detection.scan import scan_account  # noqa: PLC0415
    from detection.stakeholders import build_champion_index  # noqa: PLC0415

    bundles, org_data, truth = generated_org(accounts, seed, now)
    mapping = default_mapping()
    index = build_org_index(org_data, mapping)
    ctx = to_org_context(org_data, mapping, competitors=DEFAULT_CONFIG.competitors)
    snapshots = [to_snapshot(b, mapping, index, now) for b in bundles]
    builder = BenchmarkBuilder(ctx, now)
    for snapshot in snapshots:
        builder.add(snapshot)
    benchmark = builder.build()
    champions = build_champion_index(snapshots)
    found = {s.id: scan_account(s, ctx, None, benchmark, champions, DEFAULT_CONFIG, now)
             for s in snapshots}
    return snapshots, found, truth
