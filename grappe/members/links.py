"""Links that apps built on members add to a member's page (e.g. invoicing's "Issue an invoice").

An app names, in its AppConfig's `member_links` attribute, a function `links(scope, member)` returning
`MemberLinks`; it is imported when the page is drawn, as the home page's tasks are (grappe.core.tasks),
so members never imports the apps above it. The function decides who sees its links.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MemberLinks:
    title: str
    links: list[tuple[str, str]]  # (label, url)
    order: int = 50


def links_for(scope, member) -> list[MemberLinks]:
    found: list[MemberLinks] = []
    for config in apps.get_app_configs():
        path = getattr(config, "member_links", None)
        if path:
            found += import_string(path)(scope, member)
    return sorted(found, key=lambda section: section.order)
