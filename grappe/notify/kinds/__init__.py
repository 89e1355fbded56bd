"""Reminder kinds. Each module registers its kinds when imported (NotifyConfig.ready()).

Only kinds whose source data exist are here: events (grappe.events). Kinds over order cycles,
distributions, the volunteer rota and van stop times are added once those apps are on main.
"""

from . import events  # noqa: F401
