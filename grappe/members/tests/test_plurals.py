"""Counts agree with their noun through ngettext: "1 adhérent actif", "2 adhérents actifs"."""

from django.utils import translation
from django.utils.translation import ngettext


def test_counted_phrases_agree_in_french():
    with translation.override("fr"):
        one = ngettext("%(total)s active member, %(share)s %% priority.",
                       "%(total)s active members, %(share)s %% priority.", 1) % {"total": 1, "share": 100}
        two = ngettext("%(total)s active member, %(share)s %% priority.",
                       "%(total)s active members, %(share)s %% priority.", 2) % {"total": 2, "share": 50}
        voucher = ngettext("%(count)s voucher", "%(count)s vouchers", 1) % {"count": 1}
        ready = ngettext("%(count)s distribution ready, with its baskets.",
                         "%(count)s distributions ready, with their baskets.", 1) % {"count": 1}
    assert one.startswith("1 adhérent actif,") and two.startswith("2 adhérents actifs,")
    assert voucher == "1 bon"
    assert ready == "1 distribution prête, avec ses paniers."
