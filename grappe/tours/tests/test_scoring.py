import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappe.tours.scoring import need_scores, normalise


def test_hand_checked_scores_with_a_missing_value_taking_the_median():
    table = {"A": {"x": 10, "y": None}, "B": {"x": 20, "y": 5}, "C": {"x": 30, "y": 15}}
    scores = need_scores(table, {"x": 1, "y": 3})
    # x: A 0, B 0.5, C 1; y: B 0, C 1, A missing -> median 0.5
    assert scores["A"].score == pytest.approx((1 * 0 + 3 * 0.5) / 4)
    assert scores["B"].score == pytest.approx((1 * 0.5 + 3 * 0) / 4)
    assert scores["C"].score == pytest.approx(1.0)
    assert scores["A"].missing == ["y"]
    assert scores["B"].missing == []


def test_a_lower_value_can_mean_more_need():
    scores = need_scores({"A": {"income": 10}, "B": {"income": 30}}, {"income": 1}, {"income": False})
    assert scores["A"].score == 1.0 and scores["B"].score == 0.0


def test_equal_values_give_the_middle_and_a_zero_weight_leaves_the_indicator_out():
    scores = need_scores({"A": {"x": 5, "y": 1}, "B": {"x": 5, "y": 9}}, {"x": 2, "y": 0})
    assert scores["A"].score == 0.5 and scores["B"].score == 0.5
    assert "y" not in scores["A"].parts


def test_an_indicator_no_commune_has_is_left_out():
    scores = need_scores({"A": {"x": 1, "y": None}, "B": {"x": 3, "y": None}}, {"x": 1, "y": 5})
    assert scores["B"].score == 1.0
    assert list(scores["B"].parts) == ["x"]


def test_negative_weights_are_refused():
    with pytest.raises(ValueError):
        need_scores({"A": {"x": 1}}, {"x": -1})


def test_normalise_keeps_missing_values_missing():
    assert normalise({"A": None, "B": 2, "C": 4}) == {"A": None, "B": 0.0, "C": 1.0}


values = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.fixed_dictionaries({"x": values, "y": values}),
                       min_size=1, max_size=8),
       st.floats(min_value=0, max_value=10), st.floats(min_value=0, max_value=10))
def test_every_score_lies_between_0_and_1(table, wx, wy):
    for score in need_scores(table, {"x": wx, "y": wy}).values():
        assert -1e-9 <= score.score <= 1 + 1e-9
