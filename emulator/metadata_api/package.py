"""Read a Metadata API deploy zip: ``package.xml`` and the components in metadata format.

The Salesforce CLI converts source format to metadata format before it deploys
(source-deploy-retrieve, ``singlePackage: true``): ``package.xml`` at the zip's root,
``objects/Account.object`` holding a ``CustomObject`` whose ``fields`` are the CustomFields,
``permissionsets/X.permissionset``, ``lwc/bundle/...``. A zip with one top folder
(``unpackaged/package.xml``, what ``singlePackage: false`` tools send) is read the same way.

Limits follow the Metadata API's (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deploy.htm:
39 MB zipped, about 400 MB unzipped, 10,000 files); every XML file is parsed with defusedxml.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element  # noqa: S405 - only the type; parsing is defusedxml

from defusedxml import ElementTree

NS = "{http://soap.sforce.com/2006/04/metadata}"
MAX_ZIPPED = 39 * 1024 * 1024
MAX_UNZIPPED = 400 * 1024 * 1024
MAX_FILES = 10_000

# Metadata-format folder -> (type, file suffix or "" for bundles/folders). From the Metadata
# API's describeMetadata (directoryName, suffix, xmlName).
FOLDERS: dict[str, tuple[str, str]] = {
    "objects": ("CustomObject", "object"), "permissionsets": ("PermissionSet", "permissionset"),
    "layouts": ("Layout", "layout"), "flexipages": ("FlexiPage", "flexipage"),
    "lwc": ("LightningComponentBundle", ""), "aura": ("AuraDefinitionBundle", ""),
    "reportTypes": ("ReportType", "reportType"), "reports": ("Report", "report"),
    "dashboards": ("Dashboard", "dashboard"), "flows": ("Flow", "flow"),
    "workflows": ("Workflow", "workflow"), "classes": ("ApexClass", "cls"),
    "triggers": ("ApexTrigger", "trigger"), "pages": ("ApexPage", "page"),
    "components": ("ApexComponent", "component"), "staticresources": ("StaticResource", "resource"),
    "tabs": ("CustomTab", "tab"), "applications": ("CustomApplication", "app"),
    "labels": ("CustomLabels", "labels"), "remoteSiteSettings": ("RemoteSiteSetting", "remoteSite"),
    "namedCredentials": ("NamedCredential", "namedCredential"),
    "externalCredentials": ("ExternalCredential", "externalCredential"),
    "customMetadata": ("CustomMetadata", "md"), "quickActions": ("QuickAction", "quickAction"),
    "profiles": ("Profile", "profile"), "email": ("EmailTemplate", "email"),
    "connectedApps": ("ConnectedApp", "connectedApp"), "globalValueSets": ("GlobalValueSet", "globalValueSet"),
    "customPermissions": ("CustomPermission", "customPermission"),
    "notificationtypes": ("CustomNotificationType", "notiftype"),
    "permissionsetgroups": ("PermissionSetGroup", "permissionsetgroup"),
}
# Child types a parent file holds (CustomObject.fields -> CustomField "Account.X__c").
CHILD_TYPES: dict[str, dict[str, str]] = {
    "CustomObject": {"fields": "CustomField", "listViews": "ListView", "validationRules": "ValidationRule",
                     "recordTypes": "RecordType", "webLinks": "WebLink", "compactLayouts": "CompactLayout",
                     "fieldSets": "FieldSet", "businessProcesses": "BusinessProcess"},
    "Workflow": {"outboundMessages": "WorkflowOutboundMessage", "rules": "WorkflowRule",
                 "fieldUpdates": "WorkflowFieldUpdate", "alerts": "WorkflowAlert", "tasks": "WorkflowTask"},
    "CustomLabels": {"labels": "CustomLabel"},
}
KNOWN_TYPES = frozenset(t for t, _ in FOLDERS.values()) | frozenset(
    c for children in CHILD_TYPES.values() for c in children.values()) | {"Document", "Folder", "ReportFolder",
                                                                           "DashboardFolder", "Settings"}


class PackageError(ValueError):
    """The zip cannot be deployed at all (the deploy fails with this as its errorMessage)."""


@dataclass
class Component:
    """One component of the deploy: its type, full name, file and parsed XML (None for code)."""

    type: str
    full_name: str
    file_name: str
    xml: Element | None
    raw: bytes = b""
    children: list[Component] = field(default_factory=list)
    parse_error: str | None = None


@dataclass
class Package:
    """package.xml's members by type and the components found in the zip."""

    api_version: str
    members: dict[str, list[str]]
    components: list[Component]


def read_zip(data: bytes) -> Package:
    """Open and check the zip, parse package.xml and every component file."""
    if len(data) > MAX_ZIPPED:
        raise PackageError(f"Maximum size of request reached. Maximum size of request is {MAX_ZIPPED} bytes.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError("The deployment zip file is not valid (it cannot be read as a zip archive).") from None
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise PackageError("The deployment zip file is too large once unzipped.")
    files = {i.filename: archive.read(i) for i in infos}
    root = _root(files)
    files = {name[len(root):]: body for name, body in files.items() if name.startswith(root)}
    package = _xml(files["package.xml"], "package.xml")
    members: dict[str, list[str]] = {}
    for types in package.findall(NS + "types"):
        name = (types.findtext(NS + "name") or "").strip()
        members.setdefault(name, []).extend((m.text or "").strip() for m in types.findall(NS + "members"))
    version = (package.findtext(NS + "version") or "").strip()
    components = _components({k: v for k, v in files.items() if k != "package.xml"})
    return Package(version, members, components)


def _root(files: dict[str, bytes]) -> str:
    if "package.xml" in files:
        return ""
    candidates = [name[: -len("package.xml")] for name in files if name.endswith("/package.xml")
                  and name.count("/") == 1]
    if len(candidates) != 1:
        raise PackageError("No package.xml found")
    return candidates[0]


def _xml(body: bytes, file_name: str) -> Element:
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise PackageError(f"{file_name}: Error parsing file: {exc}") from None


def _components(files: dict[str, bytes]) -> list[Component]:
    bundles: dict[tuple[str, str], Component] = {}
    found: list[Component] = []
    for name in sorted(files):
        if name.endswith("-meta.xml") and name[: -len("-meta.xml")] in files:
            continue  # the metadata file beside code (Foo.cls-meta.xml) belongs to Foo.cls
        folder, _, rest = name.partition("/")
        mdtype, suffix = FOLDERS.get(folder, ("", ""))
        if not mdtype or not rest:
            found.append(Component("", name, name, None, files[name],
                                   parse_error=f"Unknown file type or directory: {name}"))
            continue
        if not suffix:  # bundle: lwc/<bundle>/<file>
            bundle = rest.split("/")[0]
            key = (mdtype, bundle)
            if key not in bundles:
                bundles[key] = Component(mdtype, bundle, f"{folder}/{bundle}", None)
                found.append(bundles[key])
            bundles[key].raw += files[name]
            continue
        full_name = rest.rsplit(".", 1)[0] if rest.endswith("." + suffix) else rest
        found.append(_component(mdtype, full_name, name, files[name], files.get(name + "-meta.xml")))
    return found


def _component(mdtype: str, full_name: str, file_name: str, body: bytes, meta: bytes | None) -> Component:
    source = meta if meta is not None else body
    try:
        element = ElementTree.fromstring(source)
    except ElementTree.ParseError as exc:
        return Component(mdtype, full_name, file_name, None, body, parse_error=f"Error parsing file: {exc}")
    component = Component(mdtype, full_name, file_name, element, body)
    for tag, child_type in CHILD_TYPES.get(mdtype, {}).items():
        for child in element.findall(NS + tag):
            child_name = (child.findtext(NS + "fullName") or "").strip()
            component.children.append(Component(child_type, f"{full_name}.{child_name}", file_name, child))
    return component
