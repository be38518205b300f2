"""Schema errors in the words of the fields people type, each with what to write instead (JC004).

jsonschema says `'100%' is not of type 'integer'`; a person needs "probability
is a whole number of percent from 0 to 100, without '%'". The common errors are
told per field; the others per kind of error, never in the validator's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from yaml.nodes import ScalarNode

from journeyc.wording import did_you_mean
from journeyc.workspace.model import Finding, Ref
from journeyc.workspace.sourcemap import unwrap

ID_PATTERN = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
_X_KEY = re.compile("^x-")

#: what a field holds, for the fields people type most
FIELDS = {
    "probability": "probability is a whole number of percent from 0 to 100, without '%'",
    "sla_days": "sla_days is a whole number of days, from 1 to 3650",
    "terminal": "terminal is true or false",
    "max_file_bytes": "max_file_bytes is a whole number of bytes",
}
_TYPES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
          "array": "a list", "object": "a mapping of keys to values", "null": "empty"}
_YAML_READS = {True: "true", False: "false", None: "empty (null)"}


def findings(ref: Ref, error: Any) -> Iterator[Finding]:
    kind = error.validator
    name = _field(ref)
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        for key in error.instance:
            if key not in known and not _X_KEY.match(key):
                hint = did_you_mean(key, known) or f"known keys: {', '.join(known)}; extensions start with x-"
                yield Finding(ref.at(key), f"unknown key {key!r}", hint, key=True)
    elif kind == "required":
        missing = re.match(r"'([^']*)' is a required property", error.message)
        key = missing.group(1) if missing else "?"
        yield Finding(ref, f"missing required key {key!r}", f"add `{key}:` to this mapping")
    elif kind == "pattern" and error.validator_value == ID_PATTERN:
        yield Finding(ref, f"{error.instance!r} is not a valid id",
                      f"ids are kebab-case (lowercase letters, digits, single hyphens), e.g. {slug(error.instance)!r}")
    elif kind == "type":
        yield _type(ref, name, error)
    elif kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        shown = error.instance if isinstance(error.instance, str) else _written(ref)
        hint = did_you_mean(str(shown), allowed) or "write one of them"
        yield Finding(ref, f"{name} must be one of: {', '.join(allowed)} (not {shown!r})", hint)
    elif kind in ("minimum", "maximum"):
        yield Finding(ref, FIELDS.get(name) or f"{name} must be {'at least' if kind == 'minimum' else 'at most'}"
                      f" {error.validator_value}", f"write a value {'from' if kind == 'minimum' else 'up to'}"
                      f" {error.validator_value}")
    elif kind == "minLength":
        yield Finding(ref, f"{name} is empty", f"write the {name}, or remove the key")
    elif kind == "maxLength":
        yield Finding(ref, f"{name} is longer than {error.validator_value} characters", "shorten it")
    elif kind == "minItems":
        yield Finding(ref, f"{name} lists nothing", f"list at least {error.validator_value} item, or remove the key")
    elif kind == "pattern":
        yield Finding(ref, f"{name} {error.instance!r} is not in the expected form", f"match {error.validator_value}")
    else:
        yield Finding(ref, f"{name}: {error.message}", "see `journeyc schema` for what this key takes")


def _field(ref: Ref) -> str:
    names = [p for p in ref.path if isinstance(p, str)]
    return names[-1] if names else "the document"


def _type(ref: Ref, name: str, error: Any) -> Finding:
    wanted = error.validator_value
    wanted = wanted[0] if isinstance(wanted, list) else wanted
    instance = error.instance
    if isinstance(instance, bool) or instance is None:
        written = _written(ref)
        if wanted == "string" and written:
            return Finding(ref, f"YAML reads `{written}` as {_YAML_READS[instance]}, not as text",
                           f"quote it: \"{written}\"")
    if name in FIELDS and wanted in ("integer", "number", "boolean"):
        return Finding(ref, FIELDS[name], f"write it without quotes or units, e.g. {name}: {_example(name)}")
    if wanted == "array":
        return Finding(ref, f"{name} is a list", f"write {name}: [{_written(ref) or '...'}], or one `- item` per line")
    if wanted == "string" and isinstance(instance, list):
        first = next((str(v) for v in instance if isinstance(v, str)), "...")
        return Finding(ref, f"{name} takes one value, not a list", f"write one of them: {name}: {first}")
    if wanted == "string" and isinstance(instance, dict):
        return Finding(ref, f"{name} takes one value, not a mapping", f"write it as text: {name}: ...")
    if wanted == "string" and isinstance(instance, (int, float)):
        return Finding(ref, f"{name} must be text, but YAML reads `{_written(ref)}` as a number",
                       f"quote it: \"{_written(ref)}\"")
    return Finding(ref, f"{name} must be {_TYPES.get(str(wanted), wanted)}", "see `journeyc schema` for what it takes")


def _example(name: str) -> str:
    return {"probability": "30", "sla_days": "5", "terminal": "true"}.get(name, "1")


def _written(ref: Ref) -> str:
    """The text as written in the file (what YAML read as a bool, a null or a number)."""
    node = unwrap(ref.doc.smap.node(ref.path))
    return node.value if isinstance(node, ScalarNode) else ""


def slug(text: Any) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    s = s if s and s[0].isalpha() else f"x-{s}".strip("-")
    return s[:64].rstrip("-") or "id"
