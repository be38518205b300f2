"""Coverage-guided fuzzing of the loader with atheris (libFuzzer): the same property as the Hypothesis tests.

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/atheris_loader.py -runs=200000 -max_len=4096 fuzz/corpus examples/acme-saas

The first directory collects the inputs libFuzzer finds interesting (create it first); the
others seed it. The loader, PyYAML and the journeyc modules behind it (schema, model, rules) are
instrumented, so libFuzzer steers towards new branches of the YAML parser's error paths and of
journeyc's positions. A crash leaves `crash-<sha1>` in the current directory: replay it with
`python fuzz/atheris_loader.py crash-<sha1>`, minimise it with `-minimize_crash=1 -runs=10000`,
then commit it under tests/fixtures/fuzz-regressions/loader/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

with atheris.instrument_imports(include=["journeyc", "yaml", "fuzzing"]):
    from fuzzing import properties

    from journeyc.workspace.loading import Limits

SMALL = Limits(max_depth=6, max_alias_nodes=40, max_documents=3, max_string_length=64)


def test_one_input(data: bytes) -> None:
    # the first byte picks the limits, so that refusals are explored as well as the default path
    limits = SMALL if data[:1] == b"\x01" else Limits()
    properties.loader_property(data, limits)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
