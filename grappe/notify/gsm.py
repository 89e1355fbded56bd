"""SMS text: GSM 03.38 when it can be, UCS-2 when it cannot, and how many parts it takes. Pure.

A text in the GSM 03.38 alphabet (its basic table, and its extension table whose characters, such as
€ [ ] { }, take two septets) goes as GSM-7: 160 characters in one SMS, 153 per part when split. French
letters the alphabet lacks (â, ê, î, ô, û, ç, ë, ï, œ...) are replaced by the nearest letter it has, so
that a French message stays one cheap SMS. Any other character (Arabic, Turkish ş ğ ı, an emoji) cannot
be replaced without losing the meaning: the whole text then goes as UCS-2, unchanged, at 70 UTF-16 units
in one SMS, 67 per part when split. Nothing is ever replaced by "?". A message takes at most MAX_PARTS
parts: `fit` shortens place names, then cuts, to stay within them (and within one part for GSM-7, as
before: French reminders stay one SMS).
"""

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")
SMS_LIMIT = 160
GSM7, UCS2 = "GSM-7", "UCS-2"
SINGLE_PART = {GSM7: 160, UCS2: 70}  # septets, or UTF-16 code units
PER_PART = {GSM7: 153, UCS2: 67}  # when split: each part carries a 6-byte header
MAX_PARTS = 2

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
    """Replace the characters outside the GSM alphabet that have a close one in it (French letters,
    typographic quotes and spaces); leave any other character as it is (never a "?")."""
    return "".join(char if char in GSM_BASIC or char in GSM_EXTENSION else _REPLACEMENTS.get(char, char)
                   for char in text)


def sms_text(text: str) -> str:
    """The text to send: in GSM when replacing French letters suffices; else the text unchanged (UCS-2)."""
    gsm = to_gsm(text)
    return gsm if is_gsm(gsm) else text


def encoding(text: str) -> str:
    return GSM7 if is_gsm(text) else UCS2


def units(text: str) -> int:
    """What the text takes: GSM septets (extension characters two), or UTF-16 code units (UCS-2;
    a character beyond the basic plane, such as an emoji, takes two)."""
    if is_gsm(text):
        return gsm_length(text)
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


def parts(text: str) -> int:
    """How many SMS the text is billed as. A split never cuts a character in two (an extension
    character's escape and code, a surrogate pair), as phones and gateways do."""
    kind = encoding(text)
    if units(text) <= SINGLE_PART[kind]:
        return 1
    size = PER_PART[kind]
    count, used = 1, 0
    for char in text:
        width = (2 if char in GSM_EXTENSION else 1) if kind == GSM7 else (2 if ord(char) > 0xFFFF else 1)
        if used + width > size:
            count, used = count + 1, 0
        used += width
    return count


def capacity(kind: str, max_parts: int) -> int:
    """The most units a text of this encoding may take in `max_parts` parts (ignoring uncut characters)."""
    return SINGLE_PART[kind] if max_parts <= 1 else PER_PART[kind] * max_parts


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


def fits(text: str) -> bool:
    """Within what `fit` allows: one GSM-7 SMS, or at most MAX_PARTS UCS-2 parts."""
    if is_gsm(text):
        return gsm_length(text) <= SMS_LIMIT
    return parts(text) <= MAX_PARTS


def _too_long(text: str, limit: int) -> int:
    """By how many units the text exceeds what it may take (0 when it fits)."""
    if is_gsm(text):
        return max(gsm_length(text) - limit, 0)
    if parts(text) <= MAX_PARTS:
        return 0
    return max(units(text) - capacity(UCS2, MAX_PARTS), 1)


def fit(template, fields: dict, shrinkable: list[str], limit: int = SMS_LIMIT) -> str:
    """Render `template(**fields)` as SMS text (GSM-7 within `limit`, else UCS-2 within MAX_PARTS parts);
    while too long, shorten the shrinkable fields, longest first, then cut the end.

    `template` is a callable returning the text for the given fields (so it can be translated).
    """
    fields = {key: str(value) for key, value in fields.items()}
    text = sms_text(template(**fields))
    while _too_long(text, limit):
        candidates = [key for key in shrinkable if len(fields[key]) > 4]
        if not candidates:
            break
        longest = max(candidates, key=lambda key: len(fields[key]))
        excess = _too_long(text, limit)
        fields[longest] = shorten(fields[longest], max(len(fields[longest]) - excess, 4))
        text = sms_text(template(**fields))
    if _too_long(text, limit):  # the fixed words alone are too long: cut the end
        while _too_long(text + ".", limit):
            text = text[:-1]
        text += "."
    return text
