"""The communes of the Drôme (shared/data/drome_communes.csv) loaded into `Commune`."""

import csv
from decimal import Decimal
from pathlib import Path

from grappe.core.data import shared_data_dir

from .models import Commune

PACKAGED_COMMUNES = Path(__file__).resolve().parent / "data" / "drome_communes.csv"


def communes_file() -> Path:
    """The shared file when there is one, else the copy shipped in the package (data/SOURCES.md)."""
    shared = shared_data_dir() / "drome_communes.csv"
    return shared if shared.is_file() else PACKAGED_COMMUNES


def load_communes(path: Path | None = None) -> int:
    """Create or update every commune of the file; returns how many rows were read. Idempotent."""
    path = path or communes_file()
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
