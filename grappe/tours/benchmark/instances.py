"""Readers for the classic vehicle-routing benchmark files, and their cost conventions.

Two formats are read into one :class:`Instance`:

- CVRP files in TSPLIB format (CVRPLIB sets A, B, E, P...): ``EDGE_WEIGHT_TYPE : EUC_2D``,
  ``NODE_COORD_SECTION``, ``DEMAND_SECTION``, ``DEPOT_SECTION``. An edge costs the Euclidean
  length rounded to the nearest integer (TSPLIB ``nint``), and a solution costs the sum of
  its rounded edges.
- Solomon VRPTW text files: vehicle number and capacity, then one line per customer with
  x, y, demand, ready time, due date and service time (customer 0 is the depot). Distances
  and travel times are the real Euclidean lengths, not rounded.

Inside an :class:`Instance` the depot is index 0 and customers are indices 1..n, in file
order; ``labels`` maps each index to the node number written in the file (CVRP: depot 1,
customers 2..n+1; Solomon: depot 0, customers by their number). Solutions are exchanged as
lists of routes of *labels*, depot left out. No Django here.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

NO_LIMIT = 10**9  # "no time window": later than any Solomon horizon


class InstanceFormatError(ValueError):
    """The file is neither a readable TSPLIB CVRP file nor a Solomon VRPTW file."""


@dataclass(frozen=True)
class Instance:
    name: str
    kind: str  # "cvrp" or "vrptw"
    coords: list[tuple[float, float]]  # index 0 = depot
    demands: list[int]
    capacity: int
    vehicles: int | None  # vehicles available, None when the file sets no limit
    windows: list[tuple[int, int]]  # (ready, due) per index; (0, NO_LIMIT) for CVRP
    service: list[int]  # service time per index
    labels: list[int]  # node number in the file, per index
    _index: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.coords)
        for name in ("demands", "windows", "service", "labels"):
            if len(getattr(self, name)) != n:
                raise InstanceFormatError(f"{self.name}: {name} has not one entry per node")
        self._index.update({label: i for i, label in enumerate(self.labels)})

    @property
    def num_customers(self) -> int:
        return len(self.coords) - 1

    @property
    def depot_label(self) -> int:
        return self.labels[0]

    def index_of(self, label: int) -> int:
        """Internal index (0 = depot) of a node number of the file."""
        try:
            return self._index[label]
        except KeyError:
            raise KeyError(f"{self.name} has no node {label}") from None

    def euclidean(self, i: int, j: int) -> float:
        (xi, yi), (xj, yj) = self.coords[i], self.coords[j]
        return math.hypot(xi - xj, yi - yj)

    def distance(self, i: int, j: int) -> float:
        """Cost of the edge between two indices under this instance's convention."""
        d = self.euclidean(i, j)
        return float(nint(d)) if self.kind == "cvrp" else d


def nint(x: float) -> int:
    """TSPLIB's nearest integer: (int)(x + 0.5) for the non-negative lengths used here."""
    return int(math.floor(x + 0.5))


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read a TSPLIB CVRP file or a Solomon VRPTW file, recognised by its content."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    name = Path(path).stem
    if re.search(r"^\s*NODE_COORD_SECTION", text, re.MULTILINE):
        return parse_cvrp(text, default_name=name)
    if re.search(r"^\s*CUSTOMER\s*$", text, re.MULTILINE | re.IGNORECASE):
        return parse_solomon(text, default_name=name)
    raise InstanceFormatError(f"{path}: neither a TSPLIB CVRP nor a Solomon file")


def parse_cvrp(text: str, default_name: str = "") -> Instance:
    specs: dict[str, str] = {}
    coords: dict[int, tuple[float, float]] = {}
    demands: dict[int, int] = {}
    depots: list[int] = []
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line == "EOF":
            break
        head = line.split()[0].rstrip(":")
        if head.endswith("_SECTION"):
            section = head
            continue
        if ":" in line and not _is_number(line.split()[0]):
            key, _, value = line.partition(":")
            specs[key.strip().upper()] = value.strip()
            section = None
            continue
        values = line.split()
        try:
            if section == "NODE_COORD_SECTION":
                coords[int(values[0])] = (float(values[1]), float(values[2]))
            elif section == "DEMAND_SECTION":
                demands[int(values[0])] = int(values[1])
            elif section == "DEPOT_SECTION":
                depots.extend(int(v) for v in values if int(v) != -1)
            elif section is not None:
                continue  # a section we do not use
            else:
                raise InstanceFormatError(f"unexpected line {raw!r}")
        except (IndexError, ValueError) as exc:
            raise InstanceFormatError(f"unreadable line {raw!r} in {section}") from exc

    weight_type = specs.get("EDGE_WEIGHT_TYPE", "EUC_2D")
    if weight_type != "EUC_2D":
        raise InstanceFormatError(f"EDGE_WEIGHT_TYPE {weight_type} is not supported (only EUC_2D)")
    if "CAPACITY" not in specs:
        raise InstanceFormatError("no CAPACITY")
    dimension = int(specs.get("DIMENSION", len(coords)))
    if len(coords) != dimension:
        raise InstanceFormatError(f"DIMENSION is {dimension} but {len(coords)} coordinates were read")
    if set(demands) != set(coords):
        raise InstanceFormatError("DEMAND_SECTION and NODE_COORD_SECTION name different nodes")
    if len(depots) != 1:
        raise InstanceFormatError("exactly one depot is supported")
    depot = depots[0]
    order = [depot] + [node for node in sorted(coords) if node != depot]
    vehicles = specs.get("VEHICLES")
    return Instance(
        name=specs.get("NAME", default_name),
        kind="cvrp",
        coords=[coords[node] for node in order],
        demands=[0 if node == depot else demands[node] for node in order],
        capacity=int(float(specs["CAPACITY"])),
        vehicles=int(vehicles) if vehicles else None,
        windows=[(0, NO_LIMIT)] * len(order),
        service=[0] * len(order),
        labels=order,
    )


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def parse_solomon(text: str, default_name: str = "") -> Instance:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise InstanceFormatError("empty file")
    name = lines[0] if not lines[0][0].isdigit() else default_name
    vehicles = capacity = None
    rows: list[list[float]] = []
    for line in lines[1:]:
        values = line.split()
        try:
            numbers = [float(v) for v in values]
        except ValueError:
            continue  # a heading
        if vehicles is None and len(numbers) == 2:
            vehicles, capacity = int(numbers[0]), int(numbers[1])
        elif len(numbers) == 7:
            rows.append(numbers)
        else:
            raise InstanceFormatError(f"unexpected line {line!r}")
    if vehicles is None or capacity is None:
        raise InstanceFormatError("no VEHICLE NUMBER / CAPACITY line")
    if not rows or int(rows[0][0]) != 0:
        raise InstanceFormatError("the first customer line must be the depot (number 0)")
    return Instance(
        name=name,
        kind="vrptw",
        coords=[(r[1], r[2]) for r in rows],
        demands=[int(r[3]) for r in rows],
        capacity=capacity,
        vehicles=vehicles,
        windows=[(int(r[4]), int(r[5])) for r in rows],
        service=[int(r[6]) for r in rows],
        labels=[int(r[0]) for r in rows],
    )


def route_cost(instance: Instance, routes: Sequence[Sequence[int]]) -> float:
    """Total cost of routes given by node labels (depot left out), by the instance's convention.

    CVRP: each edge rounded to the nearest integer before summing; Solomon: real Euclidean.
    """
    total = 0.0
    for route in routes:
        if not route:
            continue
        path = [0, *(instance.index_of(label) for label in route), 0]
        total += sum(instance.distance(a, b) for a, b in zip(path, path[1:], strict=False))
    return total


def check_routes(
    instance: Instance, routes: Sequence[Sequence[int]], *, tolerance: float = 1e-6
) -> list[str]:
    """Every broken rule of a solution, in words; an empty list means it is feasible.

    Checks that each customer is visited exactly once, the capacity, the number of vehicles,
    and (Solomon) the time windows with real-valued travel times: service starts at
    max(ready, arrival) and must start no later than the due date; the vehicle must be back at
    the depot by the depot's due date.
    """
    problems: list[str] = []
    seen: dict[int, int] = {}
    for r, route in enumerate(routes):
        for label in route:
            if label not in instance._index or instance.index_of(label) == 0:
                problems.append(f"route {r + 1}: {label} is not a customer")
                continue
            seen[label] = seen.get(label, 0) + 1
    for label in instance.labels[1:]:
        count = seen.get(label, 0)
        if count != 1:
            problems.append(f"customer {label} visited {count} times")
    used = [route for route in routes if route]
    if instance.vehicles is not None and len(used) > instance.vehicles:
        problems.append(f"{len(used)} routes for {instance.vehicles} vehicles")
    depot_due = instance.windows[0][1]
    for r, route in enumerate(routes):
        indices = [instance.index_of(label) for label in route if label in instance._index]
        load = sum(instance.demands[i] for i in indices)
        if load > instance.capacity:
            problems.append(f"route {r + 1}: load {load} > capacity {instance.capacity}")
        if instance.kind != "vrptw" or not indices:
            continue
        time = float(instance.windows[0][0])
        previous = 0
        for i in indices:
            time += instance.service[previous] + instance.euclidean(previous, i)
            ready, due = instance.windows[i]
            time = max(time, float(ready))
            if time > due + tolerance:
                problems.append(f"route {r + 1}: customer {instance.labels[i]} served at {time:.2f} > {due}")
            previous = i
        time += instance.service[previous] + instance.euclidean(previous, 0)
        if time > depot_due + tolerance:
            problems.append(f"route {r + 1}: back at the depot at {time:.2f} > {depot_due}")
    return problems
