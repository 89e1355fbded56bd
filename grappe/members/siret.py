"""The SIRET of a structure (a French establishment's number, 14 digits), checked as INSEE does.
Django-free.

A SIRET is the company's SIREN (9 digits) and the establishment's NIC (5 digits); the whole number
passes the Luhn check. La Poste's establishments are the known exception: their SIREN is 356000000 and
their SIRET's digits add up to a multiple of 5 instead (INSEE), which is accepted too.
"""

from __future__ import annotations

LA_POSTE_SIREN = "356000000"


def normalised(value: str) -> str:
    """The digits as typed, without the spaces people put between groups ("212 602 819 00016")."""
    return "".join(value.split())


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_valid_siret(value: str) -> bool:
    digits = normalised(value)
    if len(digits) != 14 or not digits.isascii() or not digits.isdigit():
        return False
    if digits.startswith(LA_POSTE_SIREN) and sum(int(char) for char in digits) % 5 == 0:
        return True
    return luhn_ok(digits)
