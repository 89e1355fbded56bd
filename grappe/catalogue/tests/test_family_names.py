"""Family names typed in a price list: matched whatever the case, the accents and a plural "s" or "x",
checked against a reference written independently (NFD and str.lower, a regular expression per word)."""

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from grappe.catalogue.family_names import match_name, name_key, name_parts

LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿ"
ACCENTED = {"a": "àâä", "c": "ç", "e": "éèêë", "i": "îï", "o": "ôö", "u": "ùûü", "y": "ÿ"}
NAMES = {"bakery": ["farines et boulangerie", "farines", "boulangerie"], "fruit": ["fruits"],
         "dried_fruit": ["fruits secs"], "pulses": ["légumineuses"], "oils": ["huiles et condiments", "huiles"]}


def reference_key(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()
    words = re.split(r"[^a-z0-9]+", plain)
    return " ".join(re.sub(r"(?<=.)[sx]$", "", word) for word in words if word)


texts = st.text(alphabet=LETTERS + LETTERS.upper() + " -'’,.", max_size=40)


@given(texts)
def test_the_key_is_the_references(text):
    assert name_key(text) == reference_key(text)


@st.composite
def typed_as(draw, name):
    """`name` as someone might type it: any case, accents dropped or added, a plural added or dropped."""
    out = []
    for word in re.findall(r"\w+", name):
        bare = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        letters = [draw(st.sampled_from([c, c.upper()] + ([a for a in ACCENTED.get(c, "")]))) for c in bare]
        typed = "".join(letters)
        if draw(st.booleans()):
            typed = typed[:-1] if typed[-1] in "sxSX" else typed + draw(st.sampled_from("sS"))
        out.append(typed)
    return draw(st.sampled_from([" ", "  ", " - "])).join(out)


@given(st.data())
def test_a_name_typed_any_way_finds_its_family(data):
    code = data.draw(st.sampled_from(sorted(NAMES)))
    name = data.draw(st.sampled_from(NAMES[code]))
    typed = data.draw(typed_as(name))
    found = match_name(typed, NAMES)
    assert found == code or (found is not None and reference_key(typed) in
                             {reference_key(n) for n in NAMES[found]})


def test_examples():
    assert match_name("Farine", NAMES) == "bakery" and match_name("FARINES", NAMES) == "bakery"
    assert match_name("Fruit sec", NAMES) == "dried_fruit" and match_name("Fruit", NAMES) == "fruit"
    assert match_name("Legumineuse", NAMES) == "pulses" and match_name("Épicerie", NAMES) is None
    assert match_name("", NAMES) is None and match_name(" - ", NAMES) is None
    assert name_parts("farines et boulangerie") == ["farines et boulangerie", "farines", "boulangerie"]
    assert name_parts("fruits") == ["fruits"]
