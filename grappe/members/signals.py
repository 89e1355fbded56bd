"""Signals of the members app, for the apps built on it (members cannot import them)."""

from django.dispatch import Signal

# Sent by services.erase_member inside its transaction, once the person is anonymised, with `member`,
# `user` (their login, or None) and `former` (their phone and e-mails before the erasure). Receivers
# forget, in the same transaction, the personal data they hold about the person (grappe.notify clears
# the addresses of its log).
member_erased = Signal()
