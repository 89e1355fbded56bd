"""docs/architecture.md's map of the code matches the tree, and mypy's list of pure modules is the
list of the modules that import no Django.

The map: the apps of "Parts" are the project's apps; every module a row of "Parts" names exists in
one of the row's apps; every path (`core/money.py`, `grappe/orders/allocation.py`), dotted name
(`notify.services.erase_addresses`, `network.Role`) and `manage.py` command the document writes in
backticks exists."""

import ast
import importlib
import re
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import get_commands
from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parents[3]
GRAPPE = ROOT / "grappe"
DOC = (ROOT / "docs" / "architecture.md").read_text()
APPS = sorted(p.parent.name for p in GRAPPE.glob("*/apps.py"))


def section(title: str) -> str:
    start = DOC.index(f"\n## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start:end if end != -1 else None]


def backticked(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


def parts_rows() -> list[tuple[list[str], list[str]]]:
    """(apps, modules ending in .py) of each row of the "Parts" table."""
    rows = []
    for line in section("Parts").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("app", "---"):
            continue
        rows.append((backticked(cells[0]), [name for name in backticked(cells[1]) if name.endswith(".py")]))
    return rows


def module_exists(path: Path) -> bool:
    """`x.py` as written, or the package `x/` it became."""
    return path.is_file() or (path.with_suffix("") / "__init__.py").is_file()


def test_the_parts_table_names_each_app_once():
    named = [app for apps_, _modules in parts_rows() for app in apps_]
    assert sorted(named) == APPS


def test_every_module_of_the_parts_table_exists_in_its_apps():
    rows = parts_rows()
    assert ["core"] in [apps_ for apps_, _modules in rows]
    missing = [f"{'/'.join(apps_)}: {module}" for apps_, modules in rows for module in modules
               if not any(module_exists(GRAPPE / app / module) for app in apps_)]
    assert not missing


def test_every_path_the_document_names_exists():
    paths = {name for name in backticked(DOC) if "/" in name and name.endswith(".py") and "*" not in name}
    assert "core/money.py" in paths
    missing = sorted(path for path in paths
                     if not module_exists(ROOT / path) and not module_exists(GRAPPE / path))
    assert not missing


def dotted_names() -> set[str]:
    """`app.module.name` or `app.Model`, without a call's arguments."""
    pattern = re.compile(rf"^(?:{'|'.join(APPS)})(?:\.\w+)+")
    return {match.group(0) for name in backticked(DOC) if (match := pattern.match(name))}


@pytest.mark.parametrize("name", sorted(dotted_names()))
def test_every_dotted_name_the_document_names_exists(name):
    first, *rest = name.split(".")
    if len(rest) == 1 and rest[0][0].isupper() and apps.is_installed(f"grappe.{first}"):
        try:
            apps.get_model(first, rest[0])  # a model, as Django names it: `network.Role`
            return
        except LookupError:
            pass
    try:
        importlib.import_module(f"grappe.{name}")  # a module: `network.services`
    except ModuleNotFoundError:
        import_string(f"grappe.{name}")  # a module's attribute: `core.text.fold`


def test_every_manage_py_command_the_document_names_exists():
    named = {name.split()[1] for name in backticked(DOC) if name.startswith("manage.py ")}
    assert "send_reminders" in named
    assert named <= set(get_commands())


# --- Pure modules: they import no Django, and mypy checks each of them --------------------------------

NOT_RULES = {"grappe/settings.py"}  # configuration, read by Django


def imports_of(path: Path) -> set[str]:
    """The modules `path` imports anywhere in it (also inside functions), relative ones resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return found


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def django_free_modules() -> set[str]:
    """Paths of the modules that import no Django, directly or through another module of grappe."""
    modules = {module_name(p): p for p in GRAPPE.rglob("*.py")
               if not {"tests", "migrations"} & set(p.parts) and p.name != "__init__.py"}
    imports = {name: imports_of(path) for name, path in modules.items()}
    bound = {name for name, found in imports.items()
             if any(i.split(".")[0] in ("ninja", "csp") or i.startswith(("django", "dj_")) for i in found)}
    while True:  # a module importing a Django-bound module of grappe is bound too
        more = {name for name, found in imports.items() if name not in bound and found & bound}
        if not more:
            break
        bound |= more
    return {str(path.relative_to(ROOT)) for name, path in modules.items() if name not in bound} - NOT_RULES


def mypy_files() -> tuple[set[str], set[str]]:
    """The modules [tool.mypy] names one by one (the pure ones), and those its globs (the services) reach."""
    files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    named = {f for f in files if "*" not in f}
    globbed: set[str] = set()
    for pattern in (f for f in files if "*" in f):
        globbed |= {str(p.relative_to(ROOT)) for p in ROOT.glob(pattern) if p.suffix == ".py"}
        globbed |= {str(p.relative_to(ROOT)) for p in ROOT.glob(pattern + "/*.py")}
    return named, globbed


def test_mypy_checks_exactly_the_modules_that_import_no_django():
    free = django_free_modules()
    assert "grappe/orders/allocation.py" in free and "grappe/orders/models.py" not in free
    named, globbed = mypy_files()
    unchecked, not_pure = sorted(free - named - globbed), sorted(named - free)
    assert not unchecked, "pure modules missing from [tool.mypy] files in pyproject.toml"
    assert not not_pure, "modules in [tool.mypy] files that import Django (or are gone)"
