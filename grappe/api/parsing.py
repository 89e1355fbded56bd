"""The API's request parser: JSON bodies and query strings, refusing the NUL character.

PostgreSQL cannot store U+0000 in text (SQLite can), so a NUL in any string reached the database as a
server error on one and was stored on the other. The web forms refuse it already (Django's CharField);
here the API refuses it before any schema or service sees the request, with a French 422."""

import json
from typing import Any

from django.utils.translation import gettext as _
from ninja.parser import Parser


class NulCharacter(ValueError):
    def __init__(self):
        super().__init__(_("The text holds a null character (\\u0000): remove it and send again."))


def holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


class RefusingNulParser(Parser):
    def parse_body(self, request):
        data = json.loads(request.body)
        if holds_nul(data):
            raise NulCharacter
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if holds_nul(result):
            raise NulCharacter
        return result
