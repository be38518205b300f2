"""What a rule is: a code, a name, a default severity, a docstring and a check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from inspect import cleandoc

from journeyc.diagnostics import Severity
from journeyc.workspace.model import Finding, Workspace


@dataclass(frozen=True)
class Context:
    """What a check may know besides the workspace: the CRM targets it must respect."""

    targets: frozenset[str] = frozenset()
    #: whether a code runs: a rule stays silent on what an enabled rule reports at its root
    enabled: Callable[[str], bool] = field(default=lambda code: True, compare=False)


Check = Callable[[Workspace, Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    doc: str
    check: Check | None = field(default=None, compare=False)
    #: what its safe fix does (`journeyc fix`, `check --fix`, the editor's quick fix); None: no fix
    fix: str | None = None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].rstrip(".")


def rule(code: str, name: str, severity: Severity, *, fix: str | None = None) -> Callable[[Check], Rule]:
    """Decorate a check function; its docstring is the rule's documentation.

    `fix` says what the safe fix does; the check then gives each finding it can
    fix a `replacement` for the part of a text it points at.
    """

    def wrap(fn: Check) -> Rule:
        if not fn.__doc__:  # `journeyc rules`, `explain` and the docs would have nothing to say
            raise TypeError(f"rule {code}: its check {fn.__name__} needs a docstring, the rule's documentation")
        return Rule(code, name, severity, cleandoc(fn.__doc__), fn, fix)

    return wrap


def documented(code: str, name: str, severity: Severity, doc: str, *, fix: str | None = None) -> Rule:
    """A code raised by the loader, the schema or the engine rather than a check."""
    return Rule(code, name, severity, cleandoc(doc), fix=fix)
