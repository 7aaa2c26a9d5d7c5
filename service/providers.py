"""Salesforce-backed providers the admin API uses to validate a draft mapping: the org's
describe (cached in Redis for hours, like the scans use it) and a few sample accounts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simple_salesforce import format_soql

from crm_mapping.document import FieldMapping
from crm_mapping.reading import read_spec
from integration.contracts import AccountBundle, OrgData
from integration.gateway import check_api_name
from integration.reader import OrgReader
from service.settings import Settings


def describe_provider(settings: Settings):
    """``names -> {name: describe JSON or None}`` for the admin mapping API."""

    def provide(names: Sequence[str]) -> Mapping[str, Any]:
        from workers.runtime import runtime  # noqa: PLC0415 - only when an admin validates

        rt = runtime(settings.org_key, settings)
        return rt.describes(rt.gateway(), list(names))

    return provide


def sample_provider(settings: Settings):
    """``(draft mapping, n) -> (bundles, org data)``: the first n accounts read through the
    draft's own read spec, so the dry run shows what a scan with it would see."""

    def provide(mapping: FieldMapping, n: int) -> tuple[list[AccountBundle], OrgData]:
        from workers.runtime import runtime  # noqa: PLC0415

        rt = runtime(settings.org_key, settings)
        gateway = rt.gateway()
        describes = rt.describes(gateway, sorted({s for s in mapping.objects.values() if s}))
        reader = OrgReader(gateway, read_spec(mapping, describes))
        account = check_api_name(mapping.objects.get("account") or "Account")
        page = gateway.query_page(format_soql("SELECT Id FROM {:literal} ORDER BY Id LIMIT {}",
                                              account, int(n)))
        ids = [record["Id"] for record in page.get("records") or []]
        return list(reader.bundles_for(ids)), reader.read_org_data()

    return provide
