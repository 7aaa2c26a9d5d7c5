"""The package the admin deploys in one go (``radar package export``), generated from code.

Everything comes from one source of truth: the catalog (custom fields, permission sets),
the specs in ``access``, ``views``, ``analytics`` and ``pages``, and the static sources in
``field_specs/salesforce`` (the Lightning Web Component and the signed-callout pieces).

Layout (SFDX source format): ``sfdx-project.json``, ``.forceignore``,
``manifest/package.xml`` and ``force-app/main/default/<type folders>``. The manifest lists
every component written, derived from the files themselves so it cannot drift.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from field_specs import access, analytics, pages, views
from field_specs.metadata_xml import manifest, write
from field_specs.sfdx import custom_fields, export_metadata

# folder pattern (relative to force-app/main/default) -> metadata type; the member name is
# the named groups joined by "." (objects) or "/" (folders).
_MEMBERS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), type_name, joiner) for pattern, type_name, joiner in (
        (r"^classes/(?P<a>[^/]+)\.cls$", "ApexClass", ""),
        (r"^objects/(?P<a>[^/]+)/fields/(?P<b>[^/]+)\.field-meta\.xml$", "CustomField", "."),
        (r"^objects/(?P<a>[^/]+)/(?P=a)\.object-meta\.xml$", "CustomObject", ""),
        (r"^objects/(?P<a>[^/]+)/listViews/(?P<b>[^/]+)\.listView-meta\.xml$", "ListView", "."),
        (r"^permissionsets/(?P<a>[^/]+)\.permissionset-meta\.xml$", "PermissionSet", ""),
        (r"^flows/(?P<a>[^/]+)\.flow-meta\.xml$", "Flow", ""),
        (r"^flexipages/(?P<a>[^/]+)\.flexipage-meta\.xml$", "FlexiPage", ""),
        (r"^lwc/(?P<a>[^/]+)/(?P=a)\.js-meta\.xml$", "LightningComponentBundle", ""),
        (r"^namedCredentials/(?P<a>[^/]+)\.namedCredential-meta\.xml$", "NamedCredential", ""),
        (r"^externalCredentials/(?P<a>[^/]+)\.externalCredential-meta\.xml$",
         "ExternalCredential", ""),
        (r"^reportTypes/(?P<a>[^/]+)\.reportType-meta\.xml$", "ReportType", ""),
        (r"^reports/(?P<a>[^/]+)\.reportFolder-meta\.xml$", "Report", ""),
        (r"^reports/(?P<a>[^/]+)/(?P<b>[^/]+)\.report-meta\.xml$", "Report", "/"),
        (r"^dashboards/(?P<a>[^/]+)\.dashboardFolder-meta\.xml$", "Dashboard", ""),
        (r"^dashboards/(?P<a>[^/]+)/(?P<b>[^/]+)\.dashboard-meta\.xml$", "Dashboard", "/"),
    ))
_FORCEIGNORE = "# Jest tests and editor files are not metadata\n**/__tests__/**\n**/jsconfig.json\n**/.eslintrc.json\n"


def manifest_members(source: Path) -> dict[str, list[str]]:
    """Metadata type -> sorted member names, for every component file under ``source``."""
    members: dict[str, set[str]] = defaultdict(set)
    for path in source.rglob("*"):
        relative = path.relative_to(source).as_posix()
        for pattern, type_name, joiner in _MEMBERS:
            match = pattern.match(relative)
            if match:
                parts = [v for v in match.groupdict().values() if v]
                members[type_name].add(joiner.join(parts) if joiner else parts[0])
    return {name: sorted(found) for name, found in sorted(members.items())}


def export_package(out_dir: Path) -> Path:
    """Write the whole package into ``out_dir``; returns ``force-app/main/default``."""
    out_dir = Path(out_dir)
    source = export_metadata(out_dir)  # custom fields, Product_Usage__c, integration access
    fields = custom_fields()
    for spec in access.USER_PERMISSION_SETS:
        write(access.user_permission_set(spec, fields),
              source / "permissionsets" / f"{spec.name}.permissionset-meta.xml")
    for view in views.LIST_VIEWS:
        write(views.list_view(view),
              source / "objects" / view.sobject / "listViews" / f"{view.name}.listView-meta.xml")
    write(analytics.report_type(),
          source / "reportTypes" / f"{analytics.REPORT_TYPE}.reportType-meta.xml")
    write(analytics.folder("ReportFolder", "Expansion Radar"),
          source / "reports" / f"{analytics.REPORT_FOLDER}.reportFolder-meta.xml")
    for spec in analytics.REPORTS:
        write(analytics.report(spec),
              source / "reports" / analytics.REPORT_FOLDER / f"{spec.name}.report-meta.xml")
    write(analytics.folder("DashboardFolder", "Expansion Radar"),
          source / "dashboards" / f"{analytics.DASHBOARD_FOLDER}.dashboardFolder-meta.xml")
    write(analytics.dashboard(), source / "dashboards" / analytics.DASHBOARD_FOLDER
          / f"{analytics.DASHBOARD}.dashboard-meta.xml")
    write(pages.account_record_page(),
          source / "flexipages" / f"{pages.FLEXIPAGE}.flexipage-meta.xml")
    pages.copy_static_sources(source)
    write(manifest(manifest_members(source)), out_dir / "manifest" / "package.xml")
    (out_dir / ".forceignore").write_text(_FORCEIGNORE, encoding="utf-8")
    return source
