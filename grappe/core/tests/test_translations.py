"""The French catalogue of every app is complete and compiled: no empty or fuzzy entry."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po"))


def test_there_are_french_catalogues():
    assert len(CATALOGUES) >= 3


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_french_catalogue_is_complete_and_compiled(path):
    po = polib.pofile(str(path))
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    mo = polib.mofile(str(path.with_suffix(".mo")))
    compiled = {(e.msgid, e.msgstr) for e in mo if not e.msgid_plural}
    source = {(e.msgid, e.msgstr) for e in po.translated_entries() if not e.msgid_plural and not e.obsolete}
    assert source <= compiled, "the .mo is out of date: run compilemessages"
