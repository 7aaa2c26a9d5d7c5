"""nps_promoter: a recent promoter score (seed 001's Play 04 and seed 000's Play 02 trigger)."""

from __future__ import annotations

from detection.findings import ExpansionSignal
from detection.signals.base import make_signal
from detection.signals.facts import ScanFacts
from detection.signals.wording import is_blank, num

NPS_NAMES = ("account.nps_score", "account.nps_date")


def find(facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str]) -> None:
    """Append an nps_promoter signal when the last NPS answer is a promoter's."""
    snap = facts.snapshot
    cfg = facts.config
    score, answered = snap.nps_score, snap.nps_date
    if score is None or answered is None:
        if facts.missing(*NPS_NAMES):
            gaps.append("nps_promoter: NPS score or date not provided by the org")
        return
    if not facts.within(answered, cfg.nps_window_days):
        return
    has_comment = not is_blank(snap.nps_comment)
    promoter = score >= cfg.nps_promoter_score and has_comment
    t1_trigger = snap.tier == "T1" and score >= cfg.nps_t1_score
    if not (promoter or t1_trigger):
        return
    if promoter:
        comment = snap.nps_comment.strip()
        if len(comment) > 160:
            comment = comment[:157] + "..."
        summary = f'NPS {num(score)} on {answered.isoformat()} with the comment "{comment}".'
        threshold = f"NPS >= {num(cfg.nps_promoter_score)} with a comment"
    else:
        summary = (
            f"T1 account answered NPS {num(score)} on {answered.isoformat()}"
            f" (Play 02 trigger: NPS >= {num(cfg.nps_t1_score)})."
        )
        threshold = f"T1 and NPS >= {num(cfg.nps_t1_score)}"
    out.append(
        make_signal(
            facts,
            "nps_promoter",
            clear=promoter,
            summary=summary,
            episode=f"nps:{answered.isoformat()}",
            source_ids=(snap.id,),
            values=(("score", score), ("date", answered.isoformat()), ("comment", has_comment)),
            window=f"last {cfg.nps_window_days} days",
            threshold=threshold,
            observed_on=answered,
        )
    )
