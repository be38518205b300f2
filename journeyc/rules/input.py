"""JC001-JC008: problems with the input itself, raised by the loader, the schema, the engine or the baseline."""

from __future__ import annotations

from journeyc.diagnostics import Severity
from journeyc.rules.base import documented

JC001 = documented("JC001", "yaml-syntax", Severity.ERROR, """
    YAML syntax error.

    **Why it matters:** a file that does not parse says nothing at all; every
    other rule is blind to it. The position is the parser's own.

    **Anti-pattern**

        stages:
          - id: mql
           owner: marketing      # indented one space too far

    **Best practice**

        stages:
          - id: mql
            owner: marketing
    """)

JC002 = documented("JC002", "duplicate-key", Severity.ERROR, """
    Duplicate mapping key.

    **Why it matters:** YAML loaders silently keep only one of the two values,
    so half of what was written is ignored without anyone noticing. The
    diagnostic points at the second key and names the line of the first.

    **Anti-pattern**

        - id: sql
          owner: sales
          sla_days: 5
          owner: sdr

    **Best practice**

        - id: sql
          owner: sdr
          sla_days: 5
    """)

JC003 = documented("JC003", "unknown-kind", Severity.ERROR, """
    Unknown apiVersion or kind.

    **Why it matters:** journeyc reads `apiVersion: journeyc/v1` documents of
    kind Config, Teams, Vocabulary or Journey. A typo in either means the
    document is not what its author thinks it is.

    **Anti-pattern**

        apiVersion: journeyc/v1
        kind: Jouney

    **Best practice**

        apiVersion: journeyc/v1
        kind: Journey
    """)

JC004 = documented("JC004", "schema", Severity.ERROR, """
    Schema violation: a key or value that the JSON Schema of its kind rejects.

    **Why it matters:** an unknown key is usually a typo that silently drops a
    setting (`sla_day:` is not `sla_days:`); a value of the wrong type cannot
    be compiled. The diagnostic sits on the offending node (an unknown key on
    the key itself, with a did-you-mean). Extension keys start with `x-`.

    **Anti-pattern**

        - id: demo
          owner: sales
          sla_day: 5
          probability: high

    **Best practice**

        - id: demo
          owner: sales
          sla_days: 5
          probability: 30
          x-crm-notes: kept and passed to templates
    """)

JC005 = documented("JC005", "input-refused", Severity.ERROR, """
    Input refused: not UTF-8, too large, too deep, or alias expansion over the limit.

    **Why it matters:** journeyc runs unattended in CI and pre-commit on files
    anyone can put in a pull request. A "billion laughs" alias bomb or a
    gigabyte file must be refused quickly with a clear message, not hang the
    pipeline. Limits are set in journeyc.yaml under `limits:`.

    **Anti-pattern**

        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]   # ... and so on

    **Best practice**

        x-defaults: &defaults {sla_days: 5}
        stages:
          - {id: mql, owner: marketing, <<: *defaults}
    """)

JC006 = documented("JC006", "unused-suppression", Severity.INFO, fix="removes the code from the comment, and the"
                   " comment when no code is left", doc="""
    Suppression comment that silences nothing.

    **Why it matters:** a stale `# journeyc: ignore[...]` hides the next real
    problem on that line and misleads readers about what is being waived.

    **Anti-pattern**

        - id: mql   # journeyc: ignore[JC601]
          owner: marketing
          sla_days: 5          # the stage has an SLA: nothing to ignore

    **Best practice**

        - id: mql
          owner: marketing
          sla_days: 5
    """)

JC008 = documented("JC008", "stale-baseline", Severity.INFO, """
    Baseline entry that matches no finding any more.

    **Why it matters:** a baseline (`check --baseline FILE`, or `baseline:` in
    journeyc.yaml) lists the findings a team accepted when it adopted journeyc,
    so that only new ones fail the check. An entry whose finding was fixed, or
    whose offending text changed, waives nothing; left in place it would hide
    the same mistake if someone wrote it again. The diagnostic points at the
    entry in the baseline file.

    **Anti-pattern**

        {"code": "JC201", "file": "journeys/inbound.yaml", "fingerprint": "1f0c9a3e5b7d2468",
         "message": "'hot lead' is a word to avoid: the vocabulary says 'MQL'"}
        # ...while the journey now says "MQL"

    **Best practice**

        journeyc check --update-baseline    # rewrites the file without the entries that match nothing

    `journeyc check --update-baseline` removes such entries (the baseline is
    not a YAML file, so `journeyc fix` leaves it alone).
    """)

JC007 = documented("JC007", "empty-workspace", Severity.WARNING, """
    The workspace holds no journey.

    **Why it matters:** a green check of a workspace without a journey
    promises nothing: teams and words alone are not a map. It usually means
    the journeys are outside the directory that holds journeyc.yaml, or their
    files lack `kind: Journey`.

    **Anti-pattern**

        journeyc.yaml
        teams.yaml
        vocabulary.yaml         # and no journey anywhere below

    **Best practice**

        journeyc.yaml
        teams.yaml
        vocabulary.yaml
        journeys/new-business.yaml   # kind: Journey
    """)

RULES = (JC001, JC002, JC003, JC004, JC005, JC006, JC007, JC008)
