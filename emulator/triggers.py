"""Triggers: when a record is created or updated (optionally only when given fields
change), deliver an Outbound Message or a signed JSON callout to a URL from a background
thread, retrying with growing intervals until acknowledged — as Salesforce does (it keeps
retrying for 24 hours, so deliveries repeat and may arrive out of order).

Rule (JSON/YAML file or POST /__emulator/triggers)::

    {"name": "task-changes", "object": "Task", "on": ["create", "update"],
     "when_fields_change": ["Status"], "kind": "outbound_message" | "json_callout",
     "url": "http://127.0.0.1:9000/hook", "fields": ["Id", "Subject"], "secret": "s3cret",
     "retry_initial_seconds": 1, "retry_max_seconds": 60, "give_up_after_seconds": 86400,
     "ca_bundle": null}
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
import yaml

from emulator import outbound
from emulator.ids import make_id
from emulator.values import format_datetime
from emulator.writer import ChangeEvent

if TYPE_CHECKING:
    from emulator.org_view import OrgView

log = logging.getLogger(__name__)
KINDS = ("outbound_message", "json_callout")
_CHANGE = {"CREATE": "create", "UPDATE": "update", "DELETE": "delete"}


@dataclass(frozen=True)
class TriggerRule:
    """One rule; validated on construction."""

    name: str
    sobject: str
    on: frozenset[str]
    when_fields_change: tuple[str, ...]
    kind: str
    url: str
    fields: tuple[str, ...] = ()
    secret: str | None = None
    retry_initial_seconds: float = 1.0
    retry_max_seconds: float = 300.0
    give_up_after_seconds: float = 86400.0
    ca_bundle: str | None = None

    @classmethod
    def from_dict(cls, raw: dict[str, Any], index: int) -> TriggerRule:
        """Build a rule from its JSON/YAML form (ValueError/KeyError when malformed)."""
        kind = raw.get("kind", "outbound_message")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        on = frozenset(str(x).lower() for x in raw.get("on", ["create", "update"]))
        if not on <= {"create", "update", "delete"}:
            raise ValueError("on: create, update or delete")
        if kind == "json_callout" and not raw.get("secret"):
            raise ValueError("a json_callout needs a secret to sign with")
        url = str(raw["url"])
        if not url.startswith(("http://", "https://")):
            raise ValueError("url must be http(s)")
        return cls(name=str(raw.get("name") or f"rule-{index}"), sobject=str(raw["object"]), on=on,
                   when_fields_change=tuple(raw.get("when_fields_change") or ()), kind=kind, url=url,
                   fields=tuple(raw.get("fields") or ()), secret=raw.get("secret"),
                   retry_initial_seconds=float(raw.get("retry_initial_seconds", 1.0)),
                   retry_max_seconds=float(raw.get("retry_max_seconds", 300.0)),
                   give_up_after_seconds=float(raw.get("give_up_after_seconds", 86400.0)),
                   ca_bundle=raw.get("ca_bundle"))

    def matches(self, event: ChangeEvent) -> bool:
        """Does this change fire the rule?"""
        if event.sobject.lower() != self.sobject.lower() or _CHANGE[event.change_type] not in self.on:
            return False
        if event.change_type == "UPDATE" and self.when_fields_change:
            wanted = {f.lower() for f in self.when_fields_change}
            return any(f.lower() in wanted for f in event.changed_fields)
        return True


@dataclass(order=True)
class _Delivery:
    due: float
    seq: int
    rule: TriggerRule = field(compare=False)
    body: str = field(compare=False)
    first_try: float = field(compare=False)
    attempts: int = field(default=0, compare=False)


class TriggerEngine:
    """Matches committed changes against rules and delivers from one background thread."""

    def __init__(self, org: OrgView) -> None:
        self.org = org
        self._rules: list[TriggerRule] = []
        self._queue: list[_Delivery] = []
        self._cond = threading.Condition()
        self._seq = itertools.count(1)
        self._notification_seq = itertools.count(1)
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._log: deque[dict[str, Any]] = deque(maxlen=200)
        self._counts = {"attempts": 0, "delivered": 0, "failed_attempts": 0, "abandoned": 0}

    # -- rules ------------------------------------------------------------------------------
    def load_file(self, path: Path) -> None:
        """Add the rules of a JSON or YAML file ({"rules": [...]} or a list)."""
        text = path.read_text()
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        for rule in raw.get("rules", []) if isinstance(raw, dict) else raw:
            self.add_rule(rule)

    def add_rule(self, raw: dict[str, Any]) -> TriggerRule:
        """Validate and add a rule."""
        rule = TriggerRule.from_dict(raw, len(self._rules) + 1)
        if not self.org.schema.has_object(rule.sobject):
            raise ValueError(f"unknown object {rule.sobject}")
        with self._cond:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove all rules and pending deliveries."""
        with self._cond:
            self._rules.clear()
            self._queue.clear()

    def describe_rules(self) -> list[dict[str, Any]]:
        """The rules without their secrets."""
        with self._cond:
            return [{"name": r.name, "object": r.sobject, "on": sorted(r.on), "kind": r.kind, "url": r.url,
                     "when_fields_change": list(r.when_fields_change)} for r in self._rules]

    def stats(self) -> dict[str, Any]:
        """Delivery counts and the most recent attempts."""
        with self._cond:
            return {**self._counts, "pending": len(self._queue), "log": list(self._log)[-50:]}

    # -- matching ---------------------------------------------------------------------------
    def on_events(self, events: list[ChangeEvent]) -> None:
        """Store listener: queue deliveries for the rules these changes fire."""
        with self._cond:
            rules = list(self._rules)
        if not rules:
            return
        for rule in rules:
            fired = [e for e in events if rule.matches(e)]
            if not fired:
                continue
            if rule.kind == "outbound_message":
                for start in range(0, len(fired), outbound.MAX_NOTIFICATIONS):
                    self._enqueue(rule, self._envelope(rule, fired[start:start + outbound.MAX_NOTIFICATIONS]))
            else:
                for event in fired:
                    self._enqueue(rule, outbound.callout_body(
                        str(uuid.uuid4()), self.org.store.org_id, event.sobject, event.record_id,
                        event.change_type, event.changed_fields, format_datetime(self.org.clock.now())))

    def _envelope(self, rule: TriggerRule, events: list[ChangeEvent]) -> str:
        obj = self.org.schema.object(rule.sobject)
        notes = [outbound.notification_xml(make_id("04l", next(self._notification_seq)), obj, e.record,
                                           rule.fields or None) for e in events]
        action_id = make_id("04k", self._rules.index(rule) + 1)
        return outbound.outbound_envelope(self.org.store.org_id, action_id, self.org.instance_url,
                                          self.org.api_version, notes)

    def _enqueue(self, rule: TriggerRule, body: str) -> None:
        now = time.monotonic()
        with self._cond:
            heapq.heappush(self._queue, _Delivery(now, next(self._seq), rule, body, now))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="radar-emulator-triggers", daemon=True)
                self._thread.start()
            self._cond.notify()

    # -- delivery ---------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._queue or self._queue[0].due > time.monotonic()):
                    timeout = self._queue[0].due - time.monotonic() if self._queue else None
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                delivery = heapq.heappop(self._queue)
            ok, status = self._attempt(delivery)
            self._after_attempt(delivery, ok, status)

    def _attempt(self, delivery: _Delivery) -> tuple[bool, str]:
        rule = delivery.rule
        delivery.attempts += 1
        if rule.kind == "outbound_message":
            headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
        else:
            timestamp = str(int(time.time()))
            headers = {"Content-Type": "application/json", outbound.TIMESTAMP_HEADER: timestamp,
                       outbound.SIGNATURE_HEADER: outbound.sign(rule.secret or "", timestamp, delivery.body)}
        try:
            response = requests.post(rule.url, data=delivery.body.encode(), headers=headers, timeout=10,
                                     verify=rule.ca_bundle or True)
        except requests.RequestException as exc:
            return False, type(exc).__name__
        ok = 200 <= response.status_code < 300
        if ok and rule.kind == "outbound_message":
            ok = outbound.is_acknowledged(response.content)
        return ok, str(response.status_code)

    def _after_attempt(self, delivery: _Delivery, ok: bool, status: str) -> None:
        rule = delivery.rule
        with self._cond:
            self._counts["attempts"] += 1
            self._log.append({"rule": rule.name, "url": rule.url, "attempt": delivery.attempts,
                              "status": status, "acknowledged": ok})
            if ok:
                self._counts["delivered"] += 1
                self._cond.notify_all()
                return
            self._counts["failed_attempts"] += 1
            if time.monotonic() - delivery.first_try > rule.give_up_after_seconds:
                self._counts["abandoned"] += 1
                return
            backoff = min(rule.retry_initial_seconds * 2 ** (delivery.attempts - 1), rule.retry_max_seconds)
            delivery.due = time.monotonic() + backoff
            heapq.heappush(self._queue, delivery)
            self._cond.notify_all()

    def stop(self) -> None:
        """Stop the delivery thread (pending deliveries are dropped)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
