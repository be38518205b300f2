"""Words shared by every message: plurals and the did-you-mean (imports nothing of journeyc)."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 file`, `2 files`; `many` for irregular plurals (`1 entry`, `2 entries`)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def distance(a: str, b: str, most: int) -> int:
    """Edit distance (insert, delete, substitute, swap two neighbours), or `most + 1` once it exceeds `most`."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > most:
            return most + 1
        before, row = row, current
    return row[-1]


def closest(word: str, known: Iterable[str], valid: Callable[[str], object] | None = None) -> str | None:
    """The known word a typo most likely meant, or None when nothing is close.

    Close means a few keystrokes away: one edit for short words, up to one per
    four characters for long ones (so `sale` finds `sales`, `contract-signd`
    finds `contract-signed`, but `project-management` does not find
    `account-management`). Case is ignored. Candidates that are themselves
    invalid (`valid` says no: an id the schema refused) are never suggested.
    """
    folded = word.casefold()
    most = max(1, min(3, len(word) // 4))
    best: tuple[int, str] | None = None
    for candidate in dict.fromkeys(known):
        if candidate == word or (valid is not None and not valid(candidate)):
            continue
        d = distance(folded, candidate.casefold(), most)
        if d <= most and (best is None or (d, candidate) < best):
            best = (d, candidate)
    return best[1] if best else None


def did_you_mean(word: str, known: Iterable[str], valid: Callable[[str], object] | None = None) -> str | None:
    """`did you mean 'x'?` for the closest known word, else None."""
    found = closest(word, known, valid)
    return f"did you mean {found!r}?" if found is not None else None


def fold(word: str) -> str:
    """One normalisation for every comparison of words: Unicode NFC, then lower case.

    Lower case rather than full case folding, so that different words stay
    different (`Maße` is not `Masse`), and NFC so that `é` typed as one
    character or as `e` + U+0301 is the same letter.
    """
    if word.isascii():
        return word.lower()
    import unicodedata

    return unicodedata.normalize("NFC", word).lower()


def plural_forms(word: str) -> tuple[str, ...]:
    """The regular plurals of a folded word: English -s, -es (after s, x, z, ch, sh), -ies; French -x."""
    forms = [word + "s"]
    if word.endswith(("ss", "x", "z", "ch", "sh")):
        forms.append(word + "es")
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        forms.append(word[:-1] + "ies")
    if word.endswith(("au", "eu")):
        forms.append(word + "x")
    if word.endswith("al"):
        forms.append(word[:-2] + "aux")
    return tuple(forms)
