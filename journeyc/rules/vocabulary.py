"""JC201-JC203: everybody uses the shared words, and the vocabulary itself is consistent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, rule
from journeyc.wording import fold, plural_forms
from journeyc.workspace.model import Finding, Ref, Term, Workspace

# letters, digits and combining marks: a word in any script, accents included whether
# they are precomposed (é) or written as e + U+0301
_WORD = re.compile(r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]+")
# ASCII characters that are not part of a word, mapped to spaces (the prefilter's fast path)
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")})
# what may stand between the words of a phrase: spaces, hyphens, apostrophes; not a full stop
_JOINER = re.compile(r"[\s\-\u2010\u2011'\u2019]+")


@dataclass(frozen=True)
class Avoided:
    """An avoided word or phrase: its words, and the punctuation written around and between them.

    Spaces, hyphens and apostrophes between words are interchangeable ("lead
    chaud" = "lead-chaud"); other punctuation must be there as written, so that
    "P&L" needs its "&" and "C++" its "++" (and "C" alone is not "C++").
    """

    words: tuple[str, ...]
    term: Term
    gaps: tuple[str, ...] = ()
    prefix: str = ""
    suffix: str = ""
    #: the forms its last word may take: itself, and its regular plurals unless the term opts out
    last: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str, term: Term) -> Avoided | None:
        found = list(_WORD.finditer(text))
        if not found:
            return None  # no word at all ("$$$"): nothing a word boundary can anchor
        words = tuple(fold(m.group()) for m in found)
        gaps = tuple(fold(text[a.end():b.start()]) for a, b in pairwise(found))
        prefix, suffix = fold(text[: found[0].start()].strip()), fold(text[found[-1].end():].strip())
        plurals = plural_forms(words[-1]) if term.match_plurals and not suffix else ()
        return cls(words, term, gaps, prefix, suffix, frozenset((words[-1], *plurals)))

    def fits(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
        """(start, end) of this phrase when it starts at token i of `text`, else None."""
        n = len(self.words)
        if i + n > len(tokens):
            return None
        for k in range(1, n):
            word = tokens[i + k][2]
            if not (word in self.last if k == n - 1 else word == self.words[k]):
                return None
            if not _gap_fits(text[tokens[i + k - 1][1]:tokens[i + k][0]], self.gaps[k - 1]):
                return None
        start, end = tokens[i][0] - len(self.prefix), tokens[i + n - 1][1] + len(self.suffix)
        if start < 0 or fold(text[start:tokens[i][0]]) != self.prefix:
            return None
        if fold(text[tokens[i + n - 1][1]:end]) != self.suffix or (self.suffix and _WORD.match(text, end)):
            return None
        return start, end


def _gap_fits(written: str, avoided: str) -> bool:
    if _JOINER.fullmatch(avoided):
        return bool(_JOINER.fullmatch(written))
    return fold(written.strip()) == avoided.strip()


class AvoidedWords:
    """Every avoided word or phrase, indexed by its first word.

    Matching tokenises the text once and looks each word up in a dict, so the
    cost is linear in the text whatever the number of avoided words.
    """

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.table: dict[str, list[Avoided]] = {}
        for term in terms:
            for text in term.avoid:
                entry = Avoided.parse(text, term)
                if entry is not None:
                    firsts = entry.last if len(entry.words) == 1 else (entry.words[0],)
                    for first in firsts:
                        self.table.setdefault(first, []).append(entry)
        for entries in self.table.values():
            entries.sort(key=lambda a: (-len(a.words), -len(a.prefix) - len(a.suffix)))
        self.first_words = frozenset(self.table)

    def mentions(self, text: str) -> bool:
        """Could `text` hold an avoided phrase? (It has the first word of one.)"""
        if text.isascii():  # the same words as _WORD finds, split in C without a regex
            return not self.first_words.isdisjoint(text.lower().translate(_ASCII_SEPARATORS).split())
        return not self.first_words.isdisjoint(_WORD.findall(fold(text)))

    def find(self, text: str) -> Iterator[tuple[int, int, Avoided]]:
        """(start, end, entry) for each avoided phrase in `text`, left to right, not overlapping."""
        if not self.mentions(text):
            return  # the common case, decided without building a token list
        tokens = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
        i = 0
        while i < len(tokens):
            for entry in self.table.get(tokens[i][2], ()):
                span = entry.fits(text, tokens, i)
                if span is not None:
                    yield span[0], span[1], entry
                    i += len(entry.words)
                    break
            else:
                i += 1


Field = tuple[Ref, tuple[str | int, ...], str, "Term | None"]


def free_text(ws: Workspace) -> Iterator[list[Field]]:
    """Every free-text field, grouped by document part: (object ref, field path, text, the term it defines).

    Groups let the rule test a whole journey's text for avoided words at once;
    refs to single fields are made only for the few texts that match.
    """
    yield [(team.ref, ("name",), team.name, None) for team in ws.teams]
    yield [(term.ref, ("definition",), term.definition, term) for term in ws.terms]
    for j in ws.journeys:
        group: list[Field] = [(j.ref, ("name",), j.name, None)]
        if j.description:
            group.append((j.ref, ("description",), j.description, None))
        for sig in j.signals:
            group.extend((sig.ref, (name,), value, None)
                         for name, value in (("description", sig.description), ("source", sig.source)) if value)
        # a name other than the id was written; only one equal to it asks the data (which a check may have let go)
        group.extend((p.ref, ("name",), p.name, None) for p in j.pipelines if p.name != p.id or p.ref.has("name"))
        for s in j.stages:
            if s.description:
                group.append((s.ref, ("description",), s.description, None))
            group.extend((s.ref, ("actions", i), item, None) for i, item in enumerate(s.actions))
            group.extend((s.ref, ("content", i), item, None) for i, item in enumerate(s.content))
        yield group


@rule("JC201", "avoided-word", Severity.ERROR,
      fix="replaces the word with the term (capitalised at the start of a sentence)")
def avoided_word(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Avoided word: free text uses a word that some term lists under `avoid`.

    **Why it matters:** the vocabulary exists because "hot lead", "lead chaud"
    and "MQL" end up meaning three different things in three teams. Names,
    descriptions, actions, content and definitions must use the canonical term.
    Matching ignores case, respects word boundaries in every script ("devis"
    does not fire inside "devise"), matches phrases across spaces or hyphens,
    and does not fire on a term's own definition ("formerly called hot lead").

    **Anti-pattern**

        - id: mql
          description: Marketing nurtures the hot lead until it asks for a demo.

    **Best practice**

        - id: mql
          description: Marketing nurtures the MQL until it asks for a demo.
    """
    matcher = AvoidedWords(ws.terms)
    if not matcher.table:
        return
    for group in free_text(ws):
        if not matcher.mentions("\n".join(text for _, _, text, _ in group)):
            continue  # one test for a whole journey: nearly every journey is clean
        for ref, parts, text, own in group:
            for start, end, entry in matcher.find(text):
                if entry.term is own:
                    continue
                found = text[start:end]
                yield Finding(ref.at(*parts), f"{found!r} is a word to avoid: the vocabulary says"
                              f" {entry.term.label!r}", f"use {entry.term.label!r}", offset=start, length=end - start,
                              replacement=sentence_case(text, start, entry.term.label))


#: what ends a sentence, and the space after it
_SENTENCE_END = re.compile(r"[.!?\u2026][\s\"'\u201d\u00bb)]*$")


def sentence_case(text: str, start: int, label: str) -> str:
    """`label` as it replaces the word at `start`: capitalised when that word opens a sentence with a capital,
    unless the label's first word has a capital of its own (eNPS, iPhone: written so on purpose)."""
    before = text[:start]
    opens = not before.strip() or _SENTENCE_END.search(before) is not None
    if opens and text[start:start + 1].isupper() and label.partition(" ")[0].islower():
        return label[:1].upper() + label[1:]
    return label


@rule("JC202", "unused-term", Severity.WARNING)
def unused_term(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Term defined but used by no stage and no other term.

    **Why it matters:** a vocabulary is only shared if it names the stages
    people actually move customers through. A term nobody uses is either dead
    (remove it) or a stage the journey forgot (add it).

    **Anti-pattern**

        terms:
          - term: PQL
            definition: A product-qualified lead.   # no stage has term PQL

    **Best practice**

        stages:
          - id: pql
            term: PQL
            owner: product
    """
    if ws.gaps.usage_unknown:
        return  # what could not be read may use it
    if not ws.journeys and ctx.enabled("JC007"):
        return  # a workspace without journeys (JC007) uses nothing: one warning says it
    words = [s.term for j in ws.journeys for s in j.stages if s.term] + [w for t in ws.terms for w in t.see_also]
    if ctx.enabled("JC103") and any(ws.term(w) is None for w in words):
        return  # an unknown term (JC103) may be a misspelling of the one that looks unused
    used: set[int] = set()
    for j in ws.journeys:
        used.update(id(t) for s in j.stages if (t := ws.term(s.term)) is not None)
    for term in ws.terms:
        used.update(id(t) for w in term.see_also if (t := ws.term(w)) is not None and t is not term)
    for term in ws.terms:
        if id(term) not in used and ws.term(term.label) is term:  # a second definition of a word: JC101
            yield Finding(term.ref.at("term"), f"term {term.label!r} is used by no stage and no other term",
                          "name a stage with it, refer to it in see_also, or remove it")


@rule("JC203", "avoided-term", Severity.ERROR)
def avoided_term(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """The same word is a term (or an alias) and also listed to avoid.

    **Why it matters:** the vocabulary contradicts itself: one entry tells
    people to say the word, another forbids it. Every use of it becomes an
    argument.

    **Anti-pattern**

        - term: SQL
          aliases: [Sales Qualified Lead]
        - term: Opportunity
          avoid: [SQL, deal]

    **Best practice**

        - term: SQL
          aliases: [Sales Qualified Lead]
        - term: Opportunity
          avoid: [deal]
    """
    for term in ws.terms:
        for i, word in enumerate(term.avoid):
            other = ws.term(word)
            if other is None:
                continue
            what = "a term" if other.key == fold(word) else \
                f"an alias of {other.label!r}"
            yield Finding(term.ref.at("avoid", i), f"{word!r} is {what} and also a word to avoid",
                          "remove it from `avoid`, or stop defining it")


@rule("JC204", "term-definition", Severity.WARNING)
def term_definition(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Term without a definition.

    **Why it matters:** a shared word is only shared if everybody means the
    same thing by it; the definition is what Marketing, Sales and Customer
    Success agree on. `journeyc import` creates a term for every CRM stage
    label and leaves its definition to the people who own it.

    **Anti-pattern**

        terms:
          - term: SQL
            owner: sdr

    **Best practice**

        terms:
          - term: SQL
            definition: An MQL that Sales Development called and accepted.
            owner: sdr
    """
    for term in ws.terms:
        if not term.definition and not ws.gaps.cannot_tell_missing(term.ref, "definition"):
            yield Finding(term.ref.at("term"), f"term {term.label!r} has no definition",
                          "add `definition:` in words the teams agree on")


RULES = (avoided_word, unused_term, avoided_term, term_definition)
