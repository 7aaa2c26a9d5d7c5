"""Writing Metadata API XML: one namespace, children in the order ``sf project retrieve``
writes them, four-space indents, and an XML declaration (what every SFDX source file has)."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - building XML only; parsing goes through defusedxml
from collections.abc import Iterable, Mapping
from pathlib import Path

NS = "http://soap.sforce.com/2006/04/metadata"
API_VERSION = "59.0"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

Value = str | int | bool | None


def root(tag: str) -> ET.Element:
    """A metadata root element (``CustomField``, ``ListView``, ...) in the metadata namespace."""
    return ET.Element(f"{{{NS}}}{tag}")


def el(parent: ET.Element, tag: str, text: Value = None) -> ET.Element:
    """Append ``<tag>text</tag>``; booleans are written ``true``/``false`` as Salesforce does."""
    child = ET.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        child.text = str(text).lower() if isinstance(text, bool) else str(text)
    return child


def fill(parent: ET.Element, props: Mapping[str, Value | Iterable[Value]]) -> ET.Element:
    """Append scalar or repeated children in the given order (lists repeat the tag)."""
    for tag, value in props.items():
        if isinstance(value, list | tuple):
            for item in value:
                el(parent, tag, item)
        elif value is not None:
            el(parent, tag, value)
    return parent


def manifest(members: Mapping[str, Iterable[str]]) -> ET.Element:
    """A ``package.xml`` Package: one ``types`` per metadata type, members in given order."""
    package = root("Package")
    for type_name, names in members.items():
        types = el(package, "types")
        for name in names:
            el(types, "members", name)
        el(types, "name", type_name)
    el(package, "version", API_VERSION)
    return package


def write(element: ET.Element, path: Path) -> Path:
    """Write ``element`` as a metadata file (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.register_namespace("", NS)
    ET.indent(element, space="    ")
    path.write_text(_DECLARATION + ET.tostring(element, encoding="unicode") + "\n",
                    encoding="utf-8")
    return path
