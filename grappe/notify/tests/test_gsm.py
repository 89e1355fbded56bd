from hypothesis import given
from hypothesis import strategies as st

from grappe.notify.gsm import SMS_LIMIT, fit, fits_one_sms, gsm_length, is_gsm, to_gsm


def test_french_letters_outside_gsm_are_replaced():
    assert to_gsm("Fête à l’épicerie, crème brûlée – œuf") == "Fete à l'épicerie, crème brulée - oeuf"
    assert is_gsm(to_gsm("Ça coûte 2 € « tout compris »"))


def test_extension_characters_count_twice():
    assert gsm_length("2 €") == 4
    assert gsm_length("[a]") == 5


def test_fit_shortens_the_place_not_the_words():
    text = fit(lambda place: f"Distribution demain a 17h30, {place}. Apportez vos contenants.",
               {"place": "Salle polyvalente de Saint-Jean-en-Royans " * 5}, ["place"])
    assert fits_one_sms(text)
    assert text.startswith("Distribution demain a 17h30, Salle polyvalente")
    assert text.endswith("Apportez vos contenants.")


@given(st.text(max_size=400), st.text(max_size=400))
def test_fit_always_gives_one_sms(title, place):
    text = fit(lambda title, place: f"Rappel : {title} demain à 14h30, {place}. Prévenez votre groupement.",
               {"title": title, "place": place}, ["title", "place"])
    assert is_gsm(text)
    assert gsm_length(text) <= SMS_LIMIT
