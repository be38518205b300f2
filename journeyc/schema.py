"""JSON Schema validation of each document, with errors located in the source.

Valid documents (nearly all of them) go through a validator that fastjsonschema
compiled from the same schema; only a failing document pays for jsonschema's
complete, readable error listing. The two agree because both read `schemas/`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from journeyc.loading import Document
from journeyc.model import Finding, Ref
from journeyc.resources import schema

ID_PATTERN = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
_X_KEY = re.compile("^x-")


@cache
def _fast(kind: str) -> Callable[[Any], Any]:
    import fastjsonschema

    return fastjsonschema.compile(schema(kind), use_default=False, use_formats=False)  # type: ignore[no-any-return]


@cache
def _full(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(kind))


def validate(doc: Document) -> Iterator[Finding]:
    """Schema findings (all reported as JC004 by the engine) for one document."""
    try:
        _fast(doc.kind)(doc.data)
        return
    except Exception:  # noqa: BLE001 - any failure of the fast path means: list the errors properly
        pass
    errors = sorted(_full(doc.kind).iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        yield from _findings(Ref(doc, tuple(error.absolute_path)), error)


def _findings(ref: Ref, error: Any) -> Iterator[Finding]:
    kind = error.validator
    if _is_stage_owner(ref.path) and error.instance in (None, ""):
        return  # `owner:` left empty: JC301 reports it
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        for name in error.instance:
            if name not in known and not _X_KEY.match(name):
                yield _unknown_key(ref.at(name), name, known)
    elif kind == "required":
        missing = re.match(r"'([^']*)' is a required property", error.message)
        name = missing.group(1) if missing else "?"
        if name == "owner" and _is_stage_owner(ref.path + ("owner",)):
            return  # JC301 says it better: every stage needs an accountable team
        yield Finding(ref, f"missing required key {name!r}", f"add `{name}:` to this mapping")
    elif kind == "pattern" and error.validator_value == ID_PATTERN:
        yield Finding(ref, f"{error.instance!r} is not a valid id",
                      f"ids are kebab-case (lowercase letters, digits, single hyphens), e.g. {slug(error.instance)!r}")
    else:
        yield Finding(ref, error.message)


def _is_stage_owner(path: tuple[str | int, ...]) -> bool:
    return len(path) == 3 and path[0] == "stages" and path[2] == "owner"


def _unknown_key(ref: Ref, name: str, known: list[str]) -> Finding:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}; extensions start with x-"
    return Finding(ref, f"unknown key {name!r}", hint, key=True)


def slug(text: Any) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    s = s if s and s[0].isalpha() else f"x-{s}".strip("-")
    return s[:64].rstrip("-") or "id"
