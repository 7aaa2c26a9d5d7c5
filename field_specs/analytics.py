"""Reports and a dashboard for the expansion funnel of seeds 000/001, computed by Salesforce
from the records Radar writes (the same numbers ``/admin`` shows).

- Tasks: the standard "Tasks and Events" report type (``Activity``); Activity custom fields
  are columns named ``Activity.<Field>``, standard ones by their report names (``SUBJECT``,
  ``DUE_DATE``, ``STATUS``, ``ASSIGNED``).
- Opportunities: the custom report type ``Radar_Expansion_Opportunities`` (base object
  Opportunity, Account fields through the lookup), whose report columns are written
  ``Opportunity$Field`` and ``Opportunity$Account.Field``.

Formats follow the Metadata API reference: ReportType
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_reporttype.htm),
Report (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_report.htm),
Dashboard (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_dashboard.htm)
and the report/dashboard folders (``ReportFolder``/``DashboardFolder``). The dashboard runs
as the logged-in user, so each person sees what their own sharing allows.

Not reportable from these records, and so left to ``/admin``: days from signal to handoff
and from contract start to the first expansion conversation (they join a Task's and an
Opportunity's dates), and white-space conversion (a map cell is text, not a record).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - building XML only
from dataclasses import dataclass

from field_specs.metadata_xml import el, root

REPORT_FOLDER = "Expansion_Radar"
DASHBOARD_FOLDER = "Expansion_Radar_Dashboards"
DASHBOARD = "Expansion_Radar_Funnel"
REPORT_TYPE = "Radar_Expansion_Opportunities"
_CRT = f"{REPORT_TYPE}__c"
_OPP = "Opportunity$"
CS_DRIVEN = "CS-driven Expansion"

# Fields the report type offers: (field as the report type names it, label).
_REPORT_TYPE_FIELDS = (
    "Name", "Amount", "StageName", "CloseDate", "CreatedDate", "LeadSource", "Type", "IsWon",
    "IsClosed", "Owner", "Expansion_Key__c", "Account", "Account.ARR__c", "Account.CSM__c",
    "Account.Tier__c", "Account.Expansion_Readiness__c", "Account.White_Space_Potential__c",
    "Account.Health_Score__c",
)


@dataclass(frozen=True)
class Criterion:
    column: str
    operator: str
    value: str


@dataclass(frozen=True)
class Grouping:
    field: str
    granularity: str | None = None  # Month for dates


@dataclass(frozen=True)
class ReportSpec:
    """One report: what it shows and how it is grouped."""

    name: str
    label: str
    description: str
    report_type: str
    columns: tuple[str, ...]
    criteria: tuple[Criterion, ...] = ()
    down: tuple[Grouping, ...] = ()
    across: tuple[Grouping, ...] = ()
    sums: tuple[str, ...] = ()
    date_column: str | None = None
    interval: str | None = None
    chart: str = "Column"  # the dashboard component's chart

    def __post_init__(self) -> None:
        if len(self.label) > 40:  # Report.name is at most 40 characters
            raise ValueError(f"report label {self.label!r} is longer than 40 characters")

    @property
    def format(self) -> str:
        return "Matrix" if self.across else "Summary"


_SIGNAL_LOG = Criterion("Activity.Radar_Action__c", "equals", "signal_log")
_FOLLOW_UP = Criterion("Activity.Radar_Action__c", "equals", "follow_up")
_CS_SOURCE = Criterion(f"{_OPP}LeadSource", "equals", CS_DRIVEN)
_OPP_COLUMNS = (f"{_OPP}Name", f"{_OPP}Account", f"{_OPP}StageName", f"{_OPP}CloseDate")

REPORTS = (
    ReportSpec("Radar_Signals_by_Month", "Signals per month by type and strength",
               "Every signal Expansion Radar logged (signal_log Tasks), per month of observation, "
               "by signal type and account strength (Play 04: signals detected per month).",
               "Activity", ("SUBJECT", "ACCOUNT", "ASSIGNED"), (_SIGNAL_LOG,),
               down=(Grouping("DUE_DATE", "Month"), Grouping("Activity.Expansion_Signal_Type__c")),
               across=(Grouping("Activity.Signal_Strength__c"),),
               date_column="DUE_DATE", interval="INTERVAL_LAST120", chart="Column"),
    ReportSpec("Radar_Follow_Up_Funnel", "Follow-ups: open, qualified, handed off",
               "Follow-up Tasks by status and strength: a follow-up is completed when CS filled "
               "4 of 5 qualification fields and Radar handed it to the AE (signal -> qualified "
               "-> handoff).", "Activity",
               ("SUBJECT", "ACCOUNT", "DUE_DATE", "Activity.Qual_Pain__c",
                "Activity.Qual_Budget__c", "Activity.Qual_Decision_Maker__c"), (_FOLLOW_UP,),
               down=(Grouping("STATUS"), Grouping("Activity.Signal_Strength__c")),
               date_column="CREATED_DATE", interval="INTERVAL_CURFY", chart="Donut"),
    ReportSpec("Radar_Handoffs_to_Won", "CS-driven handoffs to Closed Won",
               "Opportunities Radar created at handoff (lead source CS-driven Expansion) by "
               "stage, with their amounts (handoff -> closed won, average expansion ACV).",
               _CRT, _OPP_COLUMNS, (_CS_SOURCE,), down=(Grouping(f"{_OPP}StageName"),),
               sums=(f"{_OPP}Amount",), date_column=f"{_OPP}CreatedDate",
               interval="INTERVAL_CURFY", chart="Funnel"),
    ReportSpec("Radar_Pipeline_by_Source", "Pipeline by lead source: CS-driven share",
               "All opportunities created this fiscal year by lead source: the CS-driven "
               "Expansion row against the total is the CS-driven pipeline share (goal > 25%).",
               _CRT, _OPP_COLUMNS, down=(Grouping(f"{_OPP}LeadSource"),),
               sums=(f"{_OPP}Amount",), date_column=f"{_OPP}CreatedDate",
               interval="INTERVAL_CURFY", chart="Donut"),
    ReportSpec("Radar_CS_Pipeline_by_CS_Owner", "CS-driven pipeline per CS owner",
               "Handoffs and their amounts per customer success manager of the account "
               "(qualified handoffs count toward CS goals, seed 001).", _CRT, _OPP_COLUMNS,
               (_CS_SOURCE,), down=(Grouping(f"{_OPP}Account.CSM__c"),),
               sums=(f"{_OPP}Amount",), date_column=f"{_OPP}CreatedDate",
               interval="INTERVAL_CURFY", chart="Bar"),
    ReportSpec("Radar_Expansion_Revenue_vs_ACV", "Expansion revenue against starting ACV",
               "Closed Won CS-driven expansions per account beside the account's ACV: "
               "expansion revenue (goal 20%+ of ACV a year) and its NRR contribution.",
               _CRT, (f"{_OPP}Name", f"{_OPP}CloseDate", f"{_OPP}Account.ARR__c",
                      f"{_OPP}Account.Tier__c"),
               (_CS_SOURCE, Criterion(f"{_OPP}IsWon", "equals", "1")),
               down=(Grouping(f"{_OPP}Account"),), sums=(f"{_OPP}Amount",),
               date_column=f"{_OPP}CloseDate", interval="INTERVAL_CURFY", chart="Table"),
)


def report_type() -> ET.Element:
    element = root("ReportType")
    el(element, "baseObject", "Opportunity")
    el(element, "category", "opportunities")
    el(element, "deployed", True)
    el(element, "description", "Opportunities with their account's ACV, tier and CS owner, "
       "for Expansion Radar's funnel reports.")
    el(element, "label", "Radar Expansion Opportunities")
    section = el(element, "sections")
    for name in _REPORT_TYPE_FIELDS:
        column = el(section, "columns")
        el(column, "checkedByDefault", True)
        el(column, "field", name)
        el(column, "table", "Opportunity")
    el(section, "masterLabel", "Opportunities")
    return element


def folder(kind: str, label: str) -> ET.Element:
    """A public read-only ReportFolder / DashboardFolder."""
    element = root(kind)
    el(element, "accessType", "Public")
    el(element, "name", label)
    el(element, "publicFolderAccess", "ReadOnly")
    return element


def report(spec: ReportSpec) -> ET.Element:
    element = root("Report")
    for name in spec.sums:
        column = el(element, "columns")
        el(column, "aggregateTypes", "Sum")
        el(column, "field", name)
    for name in spec.columns:
        el(el(element, "columns"), "field", name)
    el(element, "description", spec.description[:255])
    if spec.criteria:
        criteria = el(element, "filter")
        for rule in spec.criteria:
            item = el(criteria, "criteriaItems")
            el(item, "column", rule.column)
            el(item, "isUnlocked", True)
            el(item, "operator", rule.operator)
            el(item, "value", rule.value)
    el(element, "format", spec.format)
    for tag, groups in (("groupingsAcross", spec.across), ("groupingsDown", spec.down)):
        for group in groups:
            item = el(element, tag)
            el(item, "dateGranularity", group.granularity or "Day")
            el(item, "field", group.field)
            el(item, "sortOrder", "Asc")
    el(element, "name", spec.label)
    el(element, "reportType", spec.report_type)
    el(element, "scope", "organization")
    el(element, "showDetails", False)
    el(element, "showGrandTotal", True)
    el(element, "showSubTotals", True)
    if spec.date_column:
        frame = el(element, "timeFrameFilter")
        el(frame, "dateColumn", spec.date_column)
        el(frame, "interval", spec.interval)
    return element


def dashboard() -> ET.Element:
    """Three columns of two charts each, one per report, as the logged-in user."""
    element = root("Dashboard")
    el(element, "backgroundEndColor", "#FFFFFF")
    el(element, "backgroundFadeDirection", "Diagonal")
    el(element, "backgroundStartColor", "#FFFFFF")
    el(element, "dashboardType", "LoggedInUser")
    el(element, "description", "Expansion funnel of seeds 000/001 from the records Expansion "
       "Radar writes: signals, follow-ups, handoffs, pipeline share, revenue against ACV.")
    for section, specs in zip(("leftSection", "middleSection", "rightSection"),
                              (REPORTS[0:2], REPORTS[2:4], REPORTS[4:6]), strict=True):
        column = el(element, section)
        el(column, "columnSize", "Medium")
        for spec in specs:
            component = el(column, "components")
            el(component, "autoselectColumnsFromReport", True)
            if spec.chart != "Table":
                el(component, "chartAxisRange", "Auto")
            el(component, "componentType", spec.chart)
            el(component, "displayUnits", "Auto")
            el(component, "header", spec.label[:80])
            if spec.chart in ("Donut", "Funnel"):
                el(component, "legendPosition", "Bottom")
            el(component, "report", f"{REPORT_FOLDER}/{spec.name}")
            el(component, "showPercentage", spec.chart == "Donut")
            el(component, "showValues", True)
    el(element, "textColor", "#000000")
    el(element, "title", "Expansion Radar: expansion funnel")
    el(element, "titleColor", "#000000")
    el(element, "titleSize", 12)
    return element
