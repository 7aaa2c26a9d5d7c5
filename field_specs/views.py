"""List views CS and AE users open from the Tasks and Accounts tabs.

ListView metadata lives under ``objects/<Object>/listViews/`` in source format
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_listview.htm):
``fullName``, ``columns`` (standard columns by their list-view names such as ``SUBJECT`` or
``ACCOUNT.NAME``, custom fields by API name), ``filterScope`` (``Mine`` / ``Everything``),
``filters`` (field, operation, value; date literals such as ``THIS_WEEK``), ``label``.
Every custom field a view names is a field of this package (tests check it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - building XML only
from dataclasses import dataclass

from field_specs.metadata_xml import el, root


@dataclass(frozen=True)
class Filter:
    field: str
    operation: str  # equals, notEqual, greaterOrEqual, ...
    value: str


@dataclass(frozen=True)
class ListViewSpec:
    sobject: str
    name: str
    label: str
    scope: str
    columns: tuple[str, ...]
    filters: tuple[Filter, ...]


_TASK_COLUMNS = ("SUBJECT", "WHAT_NAME", "WHO_NAME", "DUE_DATE", "PRIORITY", "STATUS",
                 "Signal_Strength__c", "CORE.USERS.ALIAS")
LIST_VIEWS = (
    ListViewSpec("Task", "Radar_My_Open_Follow_Ups", "My open expansion follow-ups", "Mine",
                 _TASK_COLUMNS + ("Qual_Pain__c", "Qual_Budget__c"),
                 (Filter("Radar_Action__c", "equals", "follow_up"),
                  Filter("STATUS", "notEqual", "Completed"))),
    ListViewSpec("Task", "Radar_Strong_Signals_This_Week", "Strong signals this week",
                 "Everything", _TASK_COLUMNS + ("Expansion_Signal_Type__c",),
                 (Filter("Radar_Action__c", "equals", "signal_log"),
                  Filter("Signal_Strength__c", "equals", "Strong"),
                  Filter("CREATED_DATE", "equals", "THIS_WEEK"))),
    ListViewSpec("Task", "Radar_QBR_Prep_Due", "QBR prep due", "Mine", _TASK_COLUMNS[:6],
                 (Filter("Radar_Action__c", "equals", "qbr_prep"),
                  Filter("STATUS", "notEqual", "Completed"))),
    ListViewSpec("Account", "Radar_Expansion_Readiness_High", "Expansion readiness High",
                 "Everything",
                 ("ACCOUNT.NAME", "Tier__c", "Health_Score__c", "ARR__c",
                  "White_Space_Potential__c", "Renewal_Date__c", "Last_Expansion_Scan__c",
                  "CORE.USERS.ALIAS"),
                 (Filter("Expansion_Readiness__c", "equals", "High"),)),
)


def list_view(spec: ListViewSpec) -> ET.Element:
    element = root("ListView")
    el(element, "fullName", spec.name)
    for column in spec.columns:
        el(element, "columns", column)
    el(element, "filterScope", spec.scope)
    for rule in spec.filters:
        item = el(element, "filters")
        el(item, "field", rule.field)
        el(item, "operation", rule.operation)
        el(item, "value", rule.value)
    el(element, "label", spec.label)
    return element
