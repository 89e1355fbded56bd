import pytest

from grappe.network.communes import PACKAGED_COMMUNES, communes_file, load_communes
from grappe.network.models import Commune

pytestmark = pytest.mark.django_db


def test_without_the_shared_folder_the_packaged_copy_is_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPPE_SHARED_DATA", str(tmp_path))  # an empty shared folder
    assert communes_file() == PACKAGED_COMMUNES
    assert load_communes() == 362
    assert Commune.objects.get(name="Die").population > 0


def test_the_shared_file_wins_when_there_is_one(tmp_path, monkeypatch):
    (tmp_path / "drome_communes.csv").write_text(PACKAGED_COMMUNES.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("GRAPPE_SHARED_DATA", str(tmp_path))
    assert communes_file() == tmp_path / "drome_communes.csv"
