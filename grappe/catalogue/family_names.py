"""Family names as people type them in a price list: "Farines", "FARINE", "farine" and "Farine" are one
name. Django-free.

`name_key` folds case and accents (core.text.fold), keeps letters and digits, and drops one trailing
plural "s" or "x" from each word; two names match when their keys are equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from grappe.core.text import fold

_WORD = re.compile(r"[a-z0-9]+")


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 1 and word[-1] in "sx" else word


def name_key(text: str) -> str:
    """"Fruits Secs" -> "fruit sec"; "Légumineuses" -> "legumineuse"."""
    return " ".join(_singular(word) for word in _WORD.findall(fold(text)))


def match_name(text: str, names: Mapping[str, Iterable[str]]) -> str | None:
    """The key of `names` (code -> the names it is known by) whose name matches `text`, else None."""
    wanted = name_key(text)
    if not wanted:
        return None
    for code, known in names.items():
        if any(name_key(name) == wanted for name in known):
            return code
    return None


def name_parts(label: str) -> list[str]:
    """A label and its parts: "farines et boulangerie" -> [it, "farines", "boulangerie"] (a price list
    writes "Farine" for the family "flour and bakery")."""
    parts = [part.strip() for part in re.split(r",| et | and | & ", label) if part.strip()]
    return [label] + (parts if len(parts) > 1 else [])
