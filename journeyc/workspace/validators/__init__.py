"""Fast validators generated from schemas/ by fastjsonschema; `python -m journeyc.workspace.validators` rewrites them.

Generating them once (instead of compiling the schemas at every start) keeps
~40 ms off every run of `journeyc check`, which pre-commit runs on every
commit. A test fails when a schema changed and these were not regenerated.
The generated code needs only the names below at run time, so fastjsonschema
itself is needed to regenerate them, not to run journeyc.
"""

from __future__ import annotations

from typing import Any


class JsonSchemaValueException(ValueError):
    """A document failed the fast path; jsonschema then lists its errors properly."""

    def __init__(self, message: str, value: Any = None, name: str | None = None,
                 definition: Any = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.value, self.name, self.definition, self.rule = value, name, definition, rule


JsonSchemaValuesException = JsonSchemaValueException


class Decimal:
    """Stands for decimal.Decimal in the generated type checks: YAML data never holds one."""
