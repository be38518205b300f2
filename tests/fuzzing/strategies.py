"""Hypothesis strategies: raw bytes, YAML streams, mutated example workspaces and valid generated workspaces."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from fuzzing.yamltext import Alias, Anchored, Pairs, Tagged, Verbatim, Writer
from journeyc.workspace.loading import Limits

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = (ROOT / "examples" / "acme-saas", ROOT / "examples" / "broken")
HEADER = "apiVersion: journeyc/v1\n"
KINDS = ("Config", "Teams", "Vocabulary", "Journey")

Files = dict[str, bytes]          # relative path (with /) -> content
Data = dict[str, list[Any]]       # relative path -> the documents of that file, as plain data


# --- corpora -------------------------------------------------------------------


@cache
def example_files() -> tuple[tuple[str, bytes], ...]:
    """Every YAML file of the examples and of the diff fixtures: seeds for byte-level mutations."""
    roots = (*EXAMPLES, ROOT / "tests" / "fixtures" / "diff")
    found = sorted({p for r in roots for p in r.rglob("*.y*ml")})
    return tuple((p.relative_to(ROOT).as_posix(), p.read_bytes()) for p in found)


@cache
def example_workspaces() -> tuple[tuple[str, Data], ...]:
    """The example workspaces as plain data (a duplicate key keeps its last value, as PyYAML does)."""
    out = []
    for root in EXAMPLES:
        data = {p.relative_to(root).as_posix(): list(yaml.load_all(p.read_text("utf-8"), Loader=yaml.CSafeLoader))
                for p in sorted(root.rglob("*.yaml"))}
        out.append((root.name, data))
    return tuple(out)


# --- hostile values --------------------------------------------------------------

#: text that tries to break some output or some part of the pipeline
HOSTILE = (
    "<script>alert(1)</script>", "]]>", "<!-- -->", "&amp;", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)",
    "%0A", "%0D%25", "::error::x", "\u202e\u2066bidi", "\u200b", "\ufeff", "a\tb", "a\rb", "a\nb", "\r\n",
    "\u2028", "\u2029", "\x85", "\x00", "\x01", "\x1b[31m", "\x7f", "\x9b", "{{ 7*7 }}", "{% raw %}", "${x}",
    "`rm`", "| pipe |", "[link](javascript:alert(1))", '"; digraph x {', "\\", "'", '"', "#", "*", "&", "!",
    "\U0001f600", "e\u0301", "İ", "ß", "ﬁ", "Σσς", "\ud800", "\udfff", "x" * 300, "y" * 70_000, "",
    " ", "null", "~", "yes", "0x1F", "1e3", "2024-01-01", "-", "?", ":", "--", "---", "...",
)

#: YAML syntax fragments, spliced into otherwise well-formed streams
FRAGMENTS = (
    "&a ", "*a", "*missing", "&a [*a]", "!foo ", "!!binary ", "!!binary aGVsbG8=", "!!str ", "!!int ", "!!map ",
    "!!set ", "!!omap ", "!<tag:x> ", "!e!t ", "%TAG !e! tag:e,2000:\n", "%YAML 1.2\n", "%YAML 9.9\n", "---\n",
    "...\n", "--- |\n", "? ", ": ", "- ", "-", "[", "]", "{", "}", ",", "#", " # c", "|", ">", "|-", ">+2",
    "<<: *a\n", "<<: [*a, *a]\n", '"', "'", "\\", '"\\ud800"', '"\\U0010ffff"', '"\\x"', '"\\N\\_\\L\\P"',
    "\t", "\x00", "\x01", "\x7f", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\ufeff", "\n", " ", "  ",
    "\n" * 5, "\ud800", "é", "\U0001f600", "apiVersion: journeyc/v1\n", "kind: Journey\n", "kind: Teams\n",
    "stages:\n  - id: a\n", "x" * 200, "[" * 40, "{a: " * 40, "- " * 40,
)

JOURNEYC_KEYS = ("apiVersion", "kind", "id", "name", "owner", "description", "start", "signals", "stages",
                 "pipelines", "teams", "terms", "term", "definition", "aliases", "avoid", "see_also", "exits",
                 "to", "when", "sla_days", "probability", "risk", "actions", "content", "pipeline", "outcome",
                 "terminal", "function", "contact", "source", "object", "rules", "build", "limits", "select",
                 "ignore", "severity", "out", "targets", "x-ext", "<<")


def _garbage_text(rnd: random.Random) -> str:
    pick = rnd.random()
    if pick < 0.4:
        return rnd.choice(HOSTILE[:-12]) if rnd.random() < 0.9 else rnd.choice(HOSTILE)
    if pick < 0.7:
        return "".join(chr(rnd.choice((rnd.randrange(0x20, 0x7F), rnd.randrange(0x80, 0x3000),
                                       rnd.randrange(0x10000, 0x10FFFF), rnd.randrange(0, 0x20))))
                       for _ in range(rnd.randrange(0, 12)))
    return rnd.choice(JOURNEYC_KEYS + ("sales", "marketing", "mql", "won", "MQL", "Closed won", "deal"))


def random_value(rnd: random.Random, depth: int = 0, *, budget: list[int] | None = None) -> Any:
    """Arbitrary plain data, journeyc-flavoured: its keys, ids and hostile text."""
    budget = budget if budget is not None else [40]
    budget[0] -= 1
    roll = rnd.random()
    if depth > 6 or budget[0] <= 0 or roll < 0.45:
        kind = rnd.randrange(8)
        return (None if kind == 0 else rnd.random() < 0.5 if kind == 1
                else rnd.choice((0, 1, -1, 5, 10, 100, 3650, 3651, 2**63, -(2**70), 10**400))
                if kind == 2 else rnd.choice((0.5, -0.0, 1e308, float("inf"), float("nan"))) if kind == 3
                else _garbage_text(rnd))
    if roll < 0.7:
        return [random_value(rnd, depth + 1, budget=budget) for _ in range(rnd.randrange(0, 5))]
    keys = [rnd.choice(JOURNEYC_KEYS) if rnd.random() < 0.7 else _garbage_text(rnd) for _ in range(rnd.randrange(0, 6))]
    return {k: random_value(rnd, depth + 1, budget=budget) for k in keys}


def nest(value: Any, depth: int, rnd: random.Random) -> Any:
    for _ in range(depth):
        value = [value] if rnd.random() < 0.5 else {"x-n": value}
    return value


# --- syntax decoration: anchors, aliases, tags, duplicate keys, fragments -----------


def _children(node: Any) -> list[tuple[Any, Callable[[Any], None]]]:
    """(child, setter) of a container, in document order."""
    if isinstance(node, list):
        return [(v, (lambda new, i=i: node.__setitem__(i, new))) for i, v in enumerate(node)]
    if isinstance(node, dict):
        return [(v, (lambda new, k=k: node.__setitem__(k, new))) for k, v in node.items()]
    return []


def slots(root: Any) -> list[tuple[Any, Callable[[Any], None], tuple[int, ...]]]:
    """Every node below `root` with a setter and its pre-order position path (document order)."""
    out: list[tuple[Any, Callable[[Any], None], tuple[int, ...]]] = []

    def walk(node: Any, path: tuple[int, ...]) -> None:
        for i, (child, setter) in enumerate(_children(node)):
            out.append((child, setter, path + (i,)))
            walk(child, path + (i,))

    walk(root, ())
    return out


def decorate(doc: Any, rnd: random.Random, count: int) -> Any:
    """Apply `count` syntax decorations to a document in place (the root may be replaced: returned)."""
    for n in range(count):
        spots = slots(doc)
        if not spots:
            break
        op = rnd.randrange(7)
        node, setter, path = rnd.choice(spots)
        name = rnd.choice(("a", "b", f"n{n}", "x-1"))
        if op == 0 and len(spots) > 1:  # an anchor, then an alias to it further down (or inside: recursion)
            i = rnd.randrange(len(spots))
            j = rnd.randrange(i, len(spots))
            anchor_node, anchor_set, _ = spots[i]
            target_set = spots[j][1]
            anchor_set(Anchored(name, anchor_node))
            if j != i:
                target_set(Alias(name))
        elif op == 1:
            setter(Tagged(rnd.choice(("!foo", "!!binary", "!!str", "!!int", "!!float", "!!timestamp", "!!null",
                                      "!!python/object:os.system", "!<tag:yaml.org,2002:str>", "!")), node))
        elif op == 2 and isinstance(node, dict) and node:
            key = rnd.choice(list(node))
            items = list(node.items())
            items.insert(rnd.randrange(len(items) + 1), (key, random_value(rnd, budget=[3])))
            setter(Pairs(tuple(items)))
        elif op == 3:
            setter(Verbatim(rnd.choice(FRAGMENTS).strip("\n") or "x"))
        elif op == 4 and isinstance(node, dict):  # a merge key, to whatever `a` is (or nothing)
            items = [("<<", Alias(rnd.choice(("a", "b", "zz"))) if rnd.random() < 0.8 else random_value(rnd)),
                     *node.items()]
            setter(Pairs(tuple(items)))
        elif op == 5:
            setter(nest(node, rnd.choice((1, 3, 10, 70, 100)), rnd))
        else:
            setter(Alias(rnd.choice(("a", "b", "never-anchored"))))
    return doc


def splice(text: str, rnd: random.Random, count: int) -> str:
    """Insert, delete or duplicate small pieces of text: the parser's error paths."""
    for _ in range(count):
        if not text:
            text = rnd.choice(FRAGMENTS)
            continue
        pos = rnd.randrange(len(text) + 1)
        op = rnd.randrange(5)
        if op < 2:
            if rnd.random() < 0.5:  # at a line start, where block syntax begins
                pos = text.rfind("\n", 0, pos) + 1
            text = text[:pos] + rnd.choice(FRAGMENTS) + text[pos:]
        elif op == 2:
            text = text[:pos] + text[pos + rnd.randrange(1, 20):]
        elif op == 3:
            end = min(len(text), pos + rnd.randrange(1, 80))
            text = text[:end] + text[pos:end] + text[end:]
        else:
            text = text[:pos] + rnd.choice(HOSTILE) + text[pos:]
    return text


def encode(text: str, rnd: random.Random | None = None) -> bytes:
    """UTF-8 (lone surrogates kept as the bytes a careless encoder writes), sometimes with a BOM."""
    raw = text.encode("utf-8", "surrogatepass")
    if rnd is not None and rnd.random() < 0.05:
        raw = b"\xef\xbb\xbf" + raw
    return raw


def mutate_bytes(raw: bytes, rnd: random.Random, count: int) -> bytes:
    """Byte-level havoc: flips, interesting bytes, deletions, duplicated and swapped lines."""
    buf = bytearray(raw)
    interesting = (b"\x00", b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\r", b"\n",
                   b"\t", b"\xef\xbb\xbf", b":", b"-", b"&", b"*", b"!", b"[", b"{", b'"', b"'", b"#", b"\x85")
    for _ in range(count):
        op = rnd.randrange(6)
        pos = rnd.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] ^= 1 << rnd.randrange(8)
        elif op == 1:
            buf[pos:pos] = rnd.choice(interesting)
        elif op == 2:
            del buf[pos:pos + rnd.randrange(1, 32)]
        elif op == 3:
            buf[pos:pos] = rnd.choice(FRAGMENTS).encode("utf-8", "surrogatepass")
        else:
            lines = bytes(buf).split(b"\n")
            if len(lines) > 1:
                i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
                if op == 4:
                    lines.insert(j, lines[i])
                else:
                    lines[i], lines[j] = lines[j], lines[i]
                buf = bytearray(b"\n".join(lines))
    return bytes(buf)


# --- (a) loader inputs -----------------------------------------------------------------


def limits() -> st.SearchStrategy[Limits]:
    """Mostly the defaults; sometimes tiny limits, so that every refusal path runs."""
    small = st.builds(Limits, max_file_bytes=st.sampled_from((0, 1, 64, 512, 4096, 1 << 22)),
                      max_depth=st.integers(0, 12), max_alias_nodes=st.integers(0, 64),
                      max_documents=st.integers(0, 4), max_string_length=st.integers(0, 80))
    return st.one_of(st.just(Limits()), st.just(Limits()), small)


@st.composite
def yaml_streams(draw: st.DrawFn) -> bytes:
    """A YAML stream built from random journeyc-flavoured data, decorated and spliced."""
    rnd = draw(st.randoms(use_true_random=False))
    return yaml_stream(rnd)


def yaml_stream(rnd: random.Random) -> bytes:
    docs: list[Any] = []
    for _ in range(rnd.choice((1, 1, 1, 2, 3))):
        if rnd.random() < 0.7:
            doc: Any = {"apiVersion": "journeyc/v1" if rnd.random() < 0.9 else _garbage_text(rnd),
                        "kind": rnd.choice(KINDS) if rnd.random() < 0.9 else _garbage_text(rnd)}
            body = random_value(rnd)
            if isinstance(body, dict):
                doc.update(body)
        else:
            doc = random_value(rnd)
        docs.append(decorate(doc, rnd, rnd.choice((0, 1, 2, 4))))
    text = Writer(rnd, exact=False, flow=rnd.choice((0.0, 0.2, 0.6))).stream(docs)
    text = splice(text, rnd, rnd.choice((0, 0, 1, 2, 5)))
    if rnd.random() < 0.03:
        text += "x-deep: " + "[" * rnd.choice((70, 999, 1001, 5000)) + "\n"
    return encode(text, rnd)


@st.composite
def mutated_example_bytes(draw: st.DrawFn) -> bytes:
    """An example file with a few byte-level mutations."""
    _, raw = draw(st.sampled_from(example_files()))
    rnd = draw(st.randoms(use_true_random=False))
    return mutate_bytes(raw, rnd, rnd.choice((1, 2, 4, 8, 16)))


def loader_inputs() -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=600), yaml_streams(), mutated_example_bytes())


# --- (b) structure-aware mutations of the example workspaces -------------------------

REF_KEYS = ("owner", "to", "when", "term", "pipeline", "id", "start", "see_also", "kind", "apiVersion", "outcome")


def _ids(data: Data) -> list[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in REF_KEYS and isinstance(v, str):
                    found.add(v)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for docs in data.values():
        walk(docs)
    return sorted(found)


def _mappings(data: Data) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []

    def walk(path: str, node: Any) -> None:
        if isinstance(node, dict):
            out.append((path, node))
            for v in node.values():
                walk(path, v)
        elif isinstance(node, list):
            for v in node:
                walk(path, v)

    for path, docs in data.items():
        walk(path, docs)
    return out


def _lists(data: Data) -> list[list[Any]]:
    out: list[list[Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            out.append(node)
            for v in node:
                walk(v)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)

    for docs in data.values():
        for doc in docs:
            walk(doc)
    return out


def mutate_data(data: Data, rnd: random.Random, count: int) -> Data:
    """Structure-aware mutations: drop, duplicate and retype keys, swap references, odd text, deep nesting."""
    data = copy.deepcopy(data)
    ids = _ids(data) or ["x"]
    for _ in range(count):
        maps = [(p, m) for p, m in _mappings(data) if m]
        op = rnd.randrange(10)
        if op == 9 or not maps:
            if rnd.random() < 0.5 and len(data) > 1:
                del data[rnd.choice(sorted(data))]
            else:  # a new file: a copy of a document (ids twice), a foreign document, an extra one, random data
                name = rnd.choice(("extra.yaml", "journeys/extra.yml", "teams.yaml", ".hidden/x.yaml", "ci.yaml"))
                docs = [d for ds in data.values() for d in ds]
                data[name] = [copy.deepcopy(rnd.choice(docs)) if docs and rnd.random() < 0.4 else
                              random_value(rnd) if rnd.random() < 0.3 else
                              {"apiVersion": "journeyc/v1", "kind": rnd.choice(KINDS), **_as_dict(random_value(rnd))}]
            continue
        _, mapping = rnd.choice(maps)
        key = rnd.choice(list(mapping))
        value = mapping[key]
        if op == 0:
            del mapping[key]
        elif op == 1:  # retype
            mapping[key] = rnd.choice((None, True, 0, -5, 101, 2.5, "", [], {}, [value], {"x": value}, "text",
                                       random_value(rnd, budget=[4])))
        elif op in (2, 3):  # swap a reference: another id of the workspace, or garbage
            refs = [k for k in mapping if k in REF_KEYS] or [key]
            key = rnd.choice(refs)
            new = rnd.choice(ids) if rnd.random() < 0.6 else _garbage_text(rnd)
            if rnd.random() < 0.15:
                new = rnd.choice(("abc\n", "abc ", " abc", "ABC", "a--b", "a" * 65, "../../etc/passwd", "a/b",
                                  "con", "a\x00b", "\u0430bc", "mql\n"))
            mapping[key] = [new] if isinstance(mapping[key], list) else new
        elif op == 4:  # odd text inside a string
            if isinstance(value, str):
                pos = rnd.randrange(len(value) + 1)
                mapping[key] = value[:pos] + _garbage_text(rnd) + value[pos:]
            else:
                mapping[key] = _garbage_text(rnd)
        elif op == 5:
            mapping[key] = nest(value, rnd.choice((1, 2, 8, 40, 70, 100)), rnd)
        elif op == 6:  # duplicate a list item (a stage, a team, an exit...)
            lists = [v for v in _lists(data) if v]
            if lists:
                target = rnd.choice(lists)
                target.insert(rnd.randrange(len(target) + 1), copy.deepcopy(rnd.choice(target)))
        elif op == 7:  # a new key: unknown, extension or known
            mapping[rnd.choice(JOURNEYC_KEYS + ("unknown", "x-new", "Owner", "sla-days"))] = random_value(
                rnd, budget=[4])
        else:  # swap two values of the same mapping
            other = rnd.choice(list(mapping))
            mapping[key], mapping[other] = mapping[other], mapping[key]
    return data


FREE_TEXT = ("name", "description", "definition", "contact", "source", "actions", "content")


def gentle_mutate(data: Data, rnd: random.Random, count: int) -> Data:
    """Mutations that keep a clean workspace clean, so that `build` runs on hostile text too:
    odd text in free-text fields, extension keys with odd values, key order, anchors and aliases."""
    data = copy.deepcopy(data)
    for _ in range(count):
        maps = [m for _, m in _mappings(data) if m]
        if not maps:
            break
        mapping = rnd.choice(maps)
        op = rnd.randrange(4)
        texts = [k for k, v in mapping.items() if k in FREE_TEXT and (isinstance(v, str) or isinstance(v, list)
                                                                         and v and isinstance(v[0], str))]
        if op == 0 and texts:
            key = rnd.choice(texts)
            value = mapping[key]
            garbage = rnd.choice(HOSTILE_VALID) if rnd.random() < 0.7 else _no_z(_garbage_text(rnd))
            if isinstance(value, list):
                i = rnd.randrange(len(value))
                value[i] = value[i] + " " + garbage
            else:
                pos = rnd.randrange(len(value) + 1)
                mapping[key] = value[:pos] + garbage + value[pos:]
        elif op == 1:
            mapping[f"x-{rnd.choice(('a', 'note', 'owner', 'id'))}"] = random_value(rnd, budget=[8])
        elif op == 2:
            items = list(mapping.items())
            rnd.shuffle(items)
            mapping.clear()
            mapping.update(items)
        else:  # the same value twice, the second time as an alias of the first
            key = rnd.choice(list(mapping))
            name = f"g{rnd.randrange(1000)}"
            mapping[f"x-copy-{name}"] = Alias(name)
            mapping[key] = Anchored(name, mapping[key])
            items = [(k, v) for k, v in mapping.items() if k != f"x-copy-{name}"] + [(f"x-copy-{name}", Alias(name))]
            mapping.clear()
            mapping.update(items)
    return data


def _as_dict(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def render(data: Data, rnd: random.Random, *, exact: bool, decorations: int = 0) -> Files:
    files: Files = {}
    for path, docs in sorted(data.items()):
        docs = [decorate(copy.deepcopy(d), rnd, decorations) if decorations else d for d in docs]
        text = Writer(rnd, exact=exact, flow=rnd.choice((0.0, 0.1, 0.5))).stream(docs)
        newline = rnd.choice(("\n",) * 6 + ("\r\n", "\r\n", "\r"))  # Windows and old Mac files too
        files[path] = encode(text.replace("\n", newline))
    return files


@st.composite
def mutated_workspaces(draw: st.DrawFn) -> Files:
    """One of the example workspaces after a few structure-aware mutations, written in varied YAML."""
    name, data = draw(st.sampled_from(example_workspaces()))
    rnd = draw(st.randoms(use_true_random=False))
    # how the YAML is laid out needs no shrinking: a seed, which draws much faster than st.randoms()
    layout = random.Random(draw(st.integers(0, 2**32)))
    return mutated_workspace(data, rnd, layout, clean=name == "acme-saas")


def mutated_workspace(data: Data, rnd: random.Random, layout: random.Random | None = None, *,
                      clean: bool = False) -> Files:
    """`clean`: the workspace checks clean, and gentle mutations (more than half the time) keep it so."""
    layout = layout or rnd
    if clean and rnd.random() < 0.8:
        data = gentle_mutate(data, rnd, rnd.choice((1, 2, 4, 8)))
    else:
        data = mutate_data(data, rnd, rnd.choice((1, 1, 2, 3, 6)))
    files = render(data, layout, exact=False, decorations=rnd.choice((0, 0, 0, 1, 2)))
    if files and rnd.random() < 0.2:  # and once in a while, byte havoc in one file
        path = rnd.choice(sorted(files))
        files[path] = mutate_bytes(files[path], layout, layout.choice((1, 3, 8)))
    return files


# --- (c) valid workspaces ------------------------------------------------------------------

ID = r"\A[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,3}){0,2}\Z"
FUNCTIONS = ("marketing", "sales", "customer-success", "revops", "product", "support", "other")
#: text that must come out inert in every target, and contains no `z` (avoided words all do, see `_no_z`)
HOSTILE_VALID = tuple(t for t in HOSTILE if t.strip() and "z" not in t.casefold() and len(t) < 200
                      and not any(0xD800 <= ord(c) <= 0xDFFF for c in t))


def _no_z(text: str) -> str:
    """Drop every character whose case fold has a `z`: no generated text can then contain an avoided word."""
    return "".join(c for c in text if "z" not in c.casefold())


@cache
def ids(size: int, pool: tuple[str, ...] = ()) -> st.SearchStrategy[list[str]]:
    one = st.from_regex(ID) if not pool else st.one_of(st.sampled_from(pool), st.from_regex(ID))
    return st.lists(one, min_size=size, max_size=size, unique=True)


@cache
def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    chars = st.characters(codec="utf-8", exclude_categories=("Cs",))
    return st.one_of(st.text(chars, min_size=1, max_size=max_size), st.sampled_from(HOSTILE_VALID),
                     st.from_regex(r"\A[A-Y][a-y]{1,8}( [a-y]{1,8}){0,3}\Z")).map(_no_z).filter(bool)


@cache
def extensions() -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), texts(20))
    value = st.recursive(leaf, lambda c: st.lists(c, max_size=3) | st.dictionaries(texts(8), c, max_size=3),
                         max_leaves=6)
    return st.dictionaries(st.from_regex(r"\Ax-[a-y]{1,6}\Z"), value, max_size=2)


@dataclass
class Generated:
    """A generated workspace: its documents as data (to mutate) and as files (to check)."""

    data: Data
    files: Files = field(default_factory=dict)


@st.composite
def valid_workspaces(draw: st.DrawFn, max_journeys: int = 3) -> Generated:
    """A workspace that satisfies every error rule: teams, one term per stage, journeys whose flow is sound."""
    team_ids = draw(ids(draw(st.integers(1, 4)), pool=("sales", "marketing", "cs")))
    teams = [{"id": t, "name": draw(texts()), "function": draw(st.sampled_from(FUNCTIONS)), **draw(extensions())}
             for t in team_ids]
    for team in teams:
        if draw(st.booleans()):
            team["contact"] = draw(texts())
    n_journeys = draw(st.integers(1, max_journeys))
    journey_ids = draw(ids(n_journeys, pool=("deals", "new-business", "customer", "a", "a-2", "a2", "b")))
    labels: list[str] = []
    seen: set[str] = set()
    journeys = []
    for jid in journey_ids:
        journey = draw(_journey(jid, team_ids, labels, seen))
        journeys.append(journey)
    terms = []
    for label in labels:
        term: dict[str, Any] = {"term": label, "definition": draw(texts()), "owner": draw(st.sampled_from(team_ids))}
        if draw(st.booleans()):
            term["avoid"] = draw(st.lists(st.from_regex(r"\Az[a-y]{1,6}( [a-y]{1,5})?\Z"), min_size=1, max_size=2))
        aliases = [a for a in draw(st.lists(texts(20), max_size=2)) if a.casefold() not in seen]
        seen.update(a.casefold() for a in aliases)
        if aliases:
            term["aliases"] = list(dict.fromkeys(aliases))
        if labels and draw(st.integers(0, 3)) == 0:
            term["see_also"] = [draw(st.sampled_from(labels))]
        term.update(draw(extensions()))
        terms.append(term)
    data: Data = {
        "journeyc.yaml": [{"apiVersion": "journeyc/v1", "kind": "Config"}],
        "teams.yaml": [{"apiVersion": "journeyc/v1", "kind": "Teams", "teams": teams}],
        "vocabulary.yaml": [{"apiVersion": "journeyc/v1", "kind": "Vocabulary", "terms": terms}],
    }
    if draw(st.booleans()):  # everything in one file, as a multi-document stream
        data["teams.yaml"] += data.pop("vocabulary.yaml") + journeys
    else:
        for journey in journeys:
            data[f"journeys/{journey['id']}.yaml"] = [journey]
    rnd = random.Random(draw(st.integers(0, 2**32)))  # layout only: a seed draws faster than st.randoms()
    return Generated(data, render(data, rnd, exact=True))


def _unique_text(draw: st.DrawFn, seen: set[str]) -> str:
    """A text no other label of the workspace has (case-insensitively): CRM pipeline labels must be unique."""
    text: str = draw(texts(30).filter(lambda t: t.casefold() not in seen))
    seen.add(text.casefold())
    return text


@st.composite
def _journey(draw: st.DrawFn, jid: str, teams: list[str], labels: list[str], seen: set[str]) -> dict[str, Any]:
    n_open = draw(st.integers(1, 6))
    n_closed = draw(st.integers(1, 3))
    stage_ids = draw(ids(n_open + n_closed, pool=("mql", "sql", "won", "lost", "demo")))
    signal_ids = draw(ids(draw(st.integers(0, 6)), pool=("demo-booked", "signed", "lost")))
    pipelines: list[dict[str, Any]] = []
    if draw(st.booleans()):
        for pid in draw(ids(draw(st.integers(1, 2)), pool=("deals", "leads", "b", "b-2", "a", "a-2"))):
            pipe = {"id": pid, "object": draw(st.sampled_from(("lead", "deal", "ticket")))}
            # a CRM needs unique pipeline labels (JC505): a pipeline's name, else its id, is one
            pipe["name"] = _unique_text(draw, seen)
            pipelines.append(pipe)
    stages = []
    probability = 0
    for i, sid in enumerate(stage_ids):
        closed = i >= n_open
        label = draw(texts(30).filter(lambda t: t.casefold() not in seen))
        seen.add(label.casefold())
        labels.append(label)
        stage: dict[str, Any] = {"id": sid, "term": label, "owner": draw(st.sampled_from(teams))}
        if draw(st.booleans()):
            stage["description"] = draw(texts())
        if closed:
            outcome = "won" if i == n_open else draw(st.sampled_from(("won", "lost", None)))
            if outcome:
                stage["outcome"] = outcome
                if draw(st.booleans()):
                    stage["probability"] = 100 if outcome == "won" else 0
            stage["terminal"] = True
        else:
            if draw(st.booleans()):
                stage["sla_days"] = draw(st.integers(1, 3650))
            if draw(st.booleans()):
                probability = draw(st.integers(probability // 10, 9)) * 10  # rising, in steps of 10
                stage["probability"] = probability
            if draw(st.booleans()):
                stage["risk"] = draw(st.sampled_from(("low", "medium", "high")))
            for name in ("actions", "content"):
                if draw(st.booleans()):
                    stage[name] = draw(st.lists(texts(), min_size=1, max_size=3))
        if pipelines and draw(st.booleans()):
            stage["pipeline"] = draw(st.sampled_from([p["id"] for p in pipelines]))
        stage.update(draw(extensions()))
        stages.append(stage)
    # exits: each open stage goes to the next one (so everything is reachable and can end), plus extras;
    # every closed stage after the first is reached from some open stage
    targets: list[list[str]] = [[stage_ids[i + 1]] for i in range(n_open)]
    for j in range(n_open + 1, n_open + n_closed):
        targets[draw(st.integers(0, n_open - 1))].append(stage_ids[j])
    for i in range(n_open):
        extra = draw(st.lists(st.sampled_from(stage_ids), max_size=2))
        targets[i] += [t for t in dict.fromkeys(extra) if t not in targets[i]]
        whens = draw(st.permutations(signal_ids)) if signal_ids else []
        exits = []
        for k, to in enumerate(targets[i]):
            exit_: dict[str, Any] = {"to": to}
            if k < len(whens) and draw(st.booleans()):  # distinct signals per stage (JC602)
                exit_["when"] = whens[k]
            exits.append(exit_)
        stages[i]["exits"] = exits
    journey: dict[str, Any] = {"apiVersion": "journeyc/v1", "kind": "Journey", "id": jid,
                               "name": _unique_text(draw, seen), "owner": draw(st.sampled_from(teams))}
    if draw(st.booleans()):
        journey["description"] = draw(texts(200))
    if draw(st.booleans()):
        journey["start"] = [stage_ids[0]]
    journey["signals"] = [{"id": s, "description": draw(texts())} for s in signal_ids]
    journey["stages"] = stages
    if pipelines:
        journey["pipelines"] = pipelines
    journey.update(draw(extensions()))
    keys = list(journey)
    if draw(st.booleans()):  # key order is free in YAML
        keys = draw(st.permutations(keys))
    return {k: journey[k] for k in keys}


# --- mutations for the diff base ------------------------------------------------------------


def diff_mutation(data: Data, rnd: random.Random) -> tuple[Data, bool]:
    """A copy of `data` with one change; True when `journeyc diff` must report it."""
    data = copy.deepcopy(data)
    journeys = [d for docs in data.values() for d in docs if isinstance(d, dict) and d.get("kind") == "Journey"]
    teams = next(d for docs in data.values() for d in docs if isinstance(d, dict) and d.get("kind") == "Teams")
    op = rnd.randrange(6)
    journey = rnd.choice(journeys)
    stage = rnd.choice(journey["stages"])
    if op == 0:
        journey["stages"].remove(stage)
        return data, True
    if op == 1:
        stage["sla_days"] = stage.get("sla_days", 0) + 1
        return data, True
    if op == 2:
        teams["teams"].append({"id": "added-team", "name": "Added"})
        return data, True
    if op == 3 and stage.get("exits"):
        stage["exits"].pop()
        return data, True
    if op == 4:
        for docs in data.values():
            for doc in docs:
                if doc.get("kind") == "Vocabulary" and doc["terms"]:
                    doc["terms"][0]["definition"] += " (changed)"
                    return data, True
    stage["x-note"] = "extension keys are not diffed"
    return data, False


def files_text(files: Files) -> str:
    """A readable dump of a workspace for failure messages."""
    return "\n".join(f"=== {p}\n{raw.decode('utf-8', 'backslashreplace')}" for p, raw in sorted(files.items()))

