"""JC101-JC105: ids are unique and every reference resolves."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.wording import did_you_mean, fold
from journeyc.workspace.model import Finding, Ref, Workspace


def _where(first: Ref, again: Ref) -> str:
    line = first.line
    return f"line {line}" if first.file == again.file else f"{first.file}:{line}"


def _duplicates(kind: str, items: Iterable[tuple[str, Ref]], key: Callable[[str], str] = str,
                field: str = "id") -> Iterator[Finding]:
    """A finding at the `field` of every item (name, the object's ref) whose name an earlier one has; the field's
    ref is made only for a duplicate (the rule runs on every object of the workspace, on every check)."""
    first: dict[str, Ref] = {}
    for name, ref in items:
        k = key(name)
        if k in first:
            at = ref.at(field)
            yield Finding(at, f"duplicate {kind} {name!r} (first defined at {_where(first[k].at(field), at)})",
                          f"{kind}s must be unique: rename or merge this one")
        else:
            first[k] = ref


@rule("JC101", "duplicate-id", Severity.ERROR)
def duplicate_id(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Duplicate id: two teams, terms, journeys, or two stages, signals or pipelines of one journey.

    **Why it matters:** references (`owner`, `to`, `when`, `term`) resolve by id.
    With two objects behind one id, a reference silently means whichever comes
    first, and the CRM gets two stages it cannot tell apart. Terms are compared
    case-insensitively: "MQL" and "mql" are the same word.

    **Anti-pattern**

        stages:
          - {id: demo, owner: sales, exits: [{to: demo}]}
          - {id: demo, owner: sdr}

    **Best practice**

        stages:
          - {id: demo, owner: sdr, exits: [{to: proposal}]}
          - {id: proposal, owner: sales}
    """
    yield from _duplicates("team", ((t.id, t.ref) for t in ws.teams))
    yield from _duplicates("term", ((t.label, t.ref) for t in ws.terms), fold, "term")
    yield from _duplicates("journey", ((j.id, j.ref) for j in ws.journeys))
    for j in ws.journeys:
        yield from _duplicates("stage", ((s.id, s.ref) for s in j.stages))
        yield from _duplicates("signal", ((s.id, s.ref) for s in j.signals))
        yield from _duplicates("pipeline", ((p.id, p.ref) for p in j.pipelines))


@rule("JC102", "unknown-team", Severity.ERROR)
def unknown_team(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Unknown team: an `owner` that no Teams document declares.

    **Why it matters:** ownership is the point of the map. An owner nobody
    declared is a team nobody can be asked about: a typo, a renamed team, or a
    team that does not exist yet.

    **Anti-pattern**

        - id: sql
          owner: sale        # Teams declares `sales`

    **Best practice**

        - id: sql
          owner: sales
    """
    if ws.gaps.kind_entries_unknown("Teams", "teams", "id"):
        return  # a team that could not be read may be the one named
    ids = list(dict.fromkeys(t.id for t in ws.teams))
    owners: list[tuple[str | None, Ref]] = [(t.owner, t.ref) for t in ws.terms]
    for j in ws.journeys:
        owners.append((j.owner, j.ref))
        owners.extend((s.owner, s.ref) for s in j.stages)
    for owner, ref in owners:
        if owner and ws.team(owner) is None and not ws.gaps.unknown(ref.at("owner")):
            hint = did_you_mean(owner, ids) or (f"declared teams: {', '.join(ids)}" if ids else
                                                "declare the team in a Teams document")
            yield Finding(ref.at("owner"), f"unknown team {owner!r}", hint)


@rule("JC103", "unknown-term", Severity.ERROR)
def unknown_term(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Unknown term: a stage `term` or a `see_also` that the vocabulary does not define.

    **Why it matters:** stages are named by the shared vocabulary so that
    Marketing, Sales and Customer Success mean the same thing by the same word.
    A stage named outside the vocabulary brings back private jargon.

    **Anti-pattern**

        - id: mql
          term: Hot lead       # not a term of the vocabulary

    **Best practice**

        - id: mql
          term: MQL            # defined in vocabulary.yaml, with its definition
    """
    if ws.gaps.kind_entries_unknown("Vocabulary", "terms", "term", "aliases"):
        return  # a term that could not be read may be the one named
    words = sorted({w for t in ws.terms for w in (t.label, *t.aliases)})
    for t in ws.terms:
        for i, other in enumerate(t.see_also):
            if ws.term(other) is None:
                yield Finding(t.ref.at("see_also", i), f"unknown term {other!r} in see_also",
                              did_you_mean(other, words))
    for j in ws.journeys:
        for s in j.stages:
            if s.term and ws.term(s.term) is None and not ws.gaps.unknown(s.ref.at("term")):
                yield Finding(s.ref.at("term"), f"unknown term {s.term!r}",
                              did_you_mean(s.term, words) or "define it in the vocabulary")


@rule("JC104", "unknown-signal", Severity.ERROR)
def unknown_signal(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Unknown signal: an exit's `when` that the journey does not declare.

    **Why it matters:** a signal is the observable event that moves a
    customer. An exit on an undeclared signal is a decision nobody can
    observe, measure or automate.

    **Anti-pattern**

        exits:
          - {to: sql, when: demo-bookd}

    **Best practice**

        signals:
          - {id: demo-booked, description: A demo is booked.}
        ...
        exits:
          - {to: sql, when: demo-booked}
    """
    for j in ws.journeys:
        if ws.gaps.entries_unknown(j.ref, "signals", "id"):
            continue
        ids = [s.id for s in j.signals]
        for s in j.stages:
            for e in s.exits:
                if e.when and j.signal(e.when) is None and not ws.gaps.unknown(e.ref.at("when")):
                    yield Finding(e.ref.at("when"), f"unknown signal {e.when!r}",
                                  did_you_mean(e.when, ids) or "declare it under `signals:`")


@rule("JC105", "unknown-stage", Severity.ERROR)
def unknown_stage(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Unknown stage: an exit `to` or a `start` that the journey does not have (or a stage's unknown `pipeline`).

    **Why it matters:** the flow is a graph over stage ids. An edge to a
    missing stage is a customer sent nowhere; a stage exported to a pipeline
    the journey does not declare never reaches the CRM.

    **Anti-pattern**

        start: [lead]
        stages:
          - {id: mql, owner: marketing, exits: [{to: sq1}]}

    **Best practice**

        start: [mql]
        stages:
          - {id: mql, owner: marketing, exits: [{to: sql}]}
          - {id: sql, owner: sdr}
    """
    for j in ws.journeys:
        if ws.gaps.entries_unknown(j.ref, "stages", "id"):
            continue  # a stage whose id could not be read may be the one named
        ids = [s.id for s in j.stages]
        for i, sid in enumerate(j.start):
            if j.stage(sid) is None and not ws.gaps.unknown(j.ref.at("start", i)):
                yield Finding(j.ref.at("start", i), f"unknown start stage {sid!r}", _stage_hint(sid, ids))
        pipelines = [p.id for p in j.pipelines]
        for s in j.stages:
            for e in s.exits:
                if j.stage(e.to) is None and not ws.gaps.unknown(e.ref.at("to")):
                    yield Finding(e.ref.at("to"), f"exit to unknown stage {e.to!r}", _stage_hint(e.to, ids))
            if s.pipeline and s.pipeline not in pipelines and not ws.gaps.entries_unknown(j.ref, "pipelines", "id"):
                hint = did_you_mean(s.pipeline, pipelines) or "declare it under `pipelines:`"
                yield Finding(s.ref.at("pipeline"), f"unknown pipeline {s.pipeline!r}", hint)


def _stage_hint(wrong: str, ids: list[str]) -> str:
    # every id in `ids` is valid: the rule judges no journey with a stage id the schema refused
    return did_you_mean(wrong, ids) or f"stages of this journey: {', '.join(ids)}"


RULES = (duplicate_id, unknown_team, unknown_term, unknown_signal, unknown_stage)
