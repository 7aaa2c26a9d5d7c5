"""The five qualification fields CS fills, mapped to the MEDDICC fields they really are.

MEDDICC's letters: Metrics (the measurable outcome the customer expects), Economic Buyer (the
person who owns the budget and signs), Decision Criteria (how they will judge the options),
Decision Process (the steps, approvals and dates to a decision), Identified Pain, Champion,
Competition. Seed 001 step 2 asks CS for pain, expected outcome, timeline, the decision
maker ("who approves the budget?") and the budget situation. So:

| qualification field      | MEDDICC field                                                    |
|--------------------------|------------------------------------------------------------------|
| Qual_Pain__c             | Identified_Pain__c                                                |
| Qual_Metrics__c          | Metrics__c                                                        |
| Qual_Decision_Maker__c   | Economic_Buyer__c (the person; the stakeholder map's match wins), |
|                          | and Decision_Process__c when it describes approval steps          |
| Qual_Timeline__c         | Decision_Process__c (when the decision is due)                    |
| Qual_Budget__c           | none: budget is not a MEDDICC letter; it sizes the Amount and is  |
|                          | quoted in the handoff document                                    |

Decision_Criteria__c stays empty: none of the five fields says how the customer will judge.
Champion and Competition come from the stakeholder map and the competitors seen, not from
the qualification fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# words that make "who decides" a description of steps rather than a person
_PROCESS = re.compile(
    r"\b(?:approv\w*|sign[- ]?off|committee|board|procurement|legal|security review|review"
    r"|rfp|tender|process|budget cycle|then|after|before|steps?|vote|panel)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class MeddiccFields:
    """Values for the Opportunity's MEDDICC fields (None: leave the field empty)."""

    metrics: str | None = None
    economic_buyer: str | None = None
    decision_criteria: str | None = None
    decision_process: str | None = None
    identified_pain: str | None = None
    champion: str | None = None
    competition: str | None = None


def _clean(text: str | None) -> str | None:
    value = " ".join((text or "").split())
    return value or None


def describes_process(text: str | None) -> bool:
    """Whether CS's "decision maker" text describes approval steps ("CFO sign-off after
    procurement review") rather than only naming a person."""
    return bool(text and _PROCESS.search(text))


def map_meddicc(*, pain: str | None, metrics: str | None, timeline: str | None,
                decision_maker: str | None, economic_buyer_contact: str | None,
                champion: str | None, competitors: tuple[str, ...] = ()) -> MeddiccFields:
    """The MEDDICC fields from CS's qualification (see the module docstring).

    Args:
        pain, metrics, timeline, decision_maker: the qualification fields as CS wrote them.
        economic_buyer_contact: "Name, Title" of the contact CS named (or the stakeholder
            map's economic buyer); CS's own words are used when no contact matches.
        champion: "Name, Title" of the active champion.
        competitors: competitors seen at the account.
    """
    who = _clean(decision_maker)
    process = []
    if who and describes_process(who):
        process.append(f"Approval: {who}")
    when = _clean(timeline)
    if when:
        process.insert(0, f"Timeline: {when}")
    buyer = economic_buyer_contact or (who if who and not describes_process(who) else None)
    return MeddiccFields(
        metrics=_clean(metrics),
        economic_buyer=buyer,
        decision_criteria=None,
        decision_process="; ".join(process) or None,
        identified_pain=_clean(pain),
        champion=champion,
        competition=", ".join(competitors) or None,
    )
