"""The member-facing strings in the languages only members read (Arabic, Turkish): what is missing,
the review lists for a native speaker, and loading translations. Never runs makemessages.

    manage.py member_strings                 # list the member-facing msgids missing in ar and tr
    manage.py member_strings --check         # the same, failing when one is missing (CI)
    manage.py member_strings --todo FILE     # write the missing ones as JSON to translate:
                                             #   [{"msgid", "fr", "en", "ar": "", "tr": "", "where"}...]
    manage.py member_strings --apply FILE    # load such a JSON (filled in) into the catalogues, compile
    manage.py member_strings --review        # write docs/translations/review-{ar,tr}.csv

"Member-facing" is grappe/core/member_facing.py (files), read by grappe/core/translation_coverage.py.
A msgid goes into the ar/tr catalogue of each app whose French catalogue has it (where Django finds it).
"""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grappe.core import translation_coverage as coverage
from grappe.core.member_facing import MEMBER_ONLY_LANGUAGES

ROOT = Path(settings.BASE_DIR)
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
    "tr": "nplurals=2; plural=(n != 1);",
}
NPLURALS = {"ar": 6, "tr": 2}


def catalogue(app_dir: Path, lang: str):
    import polib  # a development dependency: this is a translators' tool

    path = app_dir / "locale" / lang / "LC_MESSAGES" / "django.po"
    if path.exists():
        return polib.pofile(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": "Grappe", "Language": lang, "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS[lang],
    }
    po.header = (f"Grappe: the strings a member sees, in {lang} (grappe/core/member_facing.py).\n"
                 "Written with manage.py member_strings; review lists in docs/translations/.")
    po.save(str(path))
    return po


def apps_holding(key: coverage.MsgKey, french: dict[Path, set]) -> list[Path]:
    found = [app for app, keys in french.items() if key in keys]
    return found or [ROOT / "grappe" / "core"]


def french_keys() -> dict[Path, set]:
    import polib

    result = {}
    for path in coverage.catalogue_paths(ROOT, "fr"):
        app = path.parents[3]
        result[app] = {coverage.MsgKey(e.msgid, e.msgctxt, e.msgid_plural or None) for e in polib.pofile(str(path))}
    return result


def apply(items: list[dict]) -> int:
    import polib

    french = french_keys()
    written = 0
    by_app: dict = {}
    for item in items:
        key = coverage.MsgKey(item["msgid"], item.get("msgctxt"), item.get("msgid_plural"))
        for lang in MEMBER_ONLY_LANGUAGES:
            text = item.get(lang)
            if not text:
                continue
            for app in apps_holding(key, french):
                po = by_app.get((app, lang)) or by_app.setdefault((app, lang), catalogue(app, lang))
                entry = po.find(key.msgid, msgctxt=key.msgctxt)
                if entry is None:
                    entry = polib.POEntry(msgid=key.msgid, msgctxt=key.msgctxt)
                    if key.msgid_plural:
                        entry.msgid_plural = key.msgid_plural
                    po.append(entry)
                if key.msgid_plural:
                    forms = text if isinstance(text, list) else [text]
                    forms = (forms + [forms[-1]] * NPLURALS[lang])[: NPLURALS[lang]]
                    entry.msgstr_plural = dict(enumerate(forms))
                else:
                    entry.msgstr = text
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
                entry.occurrences = [(where, "") for where in item.get("where", [])][:3]
                written += 1
    for po in by_app.values():
        po.save()
        po.save_as_mofile(po.fpath.replace(".po", ".mo"))
    return written


def french_text(french_all: dict, key: coverage.MsgKey) -> str:
    strs = french_all.get(key)
    return " | ".join(strs) if strs else ""


class Command(BaseCommand):
    help = "List, review and load the member-facing strings in Arabic and Turkish."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail when a member-facing msgid is missing")
        parser.add_argument("--todo", help="write the missing msgids to this JSON file, to translate")
        parser.add_argument("--apply", help="load a JSON of translations into the catalogues and compile")
        parser.add_argument("--review", action="store_true", help="write docs/translations/review-<lang>.csv")
        parser.add_argument("--language", action="append", choices=MEMBER_ONLY_LANGUAGES)

    def handle(self, *args, **options):
        languages = options["language"] or list(MEMBER_ONLY_LANGUAGES)
        if options["apply"]:
            count = apply(json.loads(Path(options["apply"]).read_text(encoding="utf-8")))
            self.stdout.write(f"{count} translations written and compiled")
        used = coverage.member_msgids(ROOT)
        missing = {lang: coverage.missing(ROOT, lang) for lang in languages}
        for lang, keys in missing.items():
            self.stdout.write(f"{lang}: {len(used) - len(keys)} of {len(used)} member-facing msgids translated, "
                              f"{len(keys)} missing")
            if not options["todo"]:
                for key, where in sorted(missing[lang].items()):
                    self.stdout.write(f"  {key.msgid!r}  ({', '.join(where)})")
        if options["todo"]:
            french_all, english_all = coverage.translations(ROOT, "fr"), coverage.translations(ROOT, "en")
            keys = sorted(set().union(*(set(k) for k in missing.values())))
            todo = []
            for key in keys:
                item = {"msgid": key.msgid}
                if key.msgctxt:
                    item["msgctxt"] = key.msgctxt
                if key.msgid_plural:
                    item["msgid_plural"] = key.msgid_plural
                item["fr"] = french_text(french_all, key)
                item["en"] = french_text(english_all, key) or key.msgid
                for lang in languages:
                    item[lang] = [""] * NPLURALS[lang] if key.msgid_plural else ""
                item["where"] = used[key]
                todo.append(item)
            Path(options["todo"]).write_text(json.dumps(todo, ensure_ascii=False, indent=1), encoding="utf-8")
            self.stdout.write(f"{len(todo)} msgids to translate written to {options['todo']}")
        if options["review"]:
            self.write_review(used, languages)
        if options["check"] and any(missing.values()):
            raise CommandError("member-facing msgids are missing a translation (see above)")

    def write_review(self, used, languages):
        folder = ROOT / "docs" / "translations"
        folder.mkdir(parents=True, exist_ok=True)
        french_all = coverage.translations(ROOT, "fr")
        for lang in languages:
            done = coverage.translations(ROOT, lang)
            path = folder / f"review-{lang}.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["msgid (English source)", "French", f"translation ({lang})", "reviewed", "where used"])
                for key in sorted(used, key=lambda k: (k.msgid, k.msgctxt or "", k.msgid_plural or "")):
                    writer.writerow([key.msgid + (f" | {key.msgid_plural}" if key.msgid_plural else ""),
                                     french_text(french_all, key), " | ".join(done.get(key, [])), "",
                                     " ".join(used[key])])
            self.stdout.write(f"wrote {path.relative_to(ROOT)}")
