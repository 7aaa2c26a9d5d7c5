"""The mapping editor's data source: a thin adapter over crm_mapping's store and checks.

Validation is the same two steps the admin mapping API runs: the document rules of
``crm_mapping.document.load_yaml`` (shape, logical names, API-name syntax, duplicates) and,
when the org's describe results can be fetched, ``crm_mapping.preflight.preflight`` (does
each object and field exist, with a compatible type, writable, with the picklist values).
Both kinds become one ``Problem`` row: severity, object, field, what is wrong, the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from crm_mapping.diff import MappingDiff
from crm_mapping.document import FieldMapping, MappingInvalid, MappingProblem, load_yaml
from crm_mapping.preflight import preflight
from crm_mapping.store import MappingStore, MappingVersion, VersionNotFound
from field_specs.catalog import CATALOG

__all__ = ["MappingSource", "Problem", "StoreMappingSource", "Validation", "VersionNotFound"]

# sobject API names -> describe JSON (crm_mapping.api.DescribeProvider's shape)
DescribeProvider = Callable[[Sequence[str]], Mapping[str, Mapping[str, Any] | None]]


@dataclass(frozen=True)
class Problem:
    """One problem of a draft, as a table row."""

    severity: str  # "error" or "warning"
    object: str
    field: str
    message: str
    fix: str
    path: str = ""


@dataclass(frozen=True)
class Validation:
    """The outcome of validating a draft."""

    problems: tuple[Problem, ...] = ()
    checked_against_org: bool = False  # preflight ran against the org's describe
    org_error: str = ""  # why the org could not be checked
    document: Mapping[str, Any] | None = field(default=None, repr=False)  # parsed, when valid

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class VersionsPage:
    """One page of saved versions, newest first, and where it sits among them all."""

    versions: Sequence[MappingVersion]
    page: int
    pages: int
    total: int


class MappingSource(Protocol):
    """Versions of the org's mapping and the checks a draft goes through."""

    def list_versions(self) -> Sequence[MappingVersion]: ...

    def versions_page(self, page: int, per_page: int) -> VersionsPage:
        """Page ``page`` (1-based) of the versions, newest first."""
        ...

    def get(self, version: int) -> MappingVersion:
        """Raises VersionNotFound."""
        ...

    def active(self) -> MappingVersion: ...

    def validate(self, text: str) -> Validation: ...

    def save(self, text: str, *, author: str, comment: str) -> MappingVersion:
        """Store a valid draft as a new version. Raises MappingInvalid."""
        ...

    def activate(self, version: int) -> MappingVersion: ...

    def rollback(self, version: int, *, author: str) -> MappingVersion: ...

    def diff(self, a: int, b: int) -> MappingDiff: ...


def version_yaml(version: MappingVersion) -> str:
    """A stored version's document as YAML (field order kept, as ``radar mapping export``)."""
    return yaml.safe_dump(version.document, sort_keys=False, allow_unicode=True)


def _draft_dict(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _logical_field(rest: str) -> tuple[str, str]:
    """``account.tier.values.T1`` -> (``account.tier``, ``values.T1``): the longest catalog
    name the path starts with (logical names themselves contain a dot)."""
    parts = rest.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        if name in CATALOG:
            return name, ".".join(parts[cut:])
    return ".".join(parts[:2]), ".".join(parts[2:])


def _field_fix(name: str, rest: str, sobject: str) -> str:
    if name not in CATALOG:
        return f"use a logical field name from `radar fields list` instead of {name}"
    if rest in ("", "field"):
        return (f"set fields.{name} to the API name of a field of {sobject} "
                "(e.g. Customer_Tier__c), or to null to leave it unmapped")
    if rest.startswith(("values.", "aliases.")):
        return f"use one of {name}'s logical values in fields.{name}.{rest.split('.')[0]}"
    return f"change fields.{name}.{rest} in the draft"


def _from_document_problem(problem: MappingProblem, draft: Mapping[str, Any]) -> Problem:
    path = problem.path
    objects = draft.get("objects") if isinstance(draft.get("objects"), dict) else {}
    if path.startswith("fields."):
        name, rest = _logical_field(path[len("fields."):])
        logical_object = name.split(".", 1)[0]
        entry = CATALOG.get(name)
        sobject = objects.get(logical_object) or (entry.sobject if entry else logical_object)
        raw = (draft.get("fields") or {}).get(name) if isinstance(draft.get("fields"), dict) \
            else None
        api = raw.get("field") if isinstance(raw, dict) else raw
        shown = f"{api} ({name})" if isinstance(api, str) and api else name
        return Problem("error", str(sobject), shown, problem.message,
                       _field_fix(name, rest, str(sobject)), path)
    if path.startswith("objects."):
        logical_object = path[len("objects."):]
        return Problem("error", logical_object, "-", problem.message,
                       f"change {path} in the draft", path)
    return Problem("error", "-", path, problem.message, "change it in the draft", path)


class StoreMappingSource:
    """``MappingSource`` over ``crm_mapping.store.MappingStore`` and its preflight.

    Args:
        store_factory: returns the org's MappingStore (called per use, like the API's).
        describe_provider: fetches describe JSON per object name; None skips the org check.
    """

    def __init__(self, store_factory: Callable[[], MappingStore],
                 describe_provider: DescribeProvider | None = None) -> None:
        self.store_factory = store_factory
        self.describe_provider = describe_provider

    def _store(self) -> MappingStore:
        # A fresh org has no versions until the default is seeded; the API seeds on first
        # listing, the editor may be asked for version 1 before that.
        store = self.store_factory()
        store.ensure_seeded()
        return store

    def list_versions(self) -> list[MappingVersion]:
        """Every version, newest first."""
        return list(reversed(self._store().list_versions()))

    def versions_page(self, page: int, per_page: int) -> VersionsPage:
        store = self._store()
        total = store.version_count()
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        return VersionsPage(store.newest((page - 1) * per_page, per_page), page, pages, total)

    def get(self, version: int) -> MappingVersion:
        return self._store().get(version)

    def active(self) -> MappingVersion:
        return self._store().active()

    def validate(self, text: str) -> Validation:
        """Document rules first; only a well-formed draft is checked against the org."""
        try:
            draft: FieldMapping = load_yaml(text)
        except MappingInvalid as exc:
            parsed = _draft_dict(text)
            return Validation(tuple(_from_document_problem(p, parsed) for p in exc.problems))
        if self.describe_provider is None:
            return Validation(document=draft.document(),
                              org_error="no org connection configured; only the document "
                                        "rules were checked")
        names = sorted({s for s in draft.objects.values() if s})
        try:
            report = preflight(draft, self.describe_provider(names))
        except Exception as exc:  # noqa: BLE001 - an unreachable org is a finding, not a 500
            return Validation(document=draft.document(),
                              org_error=f"the org could not be checked: {type(exc).__name__}")
        problems = tuple(
            Problem(p.severity, p.sobject or p.logical, p.field or p.logical, p.message, p.fix,
                    p.logical)
            for p in sorted(report.problems, key=lambda p: p.severity != "error"))
        return Validation(problems, checked_against_org=True, document=draft.document())

    def save(self, text: str, *, author: str, comment: str) -> MappingVersion:
        """Raises MappingInvalid when the document rules fail (nothing is stored)."""
        document = load_yaml(text).document()
        return self._store().save(document, author=author, comment=comment,
                                         source="admin")

    def activate(self, version: int) -> MappingVersion:
        return self._store().activate(version)

    def rollback(self, version: int, *, author: str) -> MappingVersion:
        return self._store().rollback(version, author=author)

    def diff(self, a: int, b: int) -> MappingDiff:
        return self._store().diff(a, b)
