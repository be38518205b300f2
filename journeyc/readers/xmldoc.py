"""Salesforce metadata XML read safely: no DTD, no entity, no external reference, one-line errors.

Parsed with defusedxml (the standard library's ElementTree expands entities: a
"billion laughs" file would exhaust memory). Every retrieved file carries the
Metadata API namespace; elements are matched by local name.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeET

from journeyc.readers.config import ReadError

NS = "http://soap.sforce.com/2006/04/metadata"
FORECAST_CATEGORIES = ("Omitted", "Pipeline", "BestCase", "MostLikely", "Forecast", "Closed")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse(data: bytes, name: str, root: str | tuple[str, ...]) -> ET.Element:
    """The root element, which must be `root` (a Metadata API type name)."""
    try:
        element = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise ReadError(f"{name}: XML with a DTD refused (a DTD can define entities that expand without bound;"
                        " Salesforce never writes one)") from None
    except EntitiesForbidden:
        raise ReadError(f"{name}: XML with an entity declaration refused (entity expansion)") from None
    except ExternalReferenceForbidden:
        raise ReadError(f"{name}: XML with an external reference refused") from None
    except ET.ParseError as exc:
        line, col = exc.position
        message = str(exc).split(":")[0]
        raise ReadError(f"{name}:{line}:{col + 1}: not well-formed XML ({message})") from None
    roots = (root,) if isinstance(root, str) else root
    namespace = element.tag[1:].split("}")[0] if element.tag.startswith("{") else ""
    if local(element.tag) not in roots or namespace not in (NS, ""):
        raise ReadError(f"{name}:1: expected a {' or '.join(roots)} (Salesforce metadata), found <{element.tag}>")
    return element


class Element:
    """One element with its file and path, for errors and for the unknown-field list."""

    __slots__ = ("el", "file", "path", "unknown")

    def __init__(self, el: ET.Element, file: str, path: str, unknown: list[str]) -> None:
        self.el, self.file, self.path, self.unknown = el, file, path, unknown

    def fail(self, problem: str) -> ReadError:
        return ReadError(f"{self.file}: {self.path}: {problem}")

    def children(self, name: str) -> list[Element]:
        found = [c for c in self.el if local(c.tag) == name]
        return [Element(c, self.file, f"{self.path}/{name}[{i + 1}]", self.unknown) for i, c in enumerate(found)]

    def text(self, name: str) -> str | None:
        for child in self.el:
            if local(child.tag) == name:
                return (child.text or "").strip()
        return None

    def flag(self, name: str) -> bool | None:
        value = self.text(name)
        if value is None:
            return None
        if value not in ("true", "false"):
            raise self.fail(f"<{name}>: expected true or false, found {value!r}")
        return value == "true"

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except ValueError:
            raise self.fail(f"<{name}>: expected a whole number, found {value!r}") from None

    def known(self, names: frozenset[str]) -> None:
        seen: set[str] = set()
        for child in self.el:
            tag = local(child.tag) if isinstance(child.tag, str) else ""
            if tag and tag not in names and tag not in seen:
                seen.add(tag)
                self.unknown.append(f"{self.file}: {self.path}/{tag}")
