"""Where the shared data lives (communes, vehicle-routing instances). Django-free."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    """`shared/data` beside the checkout, or the folder named by $GRAPPE_SHARED_DATA."""
    override = os.environ.get("GRAPPE_SHARED_DATA")
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "data"
