"""The benchmark side of the routing engine, kept apart from the van's own code.

- :mod:`.instances` reads the classic vehicle-routing files (CVRPLIB in TSPLIB format, Solomon
  VRPTW) and knows their cost conventions (rounded edges, real distances, node numbering).
- :mod:`.solver` turns such a file into PyVRP's model and solves it with the same search as the
  van's days (:func:`grappe.tours.routing.search`).

``manage.py plan_routes`` and ``bench/routing.py`` use it; the van planner
(:mod:`grappe.tours.routing`, :mod:`grappe.tours.scheduling`) does not. No Django here.
"""
