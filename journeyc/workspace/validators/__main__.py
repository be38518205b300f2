"""Regenerate the fast validators from schemas/."""

from __future__ import annotations

from pathlib import Path

from journeyc.resources import SCHEMA_FILES
from journeyc.workspace.schema import generate_validator

if __name__ == "__main__":
    here = Path(__file__).parent
    for kind, stem in SCHEMA_FILES.items():
        (here / f"{stem}.py").write_text(generate_validator(kind), encoding="utf-8")
        print(f"wrote journeyc/workspace/validators/{stem}.py")
