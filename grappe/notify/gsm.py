"""SMS text in the GSM 03.38 alphabet, so that a message of 160 characters fits in one SMS. Pure.

Outside that alphabet a phone switches to UCS-2 and one SMS holds only 70 characters, so we
replace the French letters the GSM alphabet lacks (â, ê, î, ô, û, ç, ë, ï, œ...) by the nearest
letter it has, and count the characters of its extension table (€, [, ], {, }...) as two.
"""

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")
SMS_LIMIT = 160

_REPLACEMENTS = {
    "â": "a", "á": "a", "ã": "a", "À": "A", "Â": "A", "Á": "A",
    "ê": "e", "ë": "e", "È": "E", "Ê": "E", "Ë": "E",
    "î": "i", "ï": "i", "í": "i", "Î": "I", "Ï": "I",
    "ô": "o", "ó": "o", "õ": "o", "Ô": "O",
    "û": "u", "ú": "u", "Û": "U", "Ù": "U",
    "ç": "c", "ÿ": "y", "œ": "oe", "Œ": "OE",
    "’": "'", "‘": "'", "‚": "'", "“": '"', "”": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‑": "-", "…": "...", "\u00a0": " ", "\u202f": " ", "\t": " ",
}


def to_gsm(text: str) -> str:
    """Replace every character outside the GSM alphabet (basic or extension) by a close one."""
    out = []
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENSION:
            out.append(char)
        else:
            out.append(_REPLACEMENTS.get(char, "?"))
    return "".join(out)


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def gsm_length(text: str) -> int:
    """Septets used: extension characters take two."""
    return sum(2 if char in GSM_EXTENSION else 1 for char in text)


def fits_one_sms(text: str) -> bool:
    return is_gsm(text) and gsm_length(text) <= SMS_LIMIT


def shorten(value: str, length: int) -> str:
    """Cut a place or product name to `length` characters, marking the cut with a dot."""
    if len(value) <= length:
        return value
    return value[: max(length - 1, 1)].rstrip() + "."


def fit(template, fields: dict, shrinkable: list[str], limit: int = SMS_LIMIT) -> str:
    """Render `template(**fields)` in GSM; while too long, shorten the shrinkable fields, longest first.

    `template` is a callable returning the text for the given fields (so it can be translated).
    """
    fields = {key: to_gsm(str(value)) for key, value in fields.items()}
    text = to_gsm(template(**fields))
    while gsm_length(text) > limit:
        candidates = [key for key in shrinkable if len(fields[key]) > 4]
        if not candidates:
            break
        longest = max(candidates, key=lambda key: len(fields[key]))
        excess = gsm_length(text) - limit
        fields[longest] = shorten(fields[longest], max(len(fields[longest]) - excess, 4))
        text = to_gsm(template(**fields))
    if gsm_length(text) > limit:  # the fixed words alone are too long: cut the end
        while gsm_length(text) > limit - 1:
            text = text[:-1]
        text += "."
    return text
