"""Rules the test suite keeps about itself: screenshots only where asked, no timed assertions, one way to
prove behaviour under concurrency, one set of personas."""

import re
from pathlib import Path

import pytest

import conftest

ROOT = Path(__file__).resolve().parents[3]
TEST_FILES = sorted(p for p in (ROOT / "grappe").rglob("test_*.py") if p.resolve() != Path(__file__).resolve())
CONCURRENCY_HELPER = ROOT / "grappe" / "core" / "tests" / "concurrency.py"
# every module of test code (fixtures and factories too), the root conftest, this file and the helper aside
TEST_CODE = sorted(p for p in (ROOT / "grappe").rglob("*.py") if "tests" in p.relative_to(ROOT).parts
                   and p.resolve() not in {Path(__file__).resolve(), CONCURRENCY_HELPER.resolve()}) \
    + [ROOT / "conftest.py"]
PERSONAS = ROOT / "grappe" / "members" / "tests" / "personas.py"


class FakePage:
    def __init__(self):
        self.paths = []

    def screenshot(self, *, path, full_page=False):
        self.paths.append(path)
        Path(path).write_bytes(b"png")


def offending(pattern, files=TEST_FILES):
    return [f"{p.relative_to(ROOT)}:{n}" for p in files
            for n, text in enumerate(p.read_text().splitlines(), 1) if re.search(pattern, text)]


def test_no_screenshot_is_taken_unless_grappe_screenshots_names_a_folder(monkeypatch):
    monkeypatch.delenv("GRAPPE_SCREENSHOTS", raising=False)
    page = FakePage()
    assert conftest.screenshot(page, "basket-360") is None
    assert page.paths == []


def test_screenshots_go_to_the_folder_named_by_grappe_screenshots(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPPE_SCREENSHOTS", str(tmp_path / "shots"))
    page = FakePage()
    saved = conftest.screenshot(page, "basket-360")
    assert saved == tmp_path / "shots" / "basket-360.png" and saved.read_bytes() == b"png"
    with pytest.raises(ValueError):
        conftest.screenshot(page, "../../etc/evil")


def test_tests_take_screenshots_only_through_the_conftest_helper():
    # page.screenshot(...) anywhere in a test writes a file on every run (fixed /tmp paths were seen)
    assert offending(r"\.screenshot\(") == []


def test_no_test_compares_the_time_it_took():
    # speed depends on the machine and its load: it is measured in bench/, not asserted in tests
    assert offending(r"perf_counter\(|time\.time\(\)|monotonic\(\)|\belapsed\b|\bseconds\s*<") == []


def test_concurrency_is_proved_one_way_only():
    # threads released together on their own connections, closed at their end, skipped off PostgreSQL:
    # run_concurrently and postgres_only of grappe/core/tests/concurrency.py (four styles had grown)
    ad_hoc = (r"\bThread\(|\bBarrier\(|connections?\.close(_all)?\(|TransactionTestCase|skipif\(.*vendor"
              r"|vendor\s*!=\s*.postgresql")
    assert offending(ad_hoc, TEST_CODE) == []


def test_people_are_made_by_the_personas_module_only():
    # the standard people (the `world` fixture), and any other person a test needs (person(), operator()),
    # come from grappe/members/tests/personas.py: no second set of personas grows elsewhere
    users = r"(?<!class )\bUserFactory\(|create_(super)?user\(|(User|get_user_model\(\))\.objects\.create\("
    assert offending(users, [p for p in TEST_CODE if p != PERSONAS]) == []
