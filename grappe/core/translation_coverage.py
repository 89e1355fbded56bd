"""The msgids of the member-facing files (grappe/core/member_facing.py), read the way xgettext would,
without makemessages: templates through Django's own `templatize`, Python through its tokens.

`member_msgids(root)` returns {MsgKey: [where used...]}; `missing(root, lang)` the keys whose
translation in `lang` is absent, empty, fuzzy or equal to the msgid (outside the allow-list).
"""

import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation.template import templatize

from . import member_facing

# name -> (index of msgctxt or None, index of msgid, index of msgid_plural or None)
_CALLS = {
    "_": (None, 0, None), "gettext": (None, 0, None), "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "pgettext": (0, 1, None), "pgettext_lazy": (0, 1, None),
    "ngettext": (None, 0, 1), "ngettext_lazy": (None, 0, 1),
    "npgettext": (0, 1, 2), "npgettext_lazy": (0, 1, 2),
}


@dataclass(frozen=True, order=True)
class MsgKey:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None


def _calls(source: str):
    """Yield (name, [string args...]) for every gettext-like call whose leading arguments are literals."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT,
                                tokenize.DEDENT)]
    for i, tok in enumerate(tokens[:-1]):
        if tok.type != tokenize.NAME or tok.string not in _CALLS:
            continue
        if i and tokens[i - 1].string == ".":  # obj.gettext(...) is not ours... unless `translation.`
            if tokens[i - 2].string != "translation":
                continue
        if tokens[i + 1].string != "(":
            continue
        args, current, j = [], [], i + 2
        while j < len(tokens):
            t = tokens[j]
            if t.type == tokenize.STRING:
                current.append(t.string)
            elif t.string == "," and current:
                args.append(current)
                current = []
            else:
                break
            j += 1
        if current:
            args.append(current)
        values = []
        for parts in args:
            try:
                values.append("".join(_literal(p) for p in parts))
            except ValueError:
                break
        yield tok.string, values


def _literal(token: str) -> str:
    import ast

    value = ast.literal_eval(token)
    if not isinstance(value, str):
        raise ValueError(token)
    return value


def _keys(source: str):
    for name, values in _calls(source):
        ctx, mid, plural = _CALLS[name]
        needed = max(i for i in (ctx, mid, plural) if i is not None)
        if len(values) <= needed:
            continue
        yield MsgKey(values[mid], values[ctx] if ctx is not None else None,
                     values[plural] if plural is not None else None)


def file_msgids(path: Path) -> list[MsgKey]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = templatize(text, origin=str(path))
    return [key for key in _keys(text) if key.msgid]


def member_msgids(root: Path) -> dict[MsgKey, list[str]]:
    """Every msgid of the member-facing files, with the files that use it (paths relative to root)."""
    found: dict[MsgKey, list[str]] = {}
    for name in (*member_facing.TEMPLATES, *member_facing.PYTHON_MODULES):
        path = root / name
        if not path.exists():
            continue
        for key in file_msgids(path):
            where = found.setdefault(key, [])
            if name not in where:
                where.append(name)
    return found


def catalogue_paths(root: Path, lang: str) -> list[Path]:
    return sorted((root / "grappe").glob(f"*/locale/{lang}/LC_MESSAGES/django.po"))


def translations(root: Path, lang: str) -> dict[MsgKey, list[str]]:
    """{key: msgstrs} over every app's catalogue of `lang` (the first app holding a key wins, like Django's
    lookup through INSTALLED_APPS order matters little here: a msgid is translated the same everywhere)."""
    import polib

    result: dict[MsgKey, list[str]] = {}
    for path in catalogue_paths(root, lang):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            key = MsgKey(entry.msgid, entry.msgctxt, entry.msgid_plural or None)
            strs = ([entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)] if entry.msgid_plural
                    else [entry.msgstr])
            if key not in result or not all(result[key]):
                result[key] = strs
    return result


def is_translated(key: MsgKey, strs: list[str] | None) -> bool:
    if not strs or not all(s.strip() for s in strs):
        return False
    if key.msgid in member_facing.SAME_IN_EVERY_LANGUAGE:
        return True
    return strs[0] != key.msgid and (key.msgid_plural is None or strs[-1] != key.msgid_plural)


def missing(root: Path, lang: str) -> dict[MsgKey, list[str]]:
    done = translations(root, lang)
    return {key: where for key, where in member_msgids(root).items() if not is_translated(key, done.get(key))}
