"""The communes of the Drôme (shared/data/drome_communes.csv) loaded into `Commune`."""

import csv
import os
from decimal import Decimal
from pathlib import Path

from .models import Commune

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    """`shared/data` beside the checkout (GRAPPE_SHARED_DATA overrides), or the copy in the package."""
    override = os.environ.get("GRAPPE_SHARED_DATA")
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "data"


def load_communes(path: Path | None = None) -> int:
    """Create or update every commune of the file; returns how many rows were read. Idempotent."""
    path = path or shared_data_dir() / "drome_communes.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = {c.insee: c for c in Commune.objects.filter(insee__in=[r["insee"] for r in rows])}
    to_create, to_update = [], []
    for row in rows:
        values = {
            "name": row["name"],
            "latitude": Decimal(row["lat"]).quantize(Decimal("0.000001")),
            "longitude": Decimal(row["lon"]).quantize(Decimal("0.000001")),
            "population": int(row["population"] or 0),
            "epci": row.get("epci", ""),
        }
        commune = existing.get(row["insee"])
        if commune is None:
            to_create.append(Commune(insee=row["insee"], **values))
        elif any(getattr(commune, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(commune, key, value)
            to_update.append(commune)
    Commune.objects.bulk_create(to_create)
    Commune.objects.bulk_update(to_update, ["name", "latitude", "longitude", "population", "epci"])
    return len(rows)
