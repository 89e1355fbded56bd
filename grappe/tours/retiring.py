"""Stops an adoption retires, and what the higher layers do about them.

Adopting a run for a group replaces its van stops: a stop of the group that the new run does not keep is
retired (`Site.retired_at`, kept for the history). The apps above tours (events, notify) may not be
imported from here, so they register here instead:

- a *preview* hook, `(group, retirements) -> list[str]`: sentences the confirmation page shows before
  adopting (how many members would get the message and by which channel; which events move);
- an *after* hook, `(group, retirements, *, send_message, by, now) -> list[str]`: called inside the
  adoption's transaction (events move to the replacing stop; the message to the members is made and
  leaves after the commit); returns sentences for the page after adopting (events left to look at).
"""

from collections.abc import Callable
from dataclasses import dataclass

from grappe.network.models import Site

PREVIEW_HOOKS: list[Callable] = []
AFTER_HOOKS: list[Callable] = []


def on_preview(hook: Callable) -> Callable:
    if hook not in PREVIEW_HOOKS:
        PREVIEW_HOOKS.append(hook)
    return hook


def after_adoption(hook: Callable) -> Callable:
    if hook not in AFTER_HOOKS:
        AFTER_HOOKS.append(hook)
    return hook


@dataclass
class Retirement:
    """A stop of the group the new tour no longer serves, and the new stop that replaces it when that is
    obvious (a stop of the new tour in the same commune), by name before adopting, as a site after."""

    site: Site
    replacement_name: str = ""
    replacement: Site | None = None


def preview_notes(group, retirements: list[Retirement]) -> list[str]:
    return [note for hook in PREVIEW_HOOKS for note in hook(group, retirements)]


def run_after(group, retirements: list[Retirement], *, send_message: bool, by, now) -> list[str]:
    return [note for hook in AFTER_HOOKS
            for note in hook(group, retirements, send_message=send_message, by=by, now=now)]
