"""The Account record page that places the Radar panel, and the package's static sources.

The FlexiPage follows the Metadata API's FlexiPage type
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_flexipage.htm)
and the layout of Salesforce's own sample apps: the record home template with a header
(highlights panel), a main region and a sidebar (the activity timeline). The panel leads the
main region, where its white-space table has room for its columns; on a phone the table
stacks each product into a card. Deploying it does not make it the org default:
the admin activates it in Lightning App Builder (docs/setup-salesforce.md), or drags the
component onto the page they already use.

Static sources (the Lightning Web Component, the Apex action behind the signed webhook
callout, its Named/External Credential and flow) are files under ``field_specs/salesforce``
copied as they are; Jest tests (``__tests__``) stay out of the package.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET  # noqa: S405 - building XML only
from pathlib import Path

from field_specs.metadata_xml import el, root

COMPONENT = "radarAccountPanel"
FLEXIPAGE = "Radar_Account_Record_Page"
STATIC_SOURCE = Path(__file__).parent / "salesforce"


def _component(region: ET.Element, name: str,
               properties: tuple[tuple[str, str], ...] = ()) -> None:
    instance = el(el(region, "itemInstances"), "componentInstance")
    for key, value in properties:
        prop = el(instance, "componentInstanceProperties")
        el(prop, "name", key)
        el(prop, "value", value)
    el(instance, "componentName", name)


def _region(page: ET.Element, name: str, components: tuple[tuple[str, tuple], ...],
            kind: str = "Region") -> None:
    region = el(page, "flexiPageRegions")
    for component, properties in components:
        _component(region, component, properties)
    el(region, "mode", "Replace")
    el(region, "name", name)
    el(region, "type", kind)


def account_record_page() -> ET.Element:
    page = root("FlexiPage")
    _region(page, "header", (("force:highlightsPanel", (("collapsed", "false"),
                                                         ("numVisibleActions", "3"))),))
    _region(page, "main", ((COMPONENT, ()), ("force:detailPanel", ()),
                           ("force:relatedListContainer",
                            (("relatedListComponentOverride", "NONE"),))))
    _region(page, "sidebar", (("runtime_sales_activities:activityPanel", ()),))
    el(page, "description", "Account page with the Expansion Radar panel: readiness, "
       "white-space map, current signals and the open follow-up.")
    el(page, "masterLabel", "Account Record Page (Expansion Radar)")
    el(page, "parentFlexiPage", "sfa__Account_rec_L")
    el(page, "sobjectType", "Account")
    el(el(page, "template"), "name", "flexipage:recordHomeTemplateDesktop")
    el(page, "type", "RecordPage")
    return page


def copy_static_sources(source: Path) -> list[Path]:
    """Copy ``field_specs/salesforce`` into ``source`` (force-app/main/default); returns the
    files written, without Jest tests or editor files."""
    written = []
    for path in sorted(STATIC_SOURCE.rglob("*")):
        relative = path.relative_to(STATIC_SOURCE)
        if path.is_dir() or "__tests__" in relative.parts or path.name.startswith("."):
            continue
        target = source / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        written.append(target)
    return written
