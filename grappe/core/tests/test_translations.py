"""The French catalogue of every app is complete and compiled: no empty or fuzzy entry. The Arabic and
Turkish catalogues hold the member-facing strings only (core/tests/test_member_strings.py checks they are
all there): no fuzzy entry, and compiled."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po"))


def test_there_are_french_catalogues():
    assert len(CATALOGUES) >= 3


def assert_complete_and_compiled(path, advice="run compilemessages"):
    """No fuzzy or empty entry, and the .mo holds every translation of the .po (plurals too)."""
    po = polib.pofile(str(path))
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    mo = polib.mofile(str(path.with_suffix(".mo")))
    compiled = {(e.msgid, e.msgstr) for e in mo if not e.msgid_plural}
    source = {(e.msgid, e.msgstr) for e in po.translated_entries() if not e.msgid_plural and not e.obsolete}
    assert source <= compiled, f"the .mo is out of date: {advice}"
    compiled_plurals = {(e.msgid, tuple(sorted(e.msgstr_plural.items()))) for e in mo if e.msgid_plural}
    source_plurals = {(e.msgid, tuple(sorted(e.msgstr_plural.items()))) for e in po.translated_entries()
                      if e.msgid_plural and not e.obsolete}
    assert source_plurals <= compiled_plurals, f"the .mo is out of date: {advice}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_french_catalogue_is_complete_and_compiled(path):
    assert_complete_and_compiled(path)


MEMBER_ONLY = sorted(ROOT.glob("*/locale/ar/LC_MESSAGES/django.po")) + sorted(ROOT.glob("*/locale/tr/LC_MESSAGES/django.po"))


def test_there_are_arabic_and_turkish_catalogues():
    assert len(MEMBER_ONLY) >= 6


@pytest.mark.parametrize("path", MEMBER_ONLY, ids=lambda p: f"{p.parts[-5]}-{p.parts[-3]}")
def test_member_only_catalogue_has_no_fuzzy_entry_and_is_compiled(path):
    assert_complete_and_compiled(path, "run manage.py member_strings --apply or compilemessages")


def test_a_msgid_has_the_same_french_in_every_app():
    """Django merges the apps' catalogues, the first app in INSTALLED_APPS winning: a msgid translated
    differently in two apps shows one app's French on the other's pages ("Statut" here, "État"
    there). Same msgid and msgctxt, same French; a msgctxt tells meanings apart where they differ."""
    seen: dict[tuple, dict[str, object]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            french = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            seen.setdefault((entry.msgctxt, entry.msgid, entry.msgid_plural), {})[path.parts[-5]] = french
    clashes = {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert not clashes, "\n".join(f"{key[0] or ''}|{key[1]}: {apps}" for key, apps in clashes.items())


def test_marge_means_the_settlements_margin_only():
    """"Marge" is the settlement's margin; a member's or a weighing's tolerance is "tolérance"."""
    wrong = []
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            french = " ".join([entry.msgstr, *entry.msgstr_plural.values()])
            if re.search(r"(?<![éeÉE])marges?\b", french, re.IGNORECASE) and "margin" not in entry.msgid.lower():
                wrong.append((path.parts[-5], entry.msgid, french))
    assert not wrong, wrong
