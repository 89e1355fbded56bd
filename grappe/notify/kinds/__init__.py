"""Reminder kinds. Each module registers its kinds when imported (NotifyConfig.ready()).

events: tomorrow's event, a place freed, an event cancelled (grappe.events).
orders: a cycle opens, it closes tomorrow, the distribution is tomorrow (grappe.orders: CycleGroup
date and place; CycleStop date and time for a van stop).
distribution: a volunteer's slot tomorrow (grappe.distribution's rota).
"""

from . import distribution, events, orders  # noqa: F401
