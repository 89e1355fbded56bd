"""Phone numbers to E.164 (+33...). Pure: no Django.

French numbers are written many ways: "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78",
"0033612345678", "+33 (0)6 12 34 56 78". Overseas departments have their own country codes for
mobiles (0690 -> +590, 0694 -> +594, 0696 -> +596, 0692/0693 -> +262, 0639 -> +262).
"""

import re

_OVERSEAS_MOBILE = {"690": "590", "691": "590", "694": "594", "696": "596", "697": "596",
                    "692": "262", "693": "262", "639": "262"}


def to_e164(raw: str, default_country: str = "33") -> str | None:
    """The number in E.164 form, or None when it cannot be a valid phone number."""
    if not raw:
        return None
    text = raw.strip().replace("(0)", "")
    plus = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    if plus:
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    elif digits.startswith("0") and len(digits) == 10:
        national = digits[1:]
        country = _OVERSEAS_MOBILE.get(national[:3], default_country) if default_country == "33" else default_country
        international = country + national
    elif digits.startswith("33") and len(digits) == 11:
        international = digits
    else:
        return None
    if international.startswith("33"):
        national = international[2:]
        if national.startswith("0"):
            national = national[1:]
        if len(national) != 9 or national[0] == "0":
            return None
        international = "33" + national
    if not 8 <= len(international) <= 15 or international[0] == "0":
        return None
    return "+" + international


def is_mobile(e164: str) -> bool:
    """French mobiles start with 6 or 7 after +33; other countries are trusted as given."""
    if e164.startswith("+33"):
        return e164[3] in "67"
    return True


def readable_phone(number: str) -> str:
    """A number as people write it: "+33612345678" -> "06 12 34 56 78" (French numbers in pairs);
    any other number as it is."""
    if re.fullmatch(r"\+33\d{9}", number):
        national = "0" + number[3:]
        return "\u00a0".join(national[i:i + 2] for i in range(0, 10, 2))
    return number
