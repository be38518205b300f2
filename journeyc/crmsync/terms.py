"""A vocabulary term for every imported stage label, with the labels of several CRMs merged.

Labels that name the same thing become one term, the others its aliases: the
same words (ignoring case, spacing and punctuation: "Qualified to buy" and
"Qualified To Buy"), or the one won (lost) stage of a deal pipeline in each
CRM ("Closed Won" in HubSpot and Salesforce, "Won" in Pipedrive). A label the
workspace already knows (a term or an alias) makes no new term; one that only
resembles a known term is reported, never written into an existing file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from journeyc.crmsync.plan import Journey
from journeyc.readers.config import CRM_NAMES


@dataclass
class Term:
    label: str
    aliases: list[str] = field(default_factory=list)
    uses: int = 0


@dataclass
class Terms:
    new: list[Term]
    merges: list[str]          # one line per merged label, for the report
    hints: list[str]           # labels that resemble an existing term


def words(label: str) -> str:
    return " ".join(re.findall(r"\w+", label.casefold()))


def plan_terms(journeys: list[Journey], known: dict[str, str]) -> Terms:
    """`known`: every term label and alias of the workspace (casefolded) -> its term's label."""
    groups = _Groups()
    where: dict[str, str] = {}
    uses = Counter(s.label for j in journeys for s in j.stages)
    for j in journeys:
        sole = {o: [s for s in j.stages if s.outcome == o] for o in ("won", "lost")}
        for s in j.stages:
            groups.add(s.label)
            where.setdefault(s.label, f"{CRM_NAMES[j.crm]} {j.name!r}")
            groups.join(s.label, f"\0words:{words(s.label)}", "same words")
            if s.outcome in sole and len(sole[s.outcome]) == 1 and _is_deal(j, s.pipeline):
                groups.join(s.label, f"\0{s.outcome}", f"the {s.outcome} stage of each pipeline")
    new: list[Term] = []
    merges: list[str] = []
    hints: list[str] = []
    for labels, reason in groups.groups():
        fresh = [lb for lb in labels if lb.casefold() not in known]
        if len(fresh) < len(labels):
            existing = known[next(lb for lb in labels if lb.casefold() in known).casefold()]
            hints += [f"{lb!r} ({where[lb]}) names the same as the existing term {existing!r}: add it to that"
                      " term's `aliases` if it does" for lb in fresh]
            fresh = []
        if not fresh:
            continue
        head = fresh[0]  # the first CRM's word (HubSpot, Salesforce, Pipedrive), the first pipeline's
        term = Term(head, uses=sum(uses[lb] for lb in fresh))
        seen = {head.casefold()}
        for lb in fresh:
            if lb.casefold() not in seen:
                seen.add(lb.casefold())
                term.aliases.append(lb)
                merges.append(f"term {head!r} also names {lb!r} ({where[lb]}): {reason}")
        new.append(term)
    return Terms(new, merges, hints)


def _is_deal(j: Journey, pipeline_id: str | None) -> bool:
    found = next((p for p in j.pipelines if p.id == pipeline_id), j.pipelines[0] if j.pipelines else None)
    return found is not None and found.source.object == "deal"


class _Groups:
    """Union-find over labels and the keys that join them; each group remembers why it was joined."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.order: list[str] = []
        self.reason: dict[str, str] = {}

    def add(self, item: str) -> None:
        if item not in self.parent:
            self.parent[item] = item
            if not item.startswith("\0"):
                self.order.append(item)

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, label: str, key: str, why: str) -> None:
        self.add(key)
        a, b = self.find(label), self.find(key)
        if a != b:
            self.parent[b] = a
            self.reason.setdefault(a, self.reason.get(b, why))
            if why != "same words":
                self.reason[a] = why

    def groups(self) -> list[tuple[list[str], str]]:
        out: dict[str, list[str]] = {}
        for item in self.order:
            out.setdefault(self.find(item), []).append(item)
        return [(labels, self.reason.get(root, "same words")) for root, labels in out.items()]
