"""Generate a large, clean journeyc workspace for the speed benchmark.

    python bench/generate.py OUTDIR --journeys 1000 [--stages-min 8 --stages-max 12 --terms 150]
                                    [--big-journey-stages 500] [--avoid-words 5000] [--seed 0]

The output is deterministic (same arguments, byte-identical files) and checks
clean: every generated journey respects every rule, so the benchmark measures
the path a healthy workspace takes. The shapes it respects on purpose:

- every term is used (a ring of `see_also` links), every team owns a term;
- each journey is a chain of open stages, named by distinct terms in order of
  rising probability, ending in a won and a lost stage; exits only go forward
  (no falling probability, no traps), each on its own signal;
- exported stage labels stay under the Salesforce limit of 100 picklist values
  for the whole org and keep one probability per label;
- avoided words are made-up words that the generated prose never contains.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MARKER = ".journeyc-bench"  # marks a directory this script may wipe and regenerate

TEAMS = (
    ("marketing", "Marketing", "marketing"),
    ("sdr", "Sales Development", "sales"),
    ("sales", "Account Executives", "sales"),
    ("partners", "Partnerships", "sales"),
    ("customer-success", "Customer Success", "customer-success"),
    ("support", "Support", "support"),
    ("revops", "Revenue Operations", "revops"),
)

# (core label, probability, owner): the open phases of a sales journey, in order
CORES = (
    ("Lead", 10, "marketing"), ("MQL", 10, "marketing"), ("SQL", 20, "sdr"),
    ("Discovery", 20, "sales"), ("Demo", 30, "sales"), ("Trial", 30, "sales"),
    ("Pilot", 40, "sales"), ("Evaluation", 40, "sales"), ("Business case", 50, "sales"),
    ("Proposal", 50, "sales"), ("Security review", 60, "sales"), ("Legal review", 60, "sales"),
    ("Negotiation", 70, "sales"), ("Procurement", 80, "sales"), ("Verbal commit", 90, "sales"),
)
PREFIXES = ("Inbound", "Outbound", "Partner", "Enterprise", "Mid-market", "Self-serve")
WON = (("Closed won", "sales"), ("Renewed", "customer-success"))
LOST = (("Closed lost", "sales"), ("Churned", "customer-success"))
CONCEPTS = ("ICP", "Champion", "Economic buyer", "Decision criteria", "Paper process", "Health score",
            "Net retention", "Annual contract value", "Churn risk", "Expansion signal")
# Salesforce keeps one picklist of at most 100 stage values for the whole org
MAX_STAGE_TERMS = 94

WORDS = (
    "account", "agenda", "agree", "analyst", "answer", "approval", "budget", "buyer", "call", "calendar",
    "case", "check", "clear", "close", "company", "confirm", "contract", "cost", "customer", "data",
    "date", "decision", "document", "email", "every", "first", "follow", "goal", "handover", "impact",
    "invite", "issue", "legal", "list", "meeting", "message", "metric", "milestone", "next", "note",
    "notes", "owner", "plan", "pricing", "priority", "process", "product", "project", "question",
    "record", "renewal", "report", "request", "review", "risk", "roadmap", "schedule", "scope", "send",
    "share", "signal", "sponsor", "step", "summary", "team", "template", "timeline", "update", "usage",
    "value", "week", "within", "workshop", "written",
)
SYLLABLES = ("bra", "dro", "fen", "gli", "kro", "lum", "mav", "nix", "pol", "qua", "riv", "sko",
             "tav", "vex", "wob", "zar")
SOURCES = ("CRM activity", "CRM stage history", "Product analytics", "Marketing automation",
           "Calendar integration", "E-signature envelope", "Support desk", "Billing system")


@dataclass(frozen=True)
class StageTerm:
    label: str
    probability: int
    owner: str
    order: int


@dataclass(frozen=True)
class Options:
    journeys: int = 1000
    stages_min: int = 8
    stages_max: int = 12
    terms: int = 150
    big_journey_stages: int = 0
    avoid_words: int = 0
    seed: int = 0


def pseudo_word(n: int) -> str:
    """A made-up word (at least three syllables) that no English prose contains: unique per n."""
    out = []
    while True:
        out.append(SYLLABLES[n % len(SYLLABLES)])
        n //= len(SYLLABLES)
        if n == 0 and len(out) >= 3:
            return "".join(out)


class Writer:
    """Lines of YAML, built by hand so the output is stable and looks hand-written."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        self.lines.append(line)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class Prose:
    """Deterministic sentences from a small English word list."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def sentence(self, low: int = 6, high: int = 12) -> str:
        words = [self.rnd.choice(WORDS) for _ in range(self.rnd.randint(low, high))]
        return " ".join(words).capitalize() + "."


def stage_terms(count: int) -> tuple[list[StageTerm], list[str]]:
    """Open-stage terms (prefix-major, so a small set still spans every phase) and concept labels."""
    stage_count = min(count, MAX_STAGE_TERMS)
    opened = [StageTerm(f"{p} {c[0] if c[0].isupper() and len(c[0]) <= 3 else c[0].lower()}", c[1], c[2], i)
              for p in PREFIXES for i, c in enumerate(CORES)][: stage_count - len(WON) - len(LOST)]
    concepts = [f"{p} {c}" for p in PREFIXES for c in CONCEPTS]
    extra = count - stage_count
    concepts = concepts[:extra] + [f"Glossary entry {n}" for n in range(1, extra - len(concepts) + 1)]
    return opened, concepts


def write_vocabulary(opts: Options, opened: list[StageTerm], concepts: list[str], rnd: random.Random) -> str:
    prose = Prose(rnd)
    labels = [t.label for t in opened] + [w[0] for w in WON] + [w[0] for w in LOST] + concepts
    owners = [t.owner for t in opened] + [w[1] for w in WON] + [w[1] for w in LOST]
    owners += [TEAMS[i % len(TEAMS)][0] for i in range(len(owners), len(labels))]
    _cover_every_team(owners)
    extra: dict[int, list[str]] = {}
    for n in range(opts.avoid_words):
        # one in four extra entries is a two-word phrase, like "hot lead"
        word = pseudo_word(10_000 + n) + (f" {pseudo_word(n)}" if n % 4 == 3 else "")
        extra.setdefault(n % len(labels), []).append(word)
    w = Writer()
    w("# Generated by bench/generate.py: one shared vocabulary for every journey.")
    w("apiVersion: journeyc/v1")
    w("kind: Vocabulary")
    w("terms:")
    for i, label in enumerate(labels):
        w(f"  - term: {label}")
        w(f"    definition: {prose.sentence(12, 20)}")
        w(f"    owner: {owners[i]}")
        w(f"    aliases: [{label} stage]")
        avoid = [pseudo_word(2 * i), pseudo_word(2 * i + 1)] + extra.get(i, [])
        w(f"    avoid: [{', '.join(avoid)}]")
        # a ring of see_also links keeps every term in use whatever the journeys name
        w(f"    see_also: [{labels[(i + 1) % len(labels)]}]")
        if i % 10 == 0:
            w(f"    x-glossary-section: {label[0].lower()}")
    return w.text()


def _cover_every_team(owners: list[str]) -> None:
    """Give each team that owns no term one term of a team that owns several (else JC303 in small vocabularies)."""
    for tid, _, _ in TEAMS:
        if tid not in owners:
            index = max(i for i, o in enumerate(owners) if owners.count(o) > 1)
            owners[index] = tid


def write_teams() -> str:
    w = Writer()
    w("apiVersion: journeyc/v1")
    w("kind: Teams")
    w("teams:")
    for tid, name, function in TEAMS:
        w(f"  - id: {tid}")
        w(f"    name: {name}")
        w(f"    function: {function}")
        w(f'    contact: "#{tid}"')
    return w.text()


def write_config() -> str:
    return ("# Generated by bench/generate.py\n"
            "apiVersion: journeyc/v1\n"
            "kind: Config\n"
            "build:\n"
            "  out: build/journeyc\n")


@dataclass(frozen=True)
class Plan:
    """One stage to write: its id, term, owner, probability and whether it is exported."""

    id: str
    term: str | None
    owner: str
    probability: int | None
    exported: bool


def journey_plan(count: int, opened: list[StageTerm], rnd: random.Random, kind: int) -> list[Plan]:
    """`count` stages: open ones named by distinct terms in rising probability, then won and lost."""
    open_count = count - 2
    named = sorted(rnd.sample(opened, min(open_count, len(opened))), key=lambda t: (t.probability, t.order,
                                                                                   t.label))
    plans = [Plan(_slug(t.label), t.label, t.owner, t.probability, True) for t in named]
    plans += [Plan(f"step-{n}", None, TEAMS[n % 3 + 1][0], None, False) for n in range(len(named) + 1, open_count + 1)]
    won, lost = WON[kind % len(WON)], LOST[kind % len(LOST)]
    plans.append(Plan(_slug(won[0]), won[0], won[1], 100, True))
    plans.append(Plan(_slug(lost[0]), lost[0], lost[1], 0, True))
    return plans


def _slug(label: str) -> str:
    return "-".join("".join(c for c in part if c.isalnum()).lower() for part in label.split()).strip("-")


def write_journey(jid: str, name: str, plans: list[Plan], rnd: random.Random) -> str:
    prose = Prose(rnd)
    open_plans = plans[:-2]
    won, lost = plans[-2], plans[-1]
    exits: list[list[tuple[str, str]]] = []
    signals: list[str] = []
    for i in range(len(open_plans)):
        nxt = plans[i + 1].id if i + 1 < len(open_plans) else won.id
        out = [(nxt, f"{open_plans[i].id}-done")]
        if i + 2 < len(open_plans) and i % 3 == 1:  # some stages may be skipped
            out.append((plans[i + 2].id, f"{open_plans[i].id}-skip"))
        out.append((lost.id, "lost"))
        exits.append(out)
        signals.extend(s for _, s in out if s != "lost")
    signals.append("lost")
    w = Writer()
    w("apiVersion: journeyc/v1")
    w("kind: Journey")
    w(f"id: {jid}")
    w(f"name: {name}")
    w("owner: revops")
    w(f"description: {prose.sentence()}")
    w(f"start: [{plans[0].id}]")
    w("x-generated-by: bench/generate.py")
    w("pipelines:")
    w("  - id: deals")
    w(f"    name: {name}")
    w("    object: deal")
    w("signals:")
    for sid in signals:
        w(f"  - id: {sid}")
        w(f"    description: {prose.sentence()}")
        w(f"    source: {rnd.choice(SOURCES)}")
        w(f"    x-metric: signal_{sid.replace('-', '_')}_count")
    w("stages:")
    for i, p in enumerate(open_plans):
        _open_stage(w, p, exits[i], prose, rnd)
    for p, outcome in ((won, "won"), (lost, "lost")):
        w(f"  - id: {p.id}")
        w(f"    term: {p.term}")
        w(f"    owner: {p.owner}")
        w(f"    description: {prose.sentence()}")
        w(f"    outcome: {outcome}")
        w(f"    probability: {p.probability}")
        w("    terminal: true")
        w("    pipeline: deals")
    return w.text()


def _open_stage(w: Writer, p: Plan, exits: list[tuple[str, str]], prose: Prose, rnd: random.Random) -> None:
    w(f"  - id: {p.id}")
    if p.term:
        w(f"    term: {p.term}")
    w(f"    owner: {p.owner}")
    w("    description: >-")
    w(f"      {prose.sentence(10, 14)}")
    w(f"      {prose.sentence(8, 12)}")
    w(f"      {prose.sentence(6, 10)}")
    w(f"    sla_days: {rnd.randint(2, 45)}")
    if p.probability is not None:
        w(f"    probability: {p.probability}")
    w(f"    risk: {rnd.choice(('low', 'medium', 'high'))}")
    w("    actions:")
    for _ in range(4):
        w(f"      - {prose.sentence(5, 9)}")
    w("    content:")
    for _ in range(3):
        w(f"      - {prose.sentence(2, 4)[:-1]}")
    if p.exported:
        w("    pipeline: deals")
    w(f"    x-crm-field: stage_{p.id.replace('-', '_')}")
    w(f"    x-playbook: https://wiki.example/playbooks/{p.id}")
    w("    exits:")
    for to, when in exits:
        w(f"      - to: {to}")
        w(f"        when: {when}")


def files(opts: Options) -> Iterator[tuple[str, str]]:
    """(relative path, text) of every file of the workspace, in a stable order."""
    if opts.stages_min < 3 or opts.stages_max < opts.stages_min:
        raise ValueError("need 3 <= --stages-min <= --stages-max")
    if opts.terms < opts.stages_max + 2:
        raise ValueError(f"--terms must be at least --stages-max + 2 ({opts.stages_max + 2})")
    rnd = random.Random(opts.seed)
    opened, concepts = stage_terms(opts.terms)
    yield "journeyc.yaml", write_config()
    yield "teams.yaml", write_teams()
    yield "vocabulary.yaml", write_vocabulary(opts, opened, concepts, rnd)
    width = max(4, len(str(opts.journeys)))
    for n in range(1, opts.journeys + 1):
        count = rnd.randint(opts.stages_min, opts.stages_max)
        plans = journey_plan(count, opened, rnd, n)
        jid = f"journey-{n:0{width}d}"
        yield f"journeys/{jid}.yaml", write_journey(jid, f"Journey {n:0{width}d}", plans, rnd)
    if opts.big_journey_stages:
        plans = journey_plan(max(opts.big_journey_stages, 3), opened, rnd, 0)
        yield "journeys/big-journey.yaml", write_journey("big-journey", "Big journey", plans, rnd)


def generate(out: Path, opts: Options) -> list[Path]:
    """Write the workspace into `out` (empty, or made by an earlier run) and return the journey files."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ValueError(f"{out} is not empty and was not made by bench/generate.py: refusing to overwrite")
        shutil.rmtree(out)
    (out / "journeys").mkdir(parents=True)
    (out / MARKER).write_text("generated by bench/generate.py; safe to delete\n")
    journeys = []
    for rel, text in files(opts):
        path = out / rel
        path.write_text(text, encoding="utf-8", newline="\n")
        if rel.startswith("journeys/"):
            journeys.append(path)
    return journeys


def parse_args(argv: list[str] | None = None) -> tuple[Path, Options]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output directory (created; regenerated if made by this script)")
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--stages-min", type=int, default=8)
    parser.add_argument("--stages-max", type=int, default=12)
    parser.add_argument("--terms", type=int, default=150)
    parser.add_argument("--big-journey-stages", type=int, default=0, help="add one journey with this many stages")
    parser.add_argument("--avoid-words", type=int, default=0, help="extra avoided words spread over the terms")
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args(argv)
    return a.out, Options(a.journeys, a.stages_min, a.stages_max, a.terms, a.big_journey_stages, a.avoid_words,
                          a.seed)


def main(argv: list[str] | None = None) -> int:
    out, opts = parse_args(argv)
    try:
        journeys = generate(out, opts)
    except ValueError as exc:
        print(f"generate.py: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(journeys)} journeys to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
