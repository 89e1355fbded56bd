"""Distances and travel times: estimates from coordinates, and OSRM's table (faked)."""

import io
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappe.tours.geo import (
    OsrmError,
    haversine_km,
    matrices,
    osrm_table,
    road_km,
    travel_minutes,
)

DIE = (44.7534, 5.3703)
CREST = (44.7332, 5.0219)
VALENCE = (44.9225, 4.9136)

latitudes = st.floats(min_value=-80, max_value=80, allow_nan=False)
longitudes = st.floats(min_value=-179, max_value=179, allow_nan=False)


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_km(44.0, 5.0, 45.0, 5.0) == pytest.approx(111.19, abs=0.05)


def test_die_to_crest_is_about_28_km_as_the_crow_flies():
    assert haversine_km(*DIE, *CREST) == pytest.approx(27.7, abs=0.5)


@settings(deadline=None)  # microseconds each, but CI machines can be very loaded
@given(latitudes, longitudes, latitudes, longitudes)
def test_haversine_is_symmetric_and_non_negative(lat1, lon1, lat2, lon2):
    d = haversine_km(lat1, lon1, lat2, lon2)
    assert d >= 0
    assert d == pytest.approx(haversine_km(lat2, lon2, lat1, lon1), abs=1e-9)
    assert d <= math.pi * 6371.0088 + 1e-6


def test_road_distance_applies_the_detour_factor():
    assert road_km(10) == pytest.approx(14)
    assert road_km(10, detour=1.2) == pytest.approx(12)
    with pytest.raises(ValueError):
        road_km(10, detour=0.9)


def test_travel_time_at_an_average_speed():
    assert travel_minutes(50) == pytest.approx(60)
    assert travel_minutes(30, speed_kmh=40) == pytest.approx(45)
    with pytest.raises(ValueError):
        travel_minutes(10, speed_kmh=0)


def test_matrices_are_whole_metres_and_minutes_rounded_up():
    distance, duration = matrices([DIE, CREST, VALENCE])
    straight = haversine_km(*DIE, *CREST)
    assert distance[0][1] == round(straight * 1.4 * 1000)
    assert duration[0][1] == math.ceil(straight * 1.4 / 50 * 60)
    assert duration[0][1] >= straight * 1.4 / 50 * 60
    for i in range(3):
        assert distance[i][i] == 0 and duration[i][i] == 0
        for j in range(3):
            assert distance[i][j] == distance[j][i]
            assert duration[i][j] == duration[j][i]
            assert isinstance(distance[i][j], int) and isinstance(duration[i][j], int)


def test_matrices_follow_the_detour_and_speed_given():
    slow, _ = matrices([DIE, CREST], detour=1.0)
    fast_distance, fast_duration = matrices([DIE, CREST], detour=1.0, speed_kmh=100)
    assert slow[0][1] == round(haversine_km(*DIE, *CREST) * 1000)
    assert fast_duration[0][1] == math.ceil(haversine_km(*DIE, *CREST) / 100 * 60)


def test_matrices_of_no_point_are_empty():
    assert matrices([]) == ([], [])


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fake_opener(payload, seen):
    def opener(url, timeout):
        seen.append((url, timeout))
        return FakeResponse(json.dumps(payload).encode())

    return opener


def test_osrm_table_asks_for_distances_and_durations_in_lon_lat_order():
    seen = []
    payload = {"code": "Ok", "durations": [[0, 1830.5], [1790, 0]], "distances": [[0, 35210.4], [35190, 0]]}
    distance, duration = osrm_table(
        [DIE, CREST], "http://127.0.0.1:5000/", timeout=3, opener=fake_opener(payload, seen)
    )
    url, timeout = seen[0]
    assert url == (
        "http://127.0.0.1:5000/table/v1/driving/5.370300,44.753400;5.021900,44.733200"
        "?annotations=distance,duration"
    )
    assert timeout == 3
    assert distance == [[0, 35210], [35190, 0]]
    assert duration == [[0, 31], [30, 0]]  # 30.5 min -> 31, 29.83 -> 30


def test_osrm_table_uses_urlopen_by_default(monkeypatch):
    seen = []
    payload = {"code": "Ok", "durations": [[0]], "distances": [[0]]}
    monkeypatch.setattr("urllib.request.urlopen", fake_opener(payload, seen))
    assert osrm_table([DIE], "http://127.0.0.1:5000") == ([[0]], [[0]])
    assert len(seen) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"code": "InvalidQuery", "message": "bad"},
        {"code": "Ok", "durations": [[0, None], [10, 0]], "distances": [[0, 1], [1, 0]]},
        {"code": "Ok", "durations": [[0]], "distances": [[0]]},
    ],
)
def test_osrm_errors_are_reported(payload):
    with pytest.raises(OsrmError):
        osrm_table([DIE, CREST], "http://127.0.0.1:5000", opener=fake_opener(payload, []))


def test_osrm_unreachable_server_is_an_osrm_error():
    def opener(url, timeout):
        raise OSError("connection refused")

    with pytest.raises(OsrmError):
        osrm_table([DIE, CREST], "http://127.0.0.1:5000", opener=opener)


def test_osrm_needs_an_http_address():
    with pytest.raises(OsrmError):
        osrm_table([DIE], "file:///etc/passwd")
