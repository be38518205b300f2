"""Loaded documents -> the typed `Workspace` (tolerant of values the schema rejected)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from journeyc.workspace.loading import Document
from journeyc.workspace.model import (
    Exit,
    Gaps,
    Journey,
    Pipeline,
    Ref,
    Signal,
    Stage,
    Team,
    Term,
    Workspace,
    share_paths,
)

_EMPTY: Mapping[str, Any] = MappingProxyType({})
#: a named tuple made by the tuple's own constructor, without the Python-level `__new__` of its class (the
#: builder makes one per stage, exit, signal and item: a fifth of the model's time on a large workspace)
_tuple = tuple.__new__


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _int(data: Mapping[str, Any], key: str) -> int | None:
    """A whole number: `3` or `3.0` (JSON Schema counts both as integers; a CRM gets 3 either way)."""
    value = data.get(key)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _strs(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    return tuple([v for v in value if isinstance(v, str)]) if isinstance(value, list) else ()


def _items(data: Mapping[str, Any], key: str, ref: Ref) -> list[tuple[dict[str, Any], Ref]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    doc, path = ref.doc, ref.path + (key,)
    share = share_paths()
    return [(item, _tuple(Ref, (doc, share(p := path + (i,), p)))) for i, item in enumerate(value)
            if isinstance(item, dict)]


def _ext(data: Mapping[str, Any]) -> Mapping[str, Any]:
    ext = {k: v for k, v in data.items() if k.startswith("x-")}
    return MappingProxyType(ext) if ext else _EMPTY


def _crm(data: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    crm = data.get("crm")
    if not isinstance(crm, dict):
        return _EMPTY
    found = {name: MappingProxyType(dict(value)) for name, value in crm.items() if isinstance(value, dict)}
    return MappingProxyType(found) if found else _EMPTY


def build_workspace(root: str, documents: Iterable[Document], stubs: Iterable[Journey] = (),
                    gaps: Gaps | None = None, modelled: Collection[Document] = ()) -> Workspace:
    """The workspace of `documents`, with the journeys of `stubs` too; the journeys of the documents of `modelled`
    are among `stubs` (modelled while loading, their data let go: journeyc.workspace.forget)."""
    docs = tuple(documents)
    teams: list[Team] = []
    terms: list[Term] = []
    journeys: list[Journey] = list(stubs)
    for doc in docs:
        ref = Ref(doc)
        if doc.kind == "Teams":
            teams.extend(_team(d, r) for d, r in _items(doc.data, "teams", ref) if _str(d, "id"))
        elif doc.kind == "Vocabulary":
            terms.extend(_term(d, r) for d, r in _items(doc.data, "terms", ref) if _str(d, "term"))
        elif doc.kind == "Journey" and doc not in modelled and _str(doc.data, "id"):
            journeys.append(journey_from(doc.data, ref))
    journeys.sort(key=lambda j: (j.ref.file, j.ref.doc.index))
    return Workspace(root, tuple(teams), tuple(terms), tuple(journeys), docs, gaps or Gaps())


def _team(d: dict[str, Any], ref: Ref) -> Team:
    return Team(d["id"], _str(d, "name") or d["id"], _str(d, "function") or "other", _str(d, "contact"), ref, _ext(d))


def _term(d: dict[str, Any], ref: Ref) -> Term:
    return Term(d["term"], _str(d, "definition") or "", _str(d, "owner"), _strs(d, "aliases"),
                _strs(d, "avoid"), _strs(d, "see_also"), ref, _ext(d), d.get("match_plurals") is not False)


def journey_from(d: Mapping[str, Any], ref: Ref) -> Journey:
    signals = tuple([_tuple(Signal, (i, _str(s, "description"), _str(s, "source"), r))
                     for s, r in _items(d, "signals", ref) if isinstance(i := s.get("id"), str) and i])
    stages = tuple([_stage(s, r) for s, r in _items(d, "stages", ref) if isinstance(i := s.get("id"), str) and i])
    pipelines = tuple(Pipeline(p["id"], _str(p, "name") or p["id"], _str(p, "object") or "deal", r, False, _ext(p),
                               _crm(p))
                      for p, r in _items(d, "pipelines", ref) if _str(p, "id"))
    return Journey(d["id"], _str(d, "name") or d["id"], _str(d, "owner"), _str(d, "description"),
                   _strs(d, "start"), signals, stages, pipelines, ref, _ext(d), crm=_crm(d))


#: the stage's fields that are a text or None, in one pass (a workspace has ten thousand stages)
_STAGE_TEXTS = ("term", "owner", "description", "risk", "pipeline", "outcome")


def _stage(s: dict[str, Any], ref: Ref) -> Stage:
    get = s.get
    term, owner, description, risk, pipeline, outcome = [v if isinstance(v := get(k), str) else None
                                                          for k in _STAGE_TEXTS]
    exits = tuple([_tuple(Exit, (to, _str(e, "when"), r)) for e, r in _items(s, "exits", ref)
                   if isinstance(to := e.get("to"), str) and to])
    return _tuple(Stage, (s["id"], term, owner, description, _int(s, "sla_days"), _int(s, "probability"), risk,
                          _strs(s, "actions"), _strs(s, "content"), pipeline, outcome, get("terminal") is True, exits,
                          ref, _crm(s)))
