"""Keystroke to diagnostics: `journeyc lsp` driven by a real LSP client (pygls) over stdio.

    .venv/bin/python bench/lsp.py [--journeys 1000] [--keys 60] [--out bench/out] [--json]

Generates a workspace (bench/generate.py), starts `python -m journeyc lsp`
as an editor would, opens one journey in the middle of the workspace and
types into it, one character per `didChange`, waiting after each for the
`publishDiagnostics` of that document's new version. Three kinds of
keystrokes, each timed from sending the change to receiving its diagnostics:

- `text`: typing a sentence into a stage description (free text);
- `word`: typing an avoided word there (each keystroke changes what JC201 says);
- `reference`: typing a stage id after `to:` (the cross-journey rules must look again:
  the first publication carries their last findings over, a second follows once typing pauses).

Prints the median, 90th percentile and worst time of each kind, with the
machine's load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import generate  # bench/generate.py
from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parent.parent
SENTENCE = "Confirm the budget with the buyer before the call. "


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("journeyc-bench", "1")
        self.arrived: dict[tuple[str, int | None], float] = {}
        self.event = asyncio.Event()


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()
    except OSError:
        return "unknown"


async def session(root: Path, target: Path, keys: int) -> dict[str, list[float]]:
    client = Client()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        client.arrived[(params.uri, params.version)] = time.perf_counter()
        client.event.set()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    await client.start_io(sys.executable, "-m", "journeyc", "lsp", cwd=str(root))
    started = time.perf_counter()
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(root.as_uri(), "bench")]))
    client.initialized(types.InitializedParams())
    await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="zz-no-such-symbol"))
    print(f"  server started and loaded the workspace in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    uri = target.as_uri()
    text = target.read_text(encoding="utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text)))
    await wait(client, uri, 1)
    lines = text.split("\n")
    version = 1
    out: dict[str, list[float]] = {}
    for kind, (line, column, typed) in plan(lines, keys).items():
        out[kind] = []
        for i, char in enumerate(typed):
            version += 1
            at = types.Position(line, column + i)
            sent = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangePartial(types.Range(at, at), char)]))
            await wait(client, uri, version)
            out[kind].append(client.arrived[(uri, version)] - sent)
        await asyncio.sleep(0.5)  # let the work that waits for a pause finish before the next kind
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return out


def plan(lines: list[str], keys: int) -> dict[str, tuple[int, int, str]]:
    """Where each kind of keystroke goes: (0-based line, column, the characters typed)."""
    described = next(i for i, t in enumerate(lines) if t.strip().startswith("description:") and t.startswith("    "))
    exit_to = next(i for i, t in enumerate(lines) if "to: " in t)
    at = lines[described].index("description:") + len("description: ")
    word = ("hot lead " * (keys // 9 + 1))[:keys]
    return {
        "text": (described, at, (SENTENCE * (keys // len(SENTENCE) + 1))[:keys]),
        "word": (described, at, word),
        "reference": (exit_to, lines[exit_to].index("to: ") + 4, ("x" * keys)),
    }


async def wait(client: Client, uri: str, version: int) -> None:
    while (uri, version) not in client.arrived:
        client.event.clear()
        await asyncio.wait_for(client.event.wait(), timeout=60)


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median_ms": statistics.median(ordered) * 1000, "p90_ms": ordered[int(len(ordered) * 0.9)] * 1000,
            "max_ms": ordered[-1] * 1000, "keystrokes": len(ordered)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "lsp")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    root = args.out.resolve()
    generate.generate(root, generate.Options(journeys=args.journeys))
    (root / "vocabulary.yaml").write_text((root / "vocabulary.yaml").read_text(encoding="utf-8").replace(
        "terms:\n", "terms:\n  - term: MQL\n    definition: A qualified lead.\n    owner: marketing\n"
        "    avoid: [hot lead]\n    see_also: [MQL]\n", 1), encoding="utf-8")
    journeys = sorted((root / "journeys").rglob("*.yaml"))
    target = journeys[len(journeys) // 2]
    before = loadavg()
    times = asyncio.run(session(root, target, args.keys))
    after = loadavg()
    result = {kind: summary(t) for kind, t in times.items()}
    if args.json:
        print(json.dumps({"journeys": args.journeys, "load_before": before, "load_after": after, **result}, indent=2))
        return 0
    print(f"{args.journeys} journeys, {target.relative_to(root)}; load average before {before}, after {after}")
    for kind, figures in result.items():
        print(f"  {kind:<10} median {figures['median_ms']:6.1f} ms   p90 {figures['p90_ms']:6.1f} ms"
              f"   worst {figures['max_ms']:6.1f} ms   ({figures['keystrokes']:.0f} keystrokes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
