"""Shared by the diagram and docs emitters: text cleaning, escaping for Markdown, slugs, the Jinja environment.

Everything here is pure and cheap; Jinja2 is imported only when an environment
is asked for, so the `model` target never pays for it.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeyc.errors import JourneycError

if TYPE_CHECKING:
    from jinja2 import Environment

ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
#: C0/C1 controls (but tab and newline), lone surrogates, non-characters: invalid in XML,
#: and bidi embeddings/overrides/isolates, which can make a reader see other text than is there.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text from YAML, safe to put in any output: unsafe characters become U+FFFD, CR LF becomes LF."""
    if text.isprintable():  # the usual one-line text: no control, surrogate, non-character or bidi control
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("\ufffd", text) if _UNSAFE.search(text) else text


def one_line(text: str) -> str:
    return " ".join(clean(text).split())


def plain(value: Any) -> Any:
    """YAML data as JSON data: string keys, no NaN, dates and other scalars as text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def to_json(value: Any) -> str:
    return json.dumps(plain(value), ensure_ascii=False, sort_keys=True)


# --- Markdown ---------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]|~$])")  # `$`: GitHub renders $...$ as math
_MD_BLOCK_START = re.compile(r"^(\s*)(\d*)([-+.)#])")


def _md_inline(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_INLINE.sub(r"\\\1", text)


def md_text(value: object) -> str:
    """Text safe inline in Markdown: one line, no emphasis, links, HTML or block syntax from the input.

    A single newline is a space (as Markdown reads it); a blank line stays a visible break.
    """
    return _md_text(str(value))


@lru_cache(maxsize=65536)  # team names, labels and signal texts repeat on many pages
def _md_text(value: str) -> str:
    paragraphs = re.split(r"\n\s*\n", clean(value).strip())
    text = "<br><br>".join(_md_inline(" ".join(p.split("\n")).strip()) for p in paragraphs)
    return _MD_BLOCK_START.sub(r"\1\2\\\3", text)


def md_cell(value: object) -> str:
    """A Markdown table cell: one line (newlines as <br>), pipes escaped, never empty."""
    return _md_cell(str(value))


@lru_cache(maxsize=65536)
def _md_cell(value: str) -> str:
    lines = [line.strip() for line in clean(value).strip().split("\n")]
    return "<br>".join(_md_inline(line) for line in lines if line) or "—"


def md_code(value: object) -> str:
    """An id as inline code; anything that is not a valid id is only ever plain escaped text."""
    text = str(value)
    return f"`{text}`" if ID_RE.match(text) else md_text(text)


def slug(text: str, prefix: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    core = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return f"{prefix}-{core}" if core else prefix


# --- Jinja -------------------------------------------------------------------------


def environment(templates: Path | None) -> Environment:
    """One Environment per build: templates compile once, `--templates DIR` overrides file by file.

    An override whose name matches no template would be silently unused (`docs/jounrey.md`): it is an error.
    """
    if templates is not None:
        check_overrides(templates)
    return _environment(str(templates.resolve()) if templates else None)


def packaged_templates() -> list[str]:
    """The relative names of journeyc's own templates (`docs/journey.md`, `docs/html/style.css`...)."""
    from journeyc.resources import templates_dir

    out: list[str] = []
    todo = [(templates_dir(), "")]
    while todo:
        node, prefix = todo.pop()
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                todo.append((child, f"{name}/"))
            elif not child.name.startswith(("_", ".")) and not name.endswith(".py"):
                out.append(name)
    return sorted(out)


def check_overrides(templates: Path) -> None:
    from journeyc.wording import did_you_mean

    known = packaged_templates()
    for path in sorted(templates.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            name = path.relative_to(templates).as_posix()
            if name not in known:
                hint = did_you_mean(name, known) or f"templates: {', '.join(known)}"
                raise JourneycError(f"--templates: {name} overrides no template ({hint})")


@lru_cache(maxsize=8)
def _environment(override: str | None) -> Environment:
    from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, FunctionLoader, StrictUndefined

    from journeyc.resources import templates_dir

    def packaged(name: str) -> str | None:
        node = templates_dir()
        for part in name.split("/"):
            node = node / part
        return node.read_text(encoding="utf-8") if node.is_file() else None

    loaders: list[BaseLoader] = [FileSystemLoader(override)] if override else []
    loaders.append(FunctionLoader(packaged))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=lambda name: bool(name and name.endswith(".html")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters.update(md=md_text, md_cell=md_cell, md_code=md_code, json=to_json, clean=clean, one_line=one_line)
    return env


def _finalize(value: Any) -> Any:
    """Every `{{ }}` of a template: unsafe characters out of YAML text (markup we built stays as is)."""
    if type(value) is str and not value.isprintable():  # called a million times on 1,000 journeys: the
        return clean(value)                              # common case returns without a second call
    return value  # Markup (and numbers) pass as they are


class View(dict):  # type: ignore[type-arg]
    """What a template sees of a stage, an exit, a team...: a dict whose keys are also attributes.

    Jinja reads `v.stage` as an attribute first and only then as a key: on a plain
    dict every lookup raised and caught an AttributeError (a third of the docs
    target's time). Keys shadow dict methods of the same name, so views never use
    one (`items`, `keys`, `get`...).
    """

    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields)
        self.__dict__ = self
