import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from grappe.core.text import fold, words


def test_fold_drops_accents_case_and_extra_spaces():
    assert fold("  Hélène  GARÇON-Œuvray ") == "helene garcon-oeuvray"
    assert fold("Zoë Ångström") == "zoe angstrom"
    assert words("  Élodie   Benali ") == ["elodie", "benali"]


@given(st.text())
def test_fold_is_idempotent_and_keeps_no_combining_marks(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.combining(char) for char in folded)
