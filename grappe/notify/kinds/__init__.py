"""Reminder kinds. Each module registers its kinds when imported (NotifyConfig.ready()).

events: tomorrow's event, a place freed, an event cancelled (grappe.events).
orders: a cycle opens, it closes tomorrow, the distribution is tomorrow (grappe.orders: CycleGroup
date and place; CycleStop date and time for a van stop).
distribution: a volunteer's slot tomorrow (grappe.distribution's rota).
receipts: the receipt of a distribution, sent on request only (grappe.accounts).
messages: a coordinator's one-off message when plans change, sent by its own task.
"""

from . import distribution, events, messages, orders, receipts  # noqa: F401
