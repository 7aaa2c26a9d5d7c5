"""Longer documents as Salesforce Files on the Account: the account plan and the QBR brief.

A refreshed document becomes a new version of the same file (ContentVersion with the
file's ContentDocumentId), never a second file; an unchanged one writes nothing. The
latest version's Description carries a hash of its text, so "unchanged" costs no download.
Salesforce Files: a ContentVersion inserted with FirstPublishLocationId creates the
ContentDocument and links it to that record; one inserted with ContentDocumentId adds a
version to that document (Object Reference, "ContentVersion").
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from simple_salesforce import format_soql

from integration.composite import composite_queries
from integration.contracts import RecordWrite, WriteOutcome
from integration.gateway import SalesforceGateway
from integration.writer import RecordWriter

TITLE_PREFIX = "Expansion Radar — "
IN_CHUNK = 200


@dataclass(frozen=True)
class AccountFile:
    account_id: str
    title: str  # e.g. "Expansion Radar — Account plan"
    text: str

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def file_name(self) -> str:
        slug = self.title.removeprefix(TITLE_PREFIX).lower().replace(" ", "-")
        return f"expansion-radar-{slug}.md"


def link_queries(account_ids: Sequence[str]) -> list[str]:
    """Our files on these accounts, with their latest version's digest: one query per 200
    accounts (the links, their document's title and latest version as parent paths)."""
    ids = sorted(set(account_ids))
    return [format_soql("SELECT ContentDocumentId, LinkedEntityId, ContentDocument.Title, "
                        "ContentDocument.LatestPublishedVersion.Description "
                        "FROM ContentDocumentLink WHERE LinkedEntityId IN {} "
                        "AND ContentDocument.Title LIKE {}",
                        ids[start:start + IN_CHUNK], TITLE_PREFIX + "%")
            for start in range(0, len(ids), IN_CHUNK)]


def _latest(links: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """(account id, title) -> {"ContentDocumentId", "Description"} of our latest version."""
    latest: dict[tuple[str, str], dict] = {}
    for link in links:
        document = link.get("ContentDocument") or {}
        version = document.get("LatestPublishedVersion") or {}
        latest[(link["LinkedEntityId"], document.get("Title") or "")] = {
            "ContentDocumentId": link["ContentDocumentId"],
            "Description": version.get("Description")}
    return latest


def file_writes(gateway: SalesforceGateway, files: Iterable[AccountFile],
                links: Sequence[dict] | None = None) -> list[RecordWrite]:
    """The ContentVersion creates that bring ``files`` up to date (none when unchanged),
    to apply with the rest of an account's writes (they share the composite calls).

    ``links``: the rows of ``link_queries`` when the caller already fetched them (packed
    with its own lookups); otherwise they are queried here, five queries to a call.
    """
    wanted = list(files)
    if not wanted:
        return []
    if links is None:
        soqls = link_queries([f.account_id for f in wanted])
        links = [row for rows in composite_queries(gateway, soqls) for row in rows]
    latest = _latest(links)
    writes = []
    for item in wanted:
        current = latest.get((item.account_id, item.title))
        if current is not None and current.get("Description") == item.digest:
            continue
        fields = {"Title": item.title, "PathOnClient": item.file_name,
                  "VersionData": base64.b64encode(item.text.encode()).decode(),
                  "Description": item.digest}
        if current is None:
            fields["FirstPublishLocationId"] = item.account_id
        else:
            fields["ContentDocumentId"] = current["ContentDocumentId"]
            fields["ReasonForChange"] = "Refreshed by Expansion Radar"
        writes.append(RecordWrite(sobject="ContentVersion", op="create", fields=fields,
                                  ref=f"file:{item.account_id}:{item.title}"))
    return writes


def sync_files(gateway: SalesforceGateway, files: Iterable[AccountFile]) -> list[WriteOutcome]:
    """Create or re-version the given files; unchanged ones are left alone.

    Returns:
        The outcomes of the versions written (empty when nothing changed).
    """
    writes = file_writes(gateway, files)
    return RecordWriter(gateway).apply(writes) if writes else []
