"""Deploy requests (asynchronous, as in Salesforce) and the components an org holds.

``deploy`` answers at once with an AsyncResult (``Queued``); a background thread validates
and applies the zip, and ``checkDeployStatus`` reports the DeployResult
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deployresult.htm).
Options honoured: ``checkOnly`` (validate only; the CLI's ``--dry-run``) and
``rollbackOnError`` (default true, the only choice a production org allows: any failure
leaves the org untouched; false deploys what passed and ends ``SucceededPartial``).

Deployed components are kept in the org's SQLite file (``_emulator_metadata``), so
``listMetadata``/``readMetadata`` find them and an org kept in a file (``--data``) has its
deployed objects and fields again after a restart (replayed at start).
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import tostring  # noqa: S405 - serialising only

from defusedxml import ElementTree

from emulator.ids import make_id
from emulator.metadata_api.apply import apply_components, package_failures
from emulator.metadata_api.package import Component, Package, PackageError, read_zip
from emulator.sqlstore import ensure_tables
from emulator.values import format_datetime

if TYPE_CHECKING:
    from emulator.org_view import OrgView

log = logging.getLogger(__name__)
_TABLE = "_emulator_metadata"


@dataclass
class DeployJob:
    """One deploy request and, once done, its result."""

    id: str
    options: dict[str, Any]
    created: str
    created_by: str
    status: str = "Pending"
    done: bool = False
    started: str | None = None
    completed: str | None = None
    successes: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    error_message: str | None = None

    def result(self, include_details: bool) -> dict[str, Any]:
        """The DeployResult (details only when asked, as Salesforce does)."""
        body: dict[str, Any] = {
            "id": self.id, "checkOnly": _flag(self.options, "checkOnly"), "createdBy": self.created_by[:15],
            "createdByName": "Radar Integration", "createdDate": self.created, "done": self.done,
            "ignoreWarnings": _flag(self.options, "ignoreWarnings"), "lastModifiedDate": self.completed or self.created,
            "numberComponentErrors": len(self.failures), "numberComponentsDeployed": len(self.successes),
            "numberComponentsTotal": len(self.successes) + len(self.failures), "numberTestErrors": 0,
            "numberTestsCompleted": 0, "numberTestsTotal": 0,
            "rollbackOnError": _flag(self.options, "rollbackOnError", True), "runTestsEnabled": False,
            "status": self.status, "success": self.status in ("Succeeded", "SucceededPartial")}
        if self.started:
            body["startDate"] = self.started
        if self.completed:
            body["completedDate"] = self.completed
        if self.error_message:
            body.update(errorMessage=self.error_message, errorStatusCode="UNKNOWN_EXCEPTION")
        if include_details or self.failures and self.done:
            body["details"] = {"componentSuccesses": self.successes if include_details else [],
                               "componentFailures": self.failures,
                               "runTestResult": {"numFailures": 0, "numTestsRun": 0, "totalTime": 0.0}}
        return body


def _flag(options: dict[str, Any], name: str, default: bool = False) -> bool:
    value = options.get(name, default)
    return value if isinstance(value, bool) else str(value).lower() == "true"


class DeployJobs:
    """The org's deploy requests and deployed components."""

    def __init__(self, org: OrgView) -> None:
        self.org = org
        self._jobs: dict[str, DeployJob] = {}
        self._lock = threading.Lock()
        self._sequence = 0
        with org.store.connection() as conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {_TABLE} (type TEXT, full_name TEXT, file_name TEXT, "
                         "xml TEXT, last_modified TEXT, PRIMARY KEY (type, full_name))")
        self._replay()

    def _replay(self) -> None:
        """Rebuild the objects and fields earlier deploys added to this org's file."""
        objects = self.components("CustomObject")
        if not objects:
            return
        fields: dict[str, list[Component]] = {}
        for row in self.components("CustomField"):
            parent = row["fullName"].partition(".")[0].lower()
            fields.setdefault(parent, []).append(
                Component("CustomField", row["fullName"], row["fileName"], ElementTree.fromstring(row["xml"])))
        replayed = []
        for row in objects:
            component = Component("CustomObject", row["fullName"], row["fileName"], ElementTree.fromstring(row["xml"]))
            component.children = fields.get(row["fullName"].lower(), [])
            replayed.append(component)
        outcome = apply_components(Package("", {}, replayed), self.org.schema)
        if outcome.failures:
            log.warning("deployed metadata not replayed: %s", [f["problem"] for f in outcome.failures])
        with self.org.store.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            ensure_tables(conn, self.org.schema)
            conn.execute("COMMIT")

    def start(self, zip_bytes: bytes, options: dict[str, Any], user_id: str) -> DeployJob:
        """Queue a deploy; the work happens in a background thread."""
        with self._lock:
            self._sequence += 1
            job = DeployJob(make_id("0Af", self._sequence), options, self._now(), user_id)
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, zip_bytes), name=f"deploy-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> DeployJob | None:
        """A deploy by its 15- or 18-character id."""
        with self._lock:
            return next((j for i, j in self._jobs.items() if i == job_id or i[:15] == job_id), None)

    def _now(self) -> str:
        return format_datetime(self.org.clock.now())

    def _run(self, job: DeployJob, zip_bytes: bytes) -> None:
        job.status, job.started = "InProgress", self._now()
        try:
            self._deploy(job, read_zip(zip_bytes))
        except PackageError as exc:
            job.status, job.error_message = "Failed", str(exc)
        except Exception as exc:  # a bug must still end the deploy, not leave the client polling forever
            log.exception("deploy %s failed", job.id)
            job.status, job.error_message = "Failed", f"UNKNOWN_EXCEPTION: {exc}"
        job.completed, job.done = self._now(), True

    def _deploy(self, job: DeployJob, package: Package) -> None:
        rollback = _flag(job.options, "rollbackOnError", True)
        failures = package_failures(package)
        store = self.org.store
        with store._write_lock:  # noqa: SLF001 - schema changes are serialised with writes
            trial = apply_components(package, copy.deepcopy(self.org.schema))
            failures += trial.failures
            passed = {(c.type, c.full_name) for c in trial.deployed}
            job.successes, job.failures = trial.successes, failures
            if _flag(job.options, "checkOnly") or (failures and rollback) or not passed:
                job.status = "Failed" if failures and (rollback or not passed) else "Succeeded"
                if failures and rollback:
                    job.successes = []  # nothing was deployed
                return
            if failures:  # rollbackOnError=false: deploy only what passed
                package = Package(package.api_version, package.members,
                                  [_only_passed(c, passed) for c in package.components if (c.type, c.full_name) in passed])
            # Built on a copy and swapped in whole once the tables have the new columns: a
            # request reading the schema meanwhile sees the old one or the new one, never half.
            schema = copy.deepcopy(self.org.schema)
            live = apply_components(package, schema)
            with store.connection() as conn:
                conn.execute("BEGIN IMMEDIATE")
                ensure_tables(conn, schema)
                self._save(conn, live.deployed)
                conn.execute("COMMIT")
            self.org.schema.objects = schema.objects
        job.status = "SucceededPartial" if failures else "Succeeded"

    def _save(self, conn: Any, components: list[Component]) -> None:
        now = self._now()
        for component in components:
            xml = tostring(component.xml, encoding="unicode") if component.xml is not None else None
            conn.execute(f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?, ?, ?)",  # noqa: S608 - fixed table name
                         (component.type, component.full_name, component.file_name, xml, now))

    def components(self, mdtype: str) -> list[dict[str, Any]]:
        """The deployed components of a type: fullName, fileName, lastModifiedDate, xml."""
        with self.org.store.connection() as conn:
            rows = conn.execute(f"SELECT full_name, file_name, last_modified, xml FROM {_TABLE} "  # noqa: S608
                                "WHERE type = ? ORDER BY full_name", (mdtype,)).fetchall()
        return [{"fullName": r[0], "fileName": r[1], "lastModifiedDate": r[2], "xml": r[3]} for r in rows]


def _only_passed(component: Component, passed: set[tuple[str, str]]) -> Component:
    kept = copy.copy(component)
    kept.children = [c for c in component.children if (c.type, c.full_name) in passed]
    return kept
