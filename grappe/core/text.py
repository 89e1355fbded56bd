"""Text rules shared by the apps. Django-free."""

import secrets
import unicodedata


def fold(text: str) -> str:
    """`text` for searching: lower case, without accents, spaces collapsed.

    "  Hélène  GARÇON-Œuvray " -> "helene garcon-oeuvray": volunteers type names as they hear them.
    """
    # compatibility forms first ("𝕬" is "A"), then case, then again (casefolding can decompose)
    lower = _strip_marks(text).casefold().replace("œ", "oe").replace("æ", "ae")
    return " ".join(_strip_marks(lower).split())


def _strip_marks(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of a search text."""
    return fold(text).split()


# No 0/O, 1/I/L: codes and temporary passwords are read aloud over the phone and typed.
READABLE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def readable_code(length: int = 8) -> str:
    """A random code from READABLE_ALPHABET (8 characters: about 40 bits)."""
    return "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))


FSI, PDI = "\u2068", "\u2069"  # Unicode "first strong isolate" and "pop directional isolate"


def isolate(text: str) -> str:
    """Keep an amount or a quantity in one piece inside right-to-left text: "-17,75 €" would otherwise
    show as "€ 17,75-" and "2,5 kg" as "kg 2,5". The direction inside is its first letter's ("4 قطع" stays
    right to left), left to right when there is none (an amount). Invisible; used in bidi languages only."""
    return f"{FSI}{text}{PDI}" if text else text
