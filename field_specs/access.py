"""Permission sets for the people who work with Radar's output in Salesforce.

- ``Expansion_Radar_CS`` (customer success): read every Radar field; edit the five
  qualification fields on Tasks (that is how CS qualifies a follow-up, seed 001) and the
  MEDDICC role of contacts (a role a person sets is never overwritten).
- ``Expansion_Radar_AE`` (account executives): read every Radar field; edit the MEDDICC
  fields of the Opportunities they own after the handoff, and contact roles.

Both can read ``Product_Usage__c`` (a custom object needs an explicit grant) and the
``White_Space_Json__c`` field the Account panel reads (``getRecord`` returns only the fields
the user may read). ``Radar_Last_Written__c`` is the service's own memo and is left out.
Field-level security follows the PermissionSet type of the Metadata API
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_permissionset.htm);
Activity fields are granted on Task and Event, which share them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - building XML only
from dataclasses import dataclass

from field_specs.metadata_xml import el, root
from field_specs.sfdx import ACTIVITY_OBJECTS, CustomFieldSpec

_INTERNAL = frozenset({"Radar_Last_Written__c"})
_QUALIFICATION = frozenset({"Qual_Pain__c", "Qual_Metrics__c", "Qual_Timeline__c",
                            "Qual_Decision_Maker__c", "Qual_Budget__c"})
_MEDDICC = frozenset({"Metrics__c", "Economic_Buyer__c", "Identified_Pain__c", "Champion__c",
                      "Decision_Criteria__c", "Decision_Process__c", "Competition__c"})


@dataclass(frozen=True)
class UserPermissionSet:
    """A permission set for people: which fields they may edit on which objects."""

    name: str
    label: str
    description: str
    editable: frozenset[str]  # "Task.Qual_Pain__c", "Contact.MEDDICC_Role__c", ...


CS = UserPermissionSet(
    "Expansion_Radar_CS", "Expansion Radar: Customer Success",
    "Read Expansion Radar's fields and the Account panel; fill the five qualification fields "
    "on follow-up Tasks and MEDDICC roles on contacts.",
    frozenset({f"Task.{name}" for name in _QUALIFICATION} | {"Contact.MEDDICC_Role__c"}))
AE = UserPermissionSet(
    "Expansion_Radar_AE", "Expansion Radar: Account Executive",
    "Read Expansion Radar's fields and the Account panel; edit the MEDDICC fields of "
    "CS-driven expansion Opportunities and MEDDICC roles on contacts.",
    frozenset({f"Opportunity.{name}" for name in _MEDDICC} | {"Contact.MEDDICC_Role__c"}))
USER_PERMISSION_SETS = (CS, AE)


def user_permission_set(spec: UserPermissionSet, fields: list[CustomFieldSpec]) -> ET.Element:
    """The PermissionSet element (children in retrieve order)."""
    element = root("PermissionSet")
    el(element, "description", spec.description)
    grants: list[str] = []
    for field in fields:
        if field.field.api_name in _INTERNAL or field.metadata_object.endswith("__mdt"):
            continue
        objects = ACTIVITY_OBJECTS if field.metadata_object == "Activity" else (
            field.metadata_object,)
        grants += [f"{obj}.{field.field.api_name}" for obj in objects]
    for name in sorted(grants):
        grant = el(element, "fieldPermissions")
        el(grant, "editable", name in spec.editable)
        el(grant, "field", name)
        el(grant, "readable", True)
    el(element, "hasActivationRequired", False)
    el(element, "label", spec.label)
    grant = el(element, "objectPermissions")
    for tag, value in (("allowCreate", False), ("allowDelete", False), ("allowEdit", False),
                       ("allowRead", True), ("modifyAllRecords", False),
                       ("object", "Product_Usage__c"), ("viewAllRecords", False)):
        el(grant, tag, value)
    return element
