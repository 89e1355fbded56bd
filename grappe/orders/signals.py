"""Signals of the orders app, for the apps built on it (orders cannot import them)."""

from django.dispatch import Signal

# Sent by services.set_distribution_schedule inside its transaction, with `cycle`: the dates,
# times or places of the cycle's groups or stops have changed.
schedule_changed = Signal()

# Sent by services.record_receipt inside its transaction, with `cycle` and `products` (ids): the
# members' allotted quantities of these products may have changed. Receivers bring what they built
# from them up to date in the same transaction and return a list of warnings (French, for the
# person who recorded the receipt) about what they could not change.
allotment_changed = Signal()
