"""The need score of a commune: a transparent weighted sum of normalised indicators. No Django here.

For each indicator, over the communes considered:
    n = (value - min) / (max - min)          when a higher value means more need
    n = (max - value) / (max - min)          when a lower value means more need (e.g. an income)
    n = 0.5 for every commune                when all the values are equal
A missing value (hidden by the source, or unknown) takes the median of the other communes' n, and is
flagged as such. An indicator no commune has is left out. The score is
    score = sum(weight_i * n_i) / sum(weight_i)
over the indicators kept with a positive weight: a number from 0 (least need among the communes
considered) to 1 (most need).
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from statistics import median
from typing import TypeVar

K = TypeVar("K", bound=Hashable)  # what is scored (a commune's INSEE code)


@dataclass(frozen=True)
class Part:
    indicator: str
    value: float | None
    normalised: float
    imputed: bool
    weight: float


@dataclass(frozen=True)
class Score:
    key: Hashable
    score: float
    parts: dict[str, Part] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [name for name, part in self.parts.items() if part.imputed]


def normalise(values: Mapping[K, float | None], higher_means_need: bool = True) -> dict[K, float | None]:
    """Each key's value scaled to 0..1 (None stays None for a missing value)."""
    present = [v for v in values.values() if v is not None]
    if not present:
        return dict.fromkeys(values)
    low, high = min(present), max(present)
    out: dict[K, float | None] = {}
    for key, value in values.items():
        if value is None:
            out[key] = None
        elif high == low:
            out[key] = 0.5
        else:
            scaled = (value - low) / (high - low)
            out[key] = scaled if higher_means_need else 1.0 - scaled
    return out


def need_scores(
    table: Mapping[K, Mapping[str, float | None]],
    weights: Mapping[str, float],
    higher_means_need: Mapping[str, bool] | None = None,
) -> dict[K, Score]:
    """table: {commune: {indicator: value or None}}; weights: {indicator: weight >= 0}."""
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must be zero or positive")
    direction = higher_means_need or {}
    used = [name for name, weight in weights.items() if weight > 0
            and any(row.get(name) is not None for row in table.values())]
    total_weight = sum(weights[name] for name in used)
    scaled: dict[str, dict[K, float | None]] = {}
    fallback: dict[str, float] = {}
    for name in used:
        scaled[name] = normalise({key: row.get(name) for key, row in table.items()}, direction.get(name, True))
        fallback[name] = median(v for v in scaled[name].values() if v is not None)
    result: dict[K, Score] = {}
    for key, row in table.items():
        parts: dict[str, Part] = {}
        weighted = 0.0
        for name in used:
            value = scaled[name][key]
            imputed = value is None
            n = fallback[name] if value is None else value
            parts[name] = Part(name, row.get(name), n, imputed, weights[name])
            weighted += weights[name] * n
        result[key] = Score(key, weighted / total_weight if total_weight else 0.0, parts)
    return result
