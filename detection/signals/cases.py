"""support_request_unpurchased: a recent case about a catalog product not owned."""

from __future__ import annotations

from detection.findings import ExpansionSignal
from detection.signals.base import make_signal
from detection.signals.facts import ScanFacts
from detection.signals.wording import utc_date


def case_text(subject: str | None, description: str | None) -> str:
    """Subject and description as one searchable text (a newline keeps words apart)."""
    if subject and description:
        return f"{subject}\n{description}"
    return subject or description or ""


def find(facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str]) -> None:
    """Append one signal per recent case that names an active, unowned catalog product."""
    cfg = facts.config
    days = cfg.support_case_window_days
    catalog = facts.catalog
    owned = facts.owned
    for case in facts.snapshot.cases:
        if not facts.within_dt(case.created_date, days):
            continue
        matched: list[tuple[str, str]] = []  # (product id, how it was recognised)
        pid = case.product_id
        if pid and pid in catalog.active_ids and pid not in owned:
            matched.append((pid, "the case's product field"))
        text = case_text(case.subject, case.description)
        for product_id in catalog.words.owners_in(text):
            if product_id in owned or product_id == pid:
                continue
            named = catalog.words.first_match(product_id, text)
            matched.append((product_id, f'"{named}" in the subject/description'))
        if not matched:
            continue
        names = "; ".join(f"{catalog.name(p)} ({how})" for p, how in matched)
        created = utc_date(case.created_date).isoformat()
        out.append(
            make_signal(
                facts,
                "support_request_unpurchased",
                clear=True,
                summary=(
                    f'Case "{case.subject or "without a subject"}" opened {created} asks about a product the'
                    f" account does not own: {names}."
                ),
                episode=f"case:{case.id}",
                source_ids=(case.id, *(p for p, _ in matched)),
                values=(("products", tuple(p for p, _ in matched)), ("created", created)),
                window=f"last {days} days",
                threshold="case about an active catalog product not owned",
                product_id=matched[0][0],
            )
        )
