"""The typed workspace: immutable objects built once from the loaded documents.

The objects a workspace holds by the ten thousand (stages, their exits,
signals, and every `Ref`) are named tuples, the others frozen dataclasses: a
tuple is made in a fraction of a frozen dataclass's time (which sets each field
through `object.__setattr__`), and the model is built on every check, warm or
cold. A named tuple compares and hashes by every field: journeyc compares
stages and signals by id or field by field (`journeyc diff`), never as whole
objects. Their extensions (`x-` keys) are read from the document when asked.

Every object keeps a `Ref` (its document and its path in it) so that rules and
emitters can report or cite a position without knowing YAML. The builder is
tolerant: a value of the wrong type (already reported by the schema) becomes
None or is skipped, so the rules still run on everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from journeyc.diagnostics import Position
from journeyc.wording import fold
from journeyc.workspace.loading import Document, Path_

T = TypeVar("T")


class Ref(NamedTuple):
    """A node of a document: where a model object (or one of its fields) was written.

    A named tuple rather than a frozen dataclass: the builder and the rules make
    hundreds of thousands of them on a large workspace, and a tuple is made in a
    fraction of the time.
    """

    doc: Document
    path: Path_ = ()

    def __repr__(self) -> str:
        return f"Ref({self.doc.source.path!r}, {self.path!r})"

    def at(self, *parts: str | int) -> Ref:
        return _new_ref(Ref, (self.doc, self.path + parts))  # the tuple's own constructor: rules make many

    @property
    def file(self) -> str:
        return self.doc.source.path

    def position(self, *, key: bool = False) -> Position:
        return self.doc.position(self.path, key=key)

    @property
    def line(self) -> int:
        """The line this ref starts on; a mapping's line is known without composing the YAML again.

        Only a mapping is looked up by its id(): the loader also recorded mappings
        it dropped (the first value of a duplicate key, a merge source), and a
        text made later may take the id one of them had.
        """
        value = self.value()
        line = self.doc.lines.get(id(value)) if isinstance(value, dict) else None
        return line if line is not None else self.position().line

    def value(self) -> Any:
        """The plain data written at this ref (None when there is nothing there)."""
        node: Any = self.doc.data
        for part in self.path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def has(self, name: str) -> bool:
        """True when the mapping at this ref was written with key `name`."""
        node = self.value()
        return isinstance(node, dict) and name in node


_new_ref = tuple.__new__
#: paths of refs made before, each kept once (`share_paths`)
PATHS: dict[Path_, Path_] = {}


def share_paths() -> Callable[[Path_, Path_], Path_]:
    """`PATHS.setdefault`: a path, or an equal one made before. The model's refs, which live as long as the
    workspace, are tens of thousands of journeys' stages, signals and exits that share a few dozen paths."""
    if len(PATHS) >= 100_000:  # bounded: a long-lived process sees endless workspaces
        PATHS.clear()
    return PATHS.setdefault
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Finding:
    """What a rule reports: the node it is about, never a computed position.

    `key=True` points at the mapping key rather than its value (an unknown or
    forbidden key); `offset`/`length` point inside a text value (an avoided word).
    `replacement`, with them, is the safe fix: the text that takes that part's place.
    """

    at: Ref
    message: str
    hint: str | None = None
    key: bool = False
    offset: int | None = None
    length: int = 0
    replacement: str | None = None


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    function: str
    contact: str | None
    ref: Ref
    extensions: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)


@dataclass(frozen=True)
class Term:
    label: str
    definition: str
    owner: str | None
    aliases: tuple[str, ...]
    avoid: tuple[str, ...]
    see_also: tuple[str, ...]
    ref: Ref
    extensions: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)
    #: avoided words also match their regular plurals (`match_plurals: false` turns that off)
    match_plurals: bool = True

    @property
    def key(self) -> str:
        return fold(self.label)


def extensions_at(ref: Ref) -> Mapping[str, Any]:
    """The `x-` keys of the mapping at `ref`, as written. Stages and signals make them when asked: only the docs and
    model.json read them, and a check would make them for every stage of every journey."""
    data = ref.value()
    if not isinstance(data, dict):
        return _EMPTY
    found = {k: v for k, v in data.items() if k.startswith("x-")}
    return MappingProxyType(found) if found else _EMPTY


class Signal(NamedTuple):
    """A named event that moves a record (a named tuple: see the module's docstring)."""

    id: str
    description: str | None
    source: str | None
    ref: Ref

    @property
    def extensions(self) -> Mapping[str, Any]:
        return extensions_at(self.ref)


class Exit(NamedTuple):
    """A way out of a stage, to another one, optionally when a signal fires."""

    to: str
    when: str | None
    ref: Ref


@dataclass(frozen=True)
class Pipeline:
    id: str
    name: str
    object: str
    ref: Ref
    implicit: bool = False
    extensions: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)
    #: CRM identities as written (`crm:`): {"hubspot": {"id": ...}, "salesforce": {...}, "pipedrive": {"id": ...}}
    crm: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)


class Stage(NamedTuple):
    """A step of a journey (a named tuple: see the module's docstring)."""

    id: str
    term: str | None
    owner: str | None
    description: str | None
    sla_days: int | None
    probability: int | None
    risk: str | None
    actions: tuple[str, ...]
    content: tuple[str, ...]
    pipeline: str | None
    outcome: str | None
    terminal: bool
    exits: tuple[Exit, ...]
    ref: Ref
    #: CRM identities as written (`crm:`), by CRM name
    crm: Mapping[str, Mapping[str, Any]] = _EMPTY

    @property
    def extensions(self) -> Mapping[str, Any]:
        return extensions_at(self.ref)

    @property
    def label(self) -> str:
        """The name teams and CRMs see: the vocabulary term, else the id."""
        return self.term or self.id.replace("-", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self.outcome is None


@dataclass(frozen=True)
class Journey:
    id: str
    name: str
    owner: str | None
    description: str | None
    start: tuple[str, ...]
    signals: tuple[Signal, ...]
    stages: tuple[Stage, ...]
    pipelines: tuple[Pipeline, ...]
    ref: Ref
    extensions: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)
    #: the CRM identity of the implicit pipeline (`crm:` at the top of a journey without `pipelines:`)
    crm: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_stages", _first_by(self.stages, lambda s: s.id))
        object.__setattr__(self, "_signals", _first_by(self.signals, lambda s: s.id))

    def stage(self, stage_id: str) -> Stage | None:
        return self._stages.get(stage_id)  # type: ignore[attr-defined,no-any-return]

    def signal(self, signal_id: str) -> Signal | None:
        return self._signals.get(signal_id)  # type: ignore[attr-defined,no-any-return]

    @property
    def start_ids(self) -> tuple[str, ...]:
        return self.start or ((self.stages[0].id,) if self.stages else ())

    def export_pipelines(self) -> list[tuple[Pipeline, list[Stage]]]:
        """CRM pipelines with their stages in journey order (DESIGN §1, `pipelines`)."""
        if not self.pipelines:
            implicit = Pipeline(self.id, self.name, "deal", self.ref, implicit=True, crm=self.crm)
            return [(implicit, list(self.stages))]
        return [(p, [s for s in self.stages if s.pipeline == p.id]) for p in self.pipelines]


_NO_PATHS: Mapping[Document, frozenset[Path_]] = MappingProxyType({})


@dataclass(frozen=True)
class Gaps:
    """What the workspace could not read: unknown, which is not absent, so no rule judges it.

    A document that failed to load (syntax error, refused input, a wrong
    header) is a gap of its kind; a value the schema refused is a gap at its
    path (`invalid`), and a mapping with an unknown or missing key is one where
    the absence of a key cannot be judged (`unsure`: `exit:` may be a typo of
    `exits:`). Rules ask here before they call something missing or unused.
    """

    failed: frozenset[str] = frozenset()
    #: refused values, and required keys left out, by document
    invalid: Mapping[Document, frozenset[Path_]] = field(default_factory=lambda: _NO_PATHS)
    unsure: Mapping[Document, frozenset[Path_]] = field(default_factory=lambda: _NO_PATHS)

    def failed_kind(self, kind: str) -> bool:
        """A document of `kind` (or of a kind nobody could tell) failed to load."""
        return kind in self.failed or "?" in self.failed

    def unknown(self, ref: Ref) -> bool:
        """The value at `ref`, or a value holding it, was refused by the schema."""
        paths = self.invalid.get(ref.doc)
        return bool(paths) and any(ref.path[:n] in paths for n in range(len(ref.path) + 1))  # type: ignore[operator]

    def any_unknown(self, ref: Ref, *keys: str) -> bool:
        """One of `keys` of the mapping at `ref` was refused (a stage's `outcome: lose`, `probability: 30%`)."""
        return bool(self.invalid) and any(self.unknown(ref.at(key)) for key in keys)

    def cannot_tell_missing(self, ref: Ref, key: str) -> bool:
        """Whether `key` is absent from the mapping at `ref` cannot be judged (written but refused, or maybe
        written under a misspelled key)."""
        unsure = self.unsure.get(ref.doc)
        return self.unknown(ref.at(key)) or bool(unsure and ref.path in unsure)

    def touches(self, ref: Ref, *keys: str) -> bool:
        """Some gap lies under `ref` at one of `keys` (e.g. a journey's stages or start)."""
        found = (*self.invalid.get(ref.doc, ()), *self.unsure.get(ref.doc, ()))
        depth = len(ref.path)
        return any(p[:depth] == ref.path and (not keys or (len(p) > depth and p[depth] in keys)) for p in found)

    def entries_unknown(self, ref: Ref, items: str, *keys: str) -> bool:
        """Some entry of the list `items` under `ref` is unknown: the list or an entry refused, or one of
        `keys` (what names an entry: its id, its term, its aliases) refused or missing."""
        paths = self.invalid.get(ref.doc, ())
        depth = len(ref.path)
        for p in paths:
            if p[:depth] != ref.path or len(p) <= depth or p[depth] != items:
                continue
            rest = p[depth + 1:]
            if len(rest) <= 1 or rest[1] in keys:
                return True
        return False

    def entries_touched(self, ref: Ref, items: str, *keys: str) -> bool:
        """Some entry of the list `items` under `ref` is not known in full: the list, an entry, or one of an entry's
        `keys` (or what lies below them) refused, or an entry with an unknown key (`exit:` for `exits:`)."""
        depth = len(ref.path)
        for p in (*self.invalid.get(ref.doc, ()), *self.unsure.get(ref.doc, ())):
            if p[:depth] == ref.path and len(p) > depth and p[depth] == items:
                rest = p[depth + 1:]
                if len(rest) <= 1 or rest[1] in keys:
                    return True
        return False

    def kind_entries_unknown(self, kind: str, items: str, *keys: str) -> bool:
        """`entries_unknown` for every document of `kind`, or a document of that kind failed to load."""
        return self.failed_kind(kind) or any(doc.kind == kind and self.entries_unknown(Ref(doc), items, *keys)
                                             for doc in self.invalid)

    @property
    def usage_unknown(self) -> bool:
        """Whether something is used by nobody cannot be judged: a document failed, or a usage was refused."""
        return bool(self.failed) or any(doc.kind != "Config" for doc in (*self.invalid, *self.unsure))


@dataclass(frozen=True)
class Workspace:
    root: str
    teams: tuple[Team, ...]
    terms: tuple[Term, ...]
    journeys: tuple[Journey, ...]
    documents: tuple[Document, ...] = field(repr=False)
    gaps: Gaps = field(default_factory=Gaps, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_teams", _first_by(self.teams, lambda t: t.id))
        words: dict[str, Term] = {}
        for term in self.terms:
            for word in (term.label, *term.aliases):
                words.setdefault(fold(word), term)
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_derived", {})

    def derived(self, name: str, compute: Callable[[Workspace], T]) -> T:
        """What `compute` makes of this workspace, made once (a workspace does not change once built): the
        exported CRM pipelines, for instance, which several rules and emitters read."""
        memo: dict[str, Any] = self._derived  # type: ignore[attr-defined]
        if name not in memo:
            memo[name] = compute(self)
        return memo[name]  # type: ignore[no-any-return]

    def team(self, team_id: str | None) -> Team | None:
        return self._teams.get(team_id) if team_id else None  # type: ignore[attr-defined]

    def term(self, word: str | None) -> Term | None:
        """The term a label or alias names (case-insensitive)."""
        return self._words.get(fold(word)) if word else None  # type: ignore[attr-defined]



def _first_by(items: Iterable[Any], key: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        out.setdefault(key(item), item)
    return out
