"""Building an ExpansionSignal with its Evidence, the same way for every family."""

from __future__ import annotations

from datetime import date

from detection.findings import ALL_SIGNALS, Evidence, ExpansionSignal, category_of
from detection.signals.facts import ScanFacts

# category_of, looked up once per signal type instead of scanning the catalog's tuples
_CATEGORY = {signal_type: category_of(signal_type) for signal_type in ALL_SIGNALS}


def change_note(facts: ScanFacts, signal_type: str, detail: str | None = None) -> str | None:
    """What moved since the last scan; only said when a PriorScan is given."""
    prior = facts.prior
    if prior is None:
        return None
    scanned = prior.scanned_at.date().isoformat()
    logged = facts.last_logged(signal_type)
    if logged is not None:
        base = f"already logged on {logged.isoformat()} (last scan {scanned})"
    else:
        base = f"new since the last scan on {scanned}"
    return f"{base}; {detail}" if detail else base


def make_signal(
    facts: ScanFacts,
    signal_type: str,
    *,
    clear: bool,
    summary: str,
    episode: str,
    source_ids: tuple[str, ...] = (),
    values: tuple[tuple[str, object], ...] = (),
    window: str = "",
    threshold: str = "",
    observed_on: date | None = None,
    change_detail: str | None = None,
    product_id: str | None = None,
    contact_id: str | None = None,
    department: str | None = None,
    recorded_by_cs: bool = False,
) -> ExpansionSignal:
    """An ExpansionSignal of ``signal_type`` observed today unless said otherwise."""
    category = _CATEGORY.get(signal_type)
    # positional: the fields in declaration order (a keyword call costs more, per signal)
    return ExpansionSignal(
        signal_type,
        category if category is not None else category_of(signal_type),
        clear,
        Evidence(
            summary,
            source_ids,
            values,
            window,
            threshold,
            None if facts.prior is None else change_note(facts, signal_type, change_detail),
        ),
        observed_on or facts.today,
        episode,
        product_id,
        contact_id,
        department,
        recorded_by_cs,
    )


def r4(value: float) -> float:
    """Ratios in evidence values, rounded for reading (the decision used the exact value)."""
    return round(value, 4)
