"""Is this YAML document, or this file, journeyc's? The header (`apiVersion`, `kind`) and the cheap guesses.

A document is journeyc's when its top-level mapping says `apiVersion:
journeyc/v1` and a known `kind`. A document that looks like one (a top-level
`kind` of Config, Teams, Vocabulary or Journey, or an `apiVersion` starting
with `journeyc`, in any letter case, under a key spelled in any case) but is
not exactly that is an error (JC003): nothing journeyc should read is skipped
silently. The byte-level guesses decide only what is certain; anything else
is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import MappingNode, ScalarNode

from journeyc.diagnostics import Diagnostic, Position, Severity
from journeyc.wording import did_you_mean
from journeyc.workspace.sourcemap import AnyNode, node_span, unwrap

API_VERSION = "journeyc/v1"
KINDS = ("Config", "Teams", "Vocabulary", "Journey")
_KIND_OF = {k.lower(): k for k in KINDS}

#: what any file that journeyc may have to read contains somewhere: its name, a kind, or an escape that could
#: spell either (a `\` in a double-quoted string); a file with none of these is certainly not journeyc's
_MAYBE_OURS = re.compile(rb"(?i)journeyc|config|teams|vocabulary|journey|\\")
_KIND_LINE = re.compile(rb"(?im)^[\"']?kind[\"']?\s*:\s*[\"']?(config|teams|vocabulary|journey)[\"']?\s*(?:#.*)?$")


@dataclass(frozen=True)
class Verdict:
    foreign: bool                            # not journeyc's: ignored
    kind: str = "?"                          # the kind it has or seems to have
    diagnostic: Diagnostic | None = None     # JC003 when it looks like journeyc's but its header is wrong


def _scalar(node: AnyNode) -> str | None:
    target = unwrap(node)
    return target.value if isinstance(target, ScalarNode) else None


def judge(path: str, root: MappingNode) -> Verdict:
    keys: dict[str, tuple[AnyNode, AnyNode]] = {}
    for k, v in root.value:
        name = _scalar(k)
        if name is not None:
            keys[name] = (k, v)  # the last of duplicate keys, as YAML keeps it
    api = _lookup(keys, "apiVersion")
    kind = _lookup(keys, "kind")
    api_value = _scalar(api[1]) if api else None
    kind_value = _scalar(kind[1]) if kind else None
    seems = _KIND_OF.get((kind_value or "").lower(), "?")
    looks = seems != "?" or (api_value or "").lower().startswith("journeyc")  # `journeyc/v1` itself too
    if not looks:
        return Verdict(foreign=True)
    problem = _api_problem(api, api_value, kind, seems) or _kind_problem(root, kind, kind_value)
    if problem is None:
        return Verdict(False, seems)  # the kind as written: a known one, spelled exactly
    node, message, hint = problem
    return Verdict(False, seems, Diagnostic("JC003", Severity.ERROR, message, Position(path, node_span(node)), hint))


def _lookup(keys: dict[str, tuple[AnyNode, AnyNode]], name: str) -> tuple[AnyNode, AnyNode, str] | None:
    """(key node, value node, key as written) for `name`, spelled exactly or in another letter case."""
    if name in keys:
        return (*keys[name], name)
    for written, (k, v) in keys.items():
        if written.lower() == name.lower():
            return k, v, written
    return None


Problem = tuple[AnyNode, str, str]


def _api_problem(api: tuple[AnyNode, AnyNode, str] | None, value: str | None,
                 kind: tuple[AnyNode, AnyNode, str] | None, seems: str) -> Problem | None:
    if api is None:
        assert kind is not None  # without an apiVersion, only a kind journeyc knows makes it look like journeyc's
        return kind[0], f"this looks like a journeyc {seems} document but has no `apiVersion`", \
            f"add `apiVersion: {API_VERSION}` above it"
    key, node, written = api
    if written != "apiVersion":
        return key, f"`{written}` is not `apiVersion`: journeyc reads the key spelled exactly so", \
            f"write `apiVersion: {API_VERSION}`"
    if value != API_VERSION:
        shown = repr(value) if value is not None else "that is not text"
        return node, f"unknown apiVersion {shown}", f"this version of journeyc reads `apiVersion: {API_VERSION}`"
    return None


def _kind_problem(root: MappingNode, kind: tuple[AnyNode, AnyNode, str] | None, value: str | None) -> Problem | None:
    if kind is None:
        first = root.value[0][0]  # never empty: without a kind, its `apiVersion` made it look like journeyc's
        return first, "document has no kind", "add `kind:` with one of " + ", ".join(KINDS)
    key, node, written = kind
    if written != "kind":
        return key, f"`{written}` is not `kind`: journeyc reads the key spelled exactly so", "write `kind:`"
    if value in KINDS:
        return None
    shown = repr(value) if value is not None else "that is not text"
    hint = did_you_mean(value or "", KINDS) or "kind is one of " + ", ".join(KINDS)
    return node, f"unknown kind {shown}", hint


def maybe_ours(raw: bytes) -> bool:
    """False only when `raw` certainly holds no journeyc document and nothing that looks like one."""
    return _MAYBE_OURS.search(raw) is not None or utf16_or_32(raw) is not None


def utf16_or_32(raw: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when `raw` is text in one of those encodings (a BOM, or NUL bytes between ASCII)."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = raw[:4096]
    if len(head) >= 4 and head.count(b"\x00") * 4 >= len(head):
        return "UTF-32" if head.count(b"\x00") * 4 >= len(head) * 3 else "UTF-16"
    return None


def guess_kind(raw: bytes) -> str:
    """The kind a file that could not be read seems to hold, from its `kind:` lines ("?" when unsure)."""
    raw = _as_utf8(raw)
    kinds = {_KIND_OF[m.group(1).lower().decode()] for m in _KIND_LINE.finditer(raw)}
    return kinds.pop() if len(kinds) == 1 else "?"


def looks_like_journeyc(raw: bytes) -> bool:
    """True when an unreadable file seems to be journeyc's: its name or a kind line appears in it."""
    raw = _as_utf8(raw)
    return b"journeyc" in raw.lower() or _KIND_LINE.search(raw) is not None


def _as_utf8(raw: bytes) -> bytes:
    """UTF-16 or UTF-32 text as UTF-8, so that the byte patterns see it (a bad code unit becomes U+FFFD)."""
    wide = utf16_or_32(raw)
    return raw if wide is None else raw.decode(wide.lower(), "replace").encode()


__all__ = ["API_VERSION", "KINDS", "Verdict", "guess_kind", "judge", "looks_like_journeyc", "maybe_ours",
           "utf16_or_32"]
