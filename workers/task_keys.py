"""A full scan's write-back chunk learns its Task dedupe keys from the scan's own read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from simple_salesforce import format_soql

from integration.contracts import AccountBundle, Record, RecordWrite
from integration.gateway import SalesforceGateway, check_api_name
from integration.sync import LOOKBACK
from integration.writer import KnownKeys
from workers.runtime import Runtime


@dataclass
class TaskKeys:
    """How a write-back chunk learns its Task dedupe keys without a lookup per 200 keys."""

    key_field: str
    existing: dict[str, str]
    account_ids: list[str]
    since_soql: str

    def known(self, created_since: Sequence[Record]) -> KnownKeys:
        existing = {**self.existing,
                    **{r[self.key_field]: r["Id"] for r in created_since if r.get(self.key_field)}}
        return KnownKeys("Task", self.key_field, existing,
                         frozenset(i[:15] for i in self.account_ids))


def task_keys_of(rt: Runtime, gateway: SalesforceGateway, scan_id: str, bundles: Sequence[AccountBundle],
               writes: Sequence[RecordWrite]) -> TaskKeys | None:
    """The chunk's Task keys from the scan's own read, and the query for what was created
    since on the chunk's accounts.

    The read phase read every Task of these accounts (by AccountId); what was created since
    (an earlier attempt of this chunk, an event's scan) is found by one query over the
    chunk's account id range (chunks are consecutive ranges in id order) on CreatedDate.
    Tasks of other accounts are looked up as before.
    """
    key_field = next((w.dedupe_field for w in writes
                      if w.op == "create_once" and w.sobject == "Task" and w.dedupe_field), None)
    raw = rt.redis.get(f"radar:{rt.org_key}:fullscan:{scan_id}:read_from")
    task = rt.checked_spec(gateway, rt.mappings.active_mapping())[0].get("task")
    if key_field is None or raw is None or task is None or task.account_path != "AccountId" \
            or key_field.lower() not in {f.lower() for f in task.fields} or not bundles:
        return None
    since = datetime.fromisoformat(raw.decode()) - LOOKBACK
    ids = sorted(b.account_id for b in bundles)
    soql = format_soql("SELECT Id, {:literal} FROM Task WHERE CreatedDate >= {} "
                       "AND {:literal} != null AND AccountId >= {} AND AccountId <= {}",
                       check_api_name(key_field), since, check_api_name(key_field),
                       ids[0], ids[-1])
    existing = {t[key_field]: t["Id"] for b in bundles for t in b.children.get("task", [])
                if t.get(key_field)}
    return TaskKeys(key_field, existing, ids, soql)
