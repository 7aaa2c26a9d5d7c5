"""Mapping versions in Redis: every save is a new version, one is active, history is kept.

Keys (all under ``radar:{org_key}:mapping:``):
    seq        INCR counter handing out version numbers
    versions   hash: version number -> JSON {version, document, saved_at, author, comment,
               source, based_on}
    active     the active version number

Rollback is a *new* version carrying an older version's document (source "rollback",
based_on = the old number), then activated. History therefore only ever grows, the audit
trail shows who rolled back to what and when, and "the active version" is always the
latest decision rather than a pointer jumping backwards. ``activate`` (pointer only) exists
too, for switching between versions saved earlier without a new entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from crm_mapping.diff import MappingDiff, diff_documents
from crm_mapping.document import FieldMapping, load_mapping, load_yaml

DEFAULT_YAML = Path(__file__).with_name("default_mapping.yaml")


class VersionNotFound(KeyError):
    """No such mapping version for this org."""


@dataclass(frozen=True)
class MappingVersion:
    version: int
    document: dict[str, Any]
    saved_at: str
    author: str
    comment: str
    source: str  # "seed", "import", "api", "rollback"
    based_on: int | None = None
    active: bool = False

    def mapping(self) -> FieldMapping:
        return load_mapping(self.document)

    def summary(self) -> dict[str, Any]:
        return {"version": self.version, "saved_at": self.saved_at, "author": self.author,
                "comment": self.comment, "source": self.source, "based_on": self.based_on,
                "active": self.active}


class MappingStore:
    """Versions of one org's mapping (``org_key`` namespaces the keys)."""

    def __init__(self, conn: redis.Redis, org_key: str = "default") -> None:
        self.conn = conn
        self.prefix = f"radar:{org_key}:mapping:"

    def _key(self, name: str) -> str:
        return self.prefix + name

    def _load(self, raw: bytes | str | None, active: int | None) -> MappingVersion:
        if raw is None:
            raise VersionNotFound("no such version")
        data = json.loads(raw)
        return MappingVersion(**data, active=data["version"] == active)

    def active_version_number(self) -> int | None:
        raw = self.conn.get(self._key("active"))
        return int(raw) if raw is not None else None

    def ensure_seeded(self) -> int:
        """Seed version 1 from the YAML default when the org has no mapping yet."""
        active = self.active_version_number()
        if active is not None:
            return active
        default = load_yaml(DEFAULT_YAML.read_text(encoding="utf-8"))
        # SET NX on the active pointer makes concurrent seeding create one active version.
        version = self._save(default.document(), "system", "seeded from the default mapping",
                             "seed", None)
        if self.conn.set(self._key("active"), version, nx=True):
            return version
        return int(self.conn.get(self._key("active")))  # another process seeded first

    def _save(self, document: dict[str, Any], author: str, comment: str, source: str,
              based_on: int | None) -> int:
        version = int(self.conn.incr(self._key("seq")))
        record = {"version": version, "document": document, "author": author,
                  "comment": comment, "source": source, "based_on": based_on,
                  "saved_at": datetime.now(UTC).isoformat(timespec="seconds")}
        self.conn.hset(self._key("versions"), str(version), json.dumps(record))
        return version

    def save(self, document: Mapping[str, Any], *, author: str = "unknown", comment: str = "",
             activate: bool = False, source: str = "api") -> MappingVersion:
        """Validate and store ``document`` as a new version (the full resolved document).

        Raises:
            MappingInvalid: the document has problems (nothing is stored).
        """
        mapping = load_mapping(document)
        self.ensure_seeded()
        version = self._save(mapping.document(), author, comment, source, None)
        if activate:
            self.activate(version)
        return self.get(version)

    def get(self, version: int) -> MappingVersion:
        raw = self.conn.hget(self._key("versions"), str(version))
        if raw is None:
            raise VersionNotFound(f"mapping version {version} does not exist")
        return self._load(raw, self.active_version_number())

    def active(self) -> MappingVersion:
        """The active version (seeding from the default when empty)."""
        return self.get(self.ensure_seeded())

    def active_mapping(self) -> FieldMapping:
        return self.active().mapping()

    def list_versions(self) -> list[MappingVersion]:
        """Every version, oldest first."""
        self.ensure_seeded()
        active = self.active_version_number()
        raw = self.conn.hgetall(self._key("versions"))
        versions = [self._load(value, active) for value in raw.values()]
        return sorted(versions, key=lambda v: v.version)

    def version_count(self) -> int:
        """How many versions were ever saved (numbers run 1..count; none is deleted)."""
        self.ensure_seeded()
        return int(self.conn.get(self._key("seq")) or 0)

    def newest(self, offset: int, limit: int) -> list[MappingVersion]:
        """Up to ``limit`` versions, newest first, after skipping the ``offset`` newest: one
        HMGET, so a page costs the same with 10 versions or 10,000."""
        top = self.version_count() - max(offset, 0)
        numbers = [str(n) for n in range(top, max(top - max(limit, 0), 0), -1)]
        if not numbers:
            return []
        active = self.active_version_number()
        return [self._load(raw, active)
                for raw in self.conn.hmget(self._key("versions"), numbers) if raw is not None]

    def activate(self, version: int) -> MappingVersion:
        """Make an existing version the active one (pointer move)."""
        if not self.conn.hexists(self._key("versions"), str(version)):
            raise VersionNotFound(f"mapping version {version} does not exist")
        self.conn.set(self._key("active"), version)
        return self.get(version)

    def rollback(self, to_version: int, *, author: str = "unknown",
                 comment: str = "") -> MappingVersion:
        """Store ``to_version``'s document as a new version and activate it."""
        old = self.get(to_version)
        version = self._save(old.document, author,
                             comment or f"rollback to version {to_version}", "rollback",
                             to_version)
        return self.activate(version)

    def diff(self, a: int, b: int) -> MappingDiff:
        """What changed from version ``a`` to version ``b``, per logical field."""
        return diff_documents(self.get(a).document, self.get(b).document)
