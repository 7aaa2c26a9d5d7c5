"""Phase 1's input to the departed-champion index, kept on local disk instead of in memory.

``build_champion_index`` needs every contact's identity (a departed champion may turn up
at any account), so the full scan used to keep a thin snapshot per account until the read
ended: ~2.5 KB an account, 250 MB of a worker streaming 100,000 accounts. The thin
snapshots now go to a temporary file (pickled, one per account), and ``relevant()``
reads them back twice: first to collect the departed champions' match keys (email,
LinkedIn URL, name), then keeping only contacts that are departed champions or share one
of those keys. Any other contact can match nothing (``detection.champions._matches``
looks its keys up in the index of departed champions), so the index built from the
filtered accounts is the same as from all of them, and it is built from a few hundred
contacts instead of 700,000.
"""

from __future__ import annotations

import pickle  # noqa: S403 - our own temporary file, written and read by this process
import tempfile
from collections.abc import Iterator

from detection.champions import norm_email, norm_linkedin, norm_name
from detection.signals.facts import contact_is_departed, is_champion
from detection.snapshot import AccountSnapshot, Contact


def thin(snapshot: AccountSnapshot) -> AccountSnapshot:
    """Only what the champion index needs (identity of contacts)."""
    contacts = tuple(
        Contact(id=c.id, first_name=c.first_name, last_name=c.last_name, title=None,
                department=None, email=c.email, created_date=None, last_activity_date=None,
                email_bounced_date=c.email_bounced_date, left_company=c.left_company,
                linkedin_url=c.linkedin_url, meddicc_role=c.meddicc_role)
        for c in snapshot.contacts)
    return AccountSnapshot(id=snapshot.id, name=snapshot.name, contacts=contacts)


def _departed_champion(contact: Contact) -> bool:
    return is_champion(contact.meddicc_role) and contact_is_departed(contact)


def _keys(contact: Contact) -> list[tuple[str, str]]:
    keys = [("email", norm_email(contact.email)), ("linkedin", norm_linkedin(contact.linkedin_url)),
            ("name", norm_name(contact))]
    return [(kind, value) for kind, value in keys if value]


class ChampionSpill:
    """Thin snapshots of a full scan's accounts, spilled to a temporary file."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="radar-champions-")  # noqa: SIM115 - closed by close()

    def add(self, snapshot: AccountSnapshot) -> None:
        """Spill one account's contact identities."""
        pickle.dump(thin(snapshot), self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def _read(self) -> Iterator[AccountSnapshot]:
        self._file.flush()
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)  # noqa: S301 - written above by this process
            except EOFError:
                return

    def relevant(self) -> list[AccountSnapshot]:
        """The accounts, each with only the contacts the champion index can use."""
        wanted = {key for snap in self._read() for c in snap.contacts
                  if _departed_champion(c) for key in _keys(c)}
        kept = []
        for snap in self._read():
            contacts = tuple(c for c in snap.contacts
                             if _departed_champion(c) or any(k in wanted for k in _keys(c)))
            if contacts:
                kept.append(AccountSnapshot(id=snap.id, name=snap.name, contacts=contacts))
        return kept

    def close(self) -> None:
        """Remove the temporary file."""
        self._file.close()
