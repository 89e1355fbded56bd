"""Distances and travel times between places, without any road data or Django.

The road distance between two places is estimated as the straight-line (great-circle)
distance times a detour factor: 1.4 by default, a usual value for winding mountain
roads such as those of the Diois. The travel time is that road distance at an average
speed. When an OSRM server is configured, :func:`osrm_table` asks its table service for
real road distances and times instead; it returns the same shape of matrices.

Matrices are lists of lists indexed like the list of points given (index 0 is usually
the depot): distances in whole metres (rounded), durations in whole minutes rounded up,
so that a schedule built on them is never optimistic.
"""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
DEFAULT_DETOUR = 1.4
DEFAULT_SPEED_KMH = 50.0

Point = tuple[float, float]  # (latitude, longitude) in degrees


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two (latitude, longitude) points in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def road_km(straight_km: float, detour: float = DEFAULT_DETOUR) -> float:
    """Road distance estimated from a straight-line distance and a detour factor (>= 1)."""
    if detour < 1:
        raise ValueError("the detour factor must be at least 1")
    return straight_km * detour


def travel_minutes(road_km: float, speed_kmh: float = DEFAULT_SPEED_KMH) -> float:
    """Minutes needed to drive ``road_km`` at an average speed in km/h."""
    if speed_kmh <= 0:
        raise ValueError("the average speed must be positive")
    return road_km / speed_kmh * 60.0


def _minutes_up(minutes: float) -> int:
    # A tiny tolerance keeps an exact 12.0 from becoming 13 through float noise.
    return max(0, math.ceil(minutes - 1e-9))


def matrices(
    points: Sequence[Point],
    detour: float = DEFAULT_DETOUR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> tuple[list[list[int]], list[list[int]]]:
    """Estimated road distances (metres, rounded) and times (minutes, rounded up) for all pairs.

    ``points`` are (latitude, longitude) pairs; the matrices are symmetric with a zero diagonal.
    """
    n = len(points)
    distance = [[0] * n for _ in range(n)]
    duration = [[0] * n for _ in range(n)]
    for i in range(n):
        lat_i, lon_i = points[i]
        for j in range(i + 1, n):
            lat_j, lon_j = points[j]
            km = road_km(haversine_km(lat_i, lon_i, lat_j, lon_j), detour)
            metres = round(km * 1000)
            minutes = _minutes_up(travel_minutes(km, speed_kmh))
            distance[i][j] = distance[j][i] = metres
            duration[i][j] = duration[j][i] = minutes
    return distance, duration


class OsrmError(RuntimeError):
    """The OSRM server could not give a usable table."""


Opener = Callable[..., Any]


def osrm_table(
    points: Sequence[Point],
    base_url: str,
    timeout: float = 10,
    *,
    profile: str = "driving",
    opener: Opener | None = None,
) -> tuple[list[list[int]], list[list[int]]]:
    """Road distances (metres) and times (minutes, rounded up) from an OSRM table service.

    ``base_url`` is the server's address, e.g. ``http://127.0.0.1:5000``. ``opener`` defaults to
    :func:`urllib.request.urlopen` (tests pass a fake one). Raises :class:`OsrmError` when the
    server fails, answers with an error code, or cannot route between two of the points.
    """
    if not points:
        return [], []
    scheme = urllib.parse.urlsplit(base_url).scheme
    if scheme not in ("http", "https"):
        raise OsrmError(f"OSRM address must be http(s), not {base_url!r}")
    coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
    url = f"{base_url.rstrip('/')}/table/v1/{profile}/{coordinates}?annotations=distance,duration"
    open_url = opener if opener is not None else urllib.request.urlopen
    try:
        with open_url(url, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            payload = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
        raise OsrmError(f"OSRM table request failed: {exc}") from exc
    if payload.get("code") != "Ok":
        raise OsrmError(f"OSRM answered {payload.get('code')!r}: {payload.get('message', '')}")
    seconds = payload.get("durations")
    metres = payload.get("distances")
    n = len(points)
    if not _is_square(seconds, n) or not _is_square(metres, n):
        raise OsrmError("OSRM table has not the expected size")
    distance = [[0] * n for _ in range(n)]
    duration = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if seconds[i][j] is None or metres[i][j] is None:
                raise OsrmError(f"OSRM found no road between points {i} and {j}")
            distance[i][j] = round(float(metres[i][j]))
            duration[i][j] = _minutes_up(float(seconds[i][j]) / 60.0)
    return distance, duration


def _is_square(table: object, n: int) -> bool:
    return (
        isinstance(table, list)
        and len(table) == n
        and all(isinstance(row, list) and len(row) == n for row in table)
    )
