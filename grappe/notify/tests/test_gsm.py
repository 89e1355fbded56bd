import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappe.notify.gsm import (
    GSM7,
    GSM_BASIC,
    GSM_EXTENSION,
    MAX_PARTS,
    SMS_LIMIT,
    UCS2,
    encoding,
    fit,
    fits,
    fits_one_sms,
    gsm_length,
    is_gsm,
    parts,
    sms_text,
    to_gsm,
)


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


@given(st.text(alphabet=st.sampled_from(sorted(GSM_BASIC | GSM_EXTENSION) + list("âêîôûçœ’«»…")), max_size=400),
       st.text(max_size=400))
def test_fit_gives_one_sms_in_gsm_else_at_most_two_ucs2_parts(title, place):
    text = fit(lambda title, place: f"Rappel : {title} demain à 14h30, {place}. Prévenez votre groupement.",
               {"title": title, "place": place}, ["title", "place"])
    assert text.count("?") <= (title + place).count("?")  # never a "?" of our own
    if is_gsm(text):
        assert gsm_length(text) <= SMS_LIMIT
    else:
        assert parts(text) <= MAX_PARTS
    assert fits(text)


# --- Encodings and parts, against an independent reference ------------------------------------------

def reference_parts(text: str) -> int:
    """Encode for real (GSM septets with ESC for the extension table, or UTF-16 big-endian bytes) and
    split into the parts a phone would send (never cutting an escape or a surrogate pair)."""
    ext = {char: code for char, code in zip("^{}\\[~]|€\f", range(10), strict=True)}
    if all(c in GSM_BASIC or c in ext for c in text):
        symbols = [[0x1B, ext[c]] if c in ext else [1] for c in text]  # what matters is the width
        single, per_part = 160, 153
    else:
        data = text.encode("utf-16-be")
        codes = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
        symbols, i = [], 0
        while i < len(codes):
            width = 2 if 0xD800 <= codes[i] <= 0xDBFF else 1
            symbols.append(codes[i:i + width])
            i += width
        single, per_part = 70, 67
    if sum(len(s) for s in symbols) <= single:
        return 1
    segments, current = [[]], 0
    for symbol in symbols:
        if current + len(symbol) > per_part:
            segments.append([])
            current = 0
        segments[-1].append(symbol)
        current += len(symbol)
    return len(segments)


ARABIC = "تذكير: سلتك توزع غدا"  # 20 letters and spaces
KNOWN = [
    ("a" * 160, GSM7, 1), ("a" * 161, GSM7, 2), ("a" * 306, GSM7, 2), ("a" * 307, GSM7, 3),
    ("€" * 80, GSM7, 1), ("€" * 81, GSM7, 2), ("a" * 152 + "€" * 5, GSM7, 2),
    ("a" * 152 + "€" * 77, GSM7, 3),  # 306 septets, but an escaped € is never cut: 3 parts
    ("ب" * 70, UCS2, 1), ("ب" * 71, UCS2, 2), ("ب" * 134, UCS2, 2), ("ب" * 135, UCS2, 3),
    ("ş" * 70, UCS2, 1), ("Sepetiniz yarın dağıtılıyor", UCS2, 1), ("🍇" * 35, UCS2, 1), ("🍇" * 36, UCS2, 2),
    ("a" * 66 + "🍇" * 3, UCS2, 2), ("a" * 66 + "🍇" * 34, UCS2, 3),  # 134 units, no pair cut: 3 parts
]


@pytest.mark.parametrize(("text", "kind", "count"), KNOWN, ids=lambda v: f"{len(v)}-chars" if isinstance(v, str) and len(v) > 3 else None)
def test_known_messages_take_the_known_number_of_parts(text, kind, count):
    assert encoding(text) == kind
    assert parts(text) == count == reference_parts(text)


@given(st.text(alphabet=st.sampled_from(sorted(GSM_BASIC | GSM_EXTENSION) + list("بتثşğı🍇é")), max_size=500))
def test_parts_match_a_real_encoder(text):
    assert parts(text) == reference_parts(text)


def test_arabic_and_turkish_are_sent_unchanged_never_as_question_marks():
    assert sms_text(ARABIC) == ARABIC and encoding(ARABIC) == UCS2
    assert sms_text("Sepetiniz yarın 16:30'da dağıtılıyor.") == "Sepetiniz yarın 16:30'da dağıtılıyor."
    assert to_gsm(ARABIC) == ARABIC  # nothing becomes "?"
    assert sms_text("Fête à 14h30 « demain »") == 'Fete à 14h30 " demain "'  # French: still GSM, one SMS


def test_an_arabic_message_too_long_for_two_parts_is_shortened_to_two():
    text = fit(lambda place: f"{ARABIC} {place}. {ARABIC} {ARABIC}", {"place": "مكان " * 60}, ["place"])
    assert encoding(text) == UCS2 and parts(text) == 2
    assert text.startswith(ARABIC) and text.endswith(ARABIC)
