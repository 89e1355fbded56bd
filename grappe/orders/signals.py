"""Signals of the orders app, for the apps built on it (orders cannot import them)."""

from django.dispatch import Signal

# Sent by services.set_distribution_schedule inside its transaction, with `cycle`: the dates,
# times or places of the cycle's groups or stops have changed.
schedule_changed = Signal()
