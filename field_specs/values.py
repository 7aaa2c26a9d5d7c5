"""Logical picklist values and their default org spellings (DESIGN.md "Default org schema").

An org may call any of these differently (tier "Strategic" instead of "T1", stage
"Qualification" instead of "S2 - Qualification"); crm_mapping binds them per org.
"""

from __future__ import annotations

from detection.findings import ALL_SIGNALS
from field_specs.model import LogicalValue

# Product-level values other modules use (plays write these; crm_mapping translates them).
TIERS = ("T1", "T2", "T3")
STAGE_S2 = "S2"
STAGE_CLOSED_WON = "Closed Won"
LEAD_SOURCE_CS_EXPANSION = "CS-driven Expansion"
OPP_TYPE_EXPANSION = "Expansion"
TASK_NOT_STARTED = "Not Started"
TASK_IN_PROGRESS = "In Progress"
TASK_COMPLETED = "Completed"
PRIORITIES = ("High", "Normal", "Low")
READINESS = ("High", "Medium", "Low", "None")
STRENGTHS = ("Strong", "Moderate", "Weak")
MEDDICC_ROLES = ("Economic Buyer", "Champion", "Decision Maker", "Coach", "Influencer",
                 "End User", "Blocker")
RADAR_ACTIONS = (
    "signal_log", "follow_up", "weekly_digest", "renewal_rescue", "health_decline",
    "thin_threading", "qbr_prep", "champion_departed", "champion_arrived", "new_logo_lead",
    "outreach_draft", "handoff_alignment", "sla_escalation", "stalled_opportunity",
    "competitive_threat", "play02_alert", "handoff_review", "qbr_meeting", "account_plan_item",
    "portfolio_actions",
)
DEPARTMENTS = ("Sales", "Marketing", "Finance", "Engineering", "IT", "Operations",
               "Human Resources", "Customer Support", "Legal", "Product")

_ACRONYMS = {"nps": "NPS", "qbr": "QBR", "sla": "SLA"}


def title_case(api_value: str) -> str:
    """Label for a snake_case API value: ``usage_spike`` -> ``Usage Spike``, NPS/QBR upper."""
    return " ".join(_ACRONYMS.get(word, word.capitalize()) for word in api_value.split("_"))


def same(values: tuple[str, ...], *, labels: bool = False) -> tuple[LogicalValue, ...]:
    """Values whose org spelling is the logical value itself (labels Title Cased if asked)."""
    return tuple(LogicalValue(v, v, title_case(v) if labels else v) for v in values)


TIER_VALUES = same(TIERS)
READINESS_VALUES = same(READINESS)
STRENGTH_VALUES = same(STRENGTHS)
MEDDICC_VALUES = same(MEDDICC_ROLES)
RADAR_ACTION_VALUES = same(RADAR_ACTIONS, labels=True)
SIGNAL_TYPE_VALUES = same(ALL_SIGNALS, labels=True)
PRIORITY_VALUES = same(PRIORITIES)
TASK_STATUS_VALUES = same((TASK_NOT_STARTED, TASK_IN_PROGRESS, TASK_COMPLETED))
DEPARTMENT_VALUES = same(DEPARTMENTS)
STAGE_VALUES = (
    LogicalValue(STAGE_S2, "S2 - Qualification", "S2 - Qualification"),
    LogicalValue(STAGE_CLOSED_WON, "Closed Won", "Closed Won"),
)
LEAD_SOURCE_VALUES = same((LEAD_SOURCE_CS_EXPANSION,))
# The deal types of the customer's ask (seed 000 step 6, seed 001's handoff): Salesforce's
# standard Type picklist has one value for all of them; an org with its own values maps each.
OPP_DEAL_TYPES = ("Upsell", "Cross-sell", "New department", "Upgrade")
OPP_TYPE_VALUES = (LogicalValue(OPP_TYPE_EXPANSION, "Existing Customer - Upgrade",
                                "Existing Customer - Upgrade"),
                   *(LogicalValue(t, "Existing Customer - Upgrade", "Existing Customer - Upgrade")
                     for t in OPP_DEAL_TYPES))
# OpportunityContactRole.Role is a standard picklist (Business User, Decision Maker, Economic
# Buyer, Evaluator, Executive Sponsor, Influencer, Technical Buyer, Other); the plays write
# MEDDICC roles and "Day-to-day", so each gets the closest standard value by default.
CONTACT_ROLE_VALUES = (
    LogicalValue("Economic Buyer", "Economic Buyer", "Economic Buyer"),
    LogicalValue("Decision Maker", "Decision Maker", "Decision Maker"),
    LogicalValue("Champion", "Influencer", "Influencer"),
    LogicalValue("Influencer", "Influencer", "Influencer"),
    LogicalValue("Coach", "Other", "Other"),
    LogicalValue("End User", "Business User", "Business User"),
    LogicalValue("Blocker", "Other", "Other"),
    LogicalValue("Day-to-day", "Business User", "Business User"),
)
