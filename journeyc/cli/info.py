"""`journeyc rules`, `explain` and `schema`: what journeyc knows, printed."""

from __future__ import annotations

import click

from journeyc.cli.common import fail, guarded


@click.command()
@guarded
def rules() -> None:
    """List every rule: code, name, default severity, `fix` when `journeyc fix` can fix it, and summary."""
    from journeyc.rules import RULES

    width = max(len(r.name) for r in RULES.values())
    for r in RULES.values():
        click.echo(f"{r.code}  {r.name:<{width}}  {r.severity.label:<7}  {'fix' if r.fix else '   '}  {r.summary}")


@click.command()
@click.argument("code")
@guarded
def explain(code: str) -> None:
    """Print one rule's documentation, with examples. CODE is a code (JC201) or a name (avoided-word)."""
    from journeyc.rules import RULES
    from journeyc.wording import did_you_mean

    wanted = code.strip()
    rule = RULES.get(wanted.upper()) or next((r for r in RULES.values() if r.name == wanted.lower()), None)
    if rule is None:
        hint = did_you_mean(wanted.lower(), [r.name for r in RULES.values()])
        also = f" ({hint})" if hint else ""
        fail(f"unknown rule code or name {code!r}{also}; known codes: {', '.join(RULES)}")
        return
    click.echo(f"{rule.code} ({rule.name}), default severity: {rule.severity.label}")
    fix = f"`journeyc fix` {rule.fix}" if rule.fix else "none: `journeyc fix` leaves it to you"
    click.echo(f"Safe fix: {fix}\n")
    click.echo(rule.doc)


@click.command()
@click.argument("kind", required=False)
@guarded
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a kind (Config, Teams, Vocabulary, Journey); without one, list them."""
    from journeyc.resources import SCHEMA_FILES, schema_text

    if kind is None:
        for name, stem in SCHEMA_FILES.items():
            click.echo(f"{name:<11} schemas/{stem}.schema.json")
        return
    match = next((k for k in SCHEMA_FILES if k.lower() == kind.lower()), None)
    if match is None:
        fail(f"unknown kind {kind!r}; kinds: {', '.join(SCHEMA_FILES)}")
        return
    click.echo(schema_text(match), nl=False)
