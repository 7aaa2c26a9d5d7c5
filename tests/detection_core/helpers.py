"""Running detection on a builder snapshot and picking signals out of the result."""

from __future__ import annotations

from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import ExpansionSignal
from detection.health import assess_with_facts
from detection.signals import detect_with_gaps
from detection.signals.facts import ScanFacts
from detection.snapshot import AccountSnapshot, OrgContext, PriorScan
from tests.detection_core.builders import CTX, NOW


def detect(
    snap: AccountSnapshot,
    prior: PriorScan | None = None,
    ctx: OrgContext = CTX,
    config: DetectionConfig = DEFAULT_CONFIG,
    champion_index=None,
) -> tuple[tuple[ExpansionSignal, ...], tuple[str, ...]]:
    facts = ScanFacts(snap, ctx, prior, config, NOW)
    return detect_with_gaps(facts, assess_with_facts(facts).score, champion_index)


def of_type(snap: AccountSnapshot, signal_type: str, **kw) -> list[ExpansionSignal]:
    return [s for s in detect(snap, **kw)[0] if s.type == signal_type]


def types(snap: AccountSnapshot, **kw) -> set[str]:
    return {s.type for s in detect(snap, **kw)[0]}
