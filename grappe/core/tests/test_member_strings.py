"""Every string a member sees is translated in each language only members read (Arabic, Turkish): the
member-facing files (core/member_facing.py), their msgids (core/translation_coverage.py), the catalogues."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from grappe.core import member_facing
from grappe.core import translation_coverage as coverage

ROOT = Path(settings.BASE_DIR)
LANGUAGES = member_facing.MEMBER_ONLY_LANGUAGES


def test_the_languages_are_those_of_the_settings():
    assert [code for code, _name in settings.LANGUAGES] == list(member_facing.MEMBER_LANGUAGES)
    assert settings.LANGUAGE_CODE == "fr" and LANGUAGES == ("ar", "tr")
    assert set(member_facing.LANGUAGE_NAMES) == set(member_facing.MEMBER_LANGUAGES)


def test_every_member_facing_file_exists():
    listed = (*member_facing.TEMPLATES, *member_facing.PYTHON_MODULES)
    assert len(set(listed)) == len(listed)
    assert [name for name in listed if not (ROOT / name).exists()] == []


def test_the_extraction_reads_templates_and_python_like_xgettext():
    base = coverage.file_msgids(ROOT / "grappe/core/templates/base.html")
    assert coverage.MsgKey("Skip to content") in base and coverage.MsgKey("Language") in base
    slip = {key.msgid for key in coverage.file_msgids(ROOT / "grappe/core/templates/core/pagination.html")}
    assert "Page %(n)s of %(total)s" in slip  # blocktranslate: {{ n }} becomes %(n)s
    kinds = coverage.file_msgids(ROOT / "grappe/notify/kinds/orders.py")
    assert coverage.MsgKey("Last day: the order of your group closes tomorrow at %(time)s. Order online, "
                           "or call your group.") in kinds  # implicit concatenation of literals
    home = coverage.file_msgids(ROOT / "grappe/members/templates/members/home.html")
    assert any(key.msgid_plural for key in home)  # {% blocktranslate count %}


def test_there_are_hundreds_of_member_facing_msgids_and_french_has_them_all():
    used = coverage.member_msgids(ROOT)
    assert len(used) > 400
    french = coverage.translations(ROOT, "fr")
    assert [key.msgid for key in used if not all(french.get(key) or [""])] == []  # "Date" is "Date" in French


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_member_facing_msgid_is_translated(language):
    missing = coverage.missing(ROOT, language)
    assert not missing, ("run `manage.py member_strings --todo FILE`, translate, then --apply FILE:\n"
                         + "\n".join(f"{key.msgid!r} ({', '.join(where)})" for key, where in sorted(missing.items())))


def test_the_allow_list_holds_only_member_facing_msgids_without_words():
    used = {key.msgid for key in coverage.member_msgids(ROOT)}
    assert member_facing.SAME_IN_EVERY_LANGUAGE <= used
    assert len(member_facing.SAME_IN_EVERY_LANGUAGE) <= 6


def test_a_translation_equal_to_its_msgid_does_not_count():
    key = coverage.MsgKey("Basket")
    assert not coverage.is_translated(key, ["Basket"]) and not coverage.is_translated(key, [""])
    assert coverage.is_translated(key, ["Sepet"]) and coverage.is_translated(coverage.MsgKey("SMS"), ["SMS"])
    plural = coverage.MsgKey("%(n)s piece", msgid_plural="%(n)s pieces")
    assert not coverage.is_translated(plural, ["x", "x", "", "x", "x", "x"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_are_right_for_the_language(language):
    expected = {"ar": (6, "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5"),
                "tr": (2, "(n != 1)")}[language]
    paths = coverage.catalogue_paths(ROOT, language)
    assert paths
    for path in paths:
        po = polib.pofile(str(path))
        header = po.metadata["Plural-Forms"].replace(" ", "")
        assert header.startswith(f"nplurals={expected[0]};plural={expected[1].replace(' ', '')}"), path
        for entry in po:
            if entry.msgid_plural:
                assert len(entry.msgstr_plural) == expected[0], (path, entry.msgid)


def test_the_command_lists_nothing_missing_and_writes_the_review_lists(tmp_path, capsys, monkeypatch):
    from grappe.core.management.commands import member_strings

    monkeypatch.setattr(member_strings, "ROOT", ROOT)
    call_command("member_strings", "--check", "--todo", str(tmp_path / "todo.json"))
    out = capsys.readouterr().out
    assert "ar: " in out and "0 missing" in out
    assert (tmp_path / "todo.json").read_text() == "[]"
    for language in LANGUAGES:
        review = (ROOT / "docs" / "translations" / f"review-{language}.csv").read_text(encoding="utf-8")
        assert review.startswith("msgid (English source),French,translation")
        assert "Where your euro goes" in review
