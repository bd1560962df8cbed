"""The floors (README.md, Architecture): imports go down; the project floor and the evaluation
name each app they gather with a plain import, and a lower floor reaches upward only through a
hook.

These tests keep the explicit lists complete: an app that grows a ``nav.py``, ``demo.py``,
``panels.py``, ``waiting.py`` or measures in ``metrics.py`` and is left out of its list fails
here, where a lookup by name would have found it (or silently skipped it).
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps

from cc4c import context_processors
from cc4c.management.commands import load_demo
from evaluation import compose
from hubs import waiting_registry
from population import panels_registry


def apps_with(module):
    """Names of the project's apps that have ``<app>.<module>``."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("django") or "." in config.name:
            continue
        if importlib.util.find_spec(f"{config.name}.{module}") is not None:
            found.append(config.name)
    return found


def test_every_part_with_a_menu_is_in_the_main_menu():
    listed = [part.__name__.removesuffix(".nav") for part in context_processors.PARTS]
    assert sorted(listed) == sorted(apps_with("nav"))


def test_every_app_with_demo_data_is_loaded_lowest_floor_first():
    listed = [module.__name__.removesuffix(".demo") for _name, module in load_demo.LOADERS]
    assert sorted(listed) == sorted(apps_with("demo"))
    assert listed[0] == "hubs" and listed[-1] == "evaluation"


def test_every_childs_page_panel_is_registered_in_app_order():
    providers = panels_registry.panel_providers()
    assert [p.__module__.removesuffix(".panels") for p in providers] == apps_with("panels")


def test_every_list_column_provider_is_registered_in_app_order():
    providers = panels_registry.list_column_providers()
    with_columns = [
        app
        for app in apps_with("panels")
        if hasattr(importlib.import_module(f"{app}.panels"), "child_list_columns")
    ]
    assert [p.__module__.removesuffix(".panels") for p in providers] == with_columns


def test_every_apps_waiting_counts_are_on_the_home_page_in_app_order():
    providers = waiting_registry.providers()
    assert [p.__module__.removesuffix(".waiting") for p in providers] == apps_with("waiting")


def test_every_apps_measures_feed_the_evaluation():
    """Each ``*_measures`` function of an app's metrics.py is a source of the report."""
    sources = {function.__module__.removesuffix(".metrics") for function, _ in compose.SOURCES}
    assert sources == set(apps_with("metrics")) - {"evaluation"}
    declared = set()
    for app in sources:
        module = importlib.import_module(f"{app}.metrics")
        declared |= {
            value
            for name, value in vars(module).items()
            if name.endswith("_measures")
            and callable(value)
            and value.__module__ == module.__name__
        }
    assert declared == {function for function, _ in compose.SOURCES}


def test_every_apps_service_errors_are_service_errors():
    """Callers catch one type: each error a services.py defines subclasses ServiceError."""
    from cc4c.errors import ServiceError

    errors = {}
    for app in apps_with("services"):
        module = importlib.import_module(f"{app}.services")
        for name, value in vars(module).items():
            ours = isinstance(value, type) and value.__module__ == module.__name__
            if ours and issubclass(value, Exception):
                errors[f"{app}.{name}"] = value
    assert errors, "no app defines its service errors"
    assert {name for name, error in errors.items() if not issubclass(error, ServiceError)} == set()


def test_the_evaluation_app_keeps_its_label_tables_and_migrations():
    """The evaluation moved from cc4c/evaluation to evaluation/ without renaming anything the
    database or the beat schedule holds."""
    from django.db.migrations.loader import MigrationLoader

    config = apps.get_app_config("evaluation")
    assert (config.name, config.label) == ("evaluation", "evaluation")
    models = list(config.get_models())
    assert models
    assert {m._meta.db_table for m in models} == {
        f"evaluation_{m._meta.model_name}" for m in models
    }
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert ("evaluation", "0001_initial") in loader.disk_migrations
    assert MigrationLoader.migrations_module("evaluation")[0] == "evaluation.migrations"


LOOKUPS_BY_NAME = re.compile(
    r"\bimport_module\(|__import__\(|\bfind_spec\(|except\s*\(?[\w\s,]*\b(ImportError|ModuleNotFoundError)"
)


def test_no_module_finds_a_sibling_by_name_or_keeps_its_own_access_check():
    """Apps name what they use with plain imports (an import that fails, fails loudly), and
    check access with hubs.access's require / requires, not a copy of their own."""
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] not in CONFIG["root_packages"] or "migrations" in rel.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if LOOKUPS_BY_NAME.search(line) or re.match(r"\s*def _require\(", line):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == []


# --- the layers contract of `make lint` (pyproject.toml, [tool.importlinter]) ------------------

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
(FLOORS,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]


def _layer_modules(layer):
    return {name.strip() for name in re.split(r"[|:]", layer)}


def test_every_module_of_the_cc4c_package_is_on_the_project_or_the_library_floor():
    project, library = _layer_modules(FLOORS["layers"][0]), _layer_modules(FLOORS["layers"][-1])
    assert not project & library
    modules = {
        f"cc4c.{path.stem}"
        for path in (ROOT / "cc4c").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert modules == project | library, (
        "put each cc4c module in the first (project) or the last (library) layer of the floors "
        f"contract: missing {sorted(modules - project - library)}, "
        f"gone {sorted((project | library) - modules)}"
    )


def test_every_app_is_on_a_floor():
    on_floors = set().union(*(_layer_modules(layer) for layer in FLOORS["layers"]))
    project_apps = {
        c.name for c in apps.get_app_configs() if not c.name.startswith(("django", "allauth"))
    }
    project_apps = {name for name in project_apps if "." not in name and (ROOT / name).is_dir()}
    assert project_apps - {"cc4c"} <= on_floors
    assert set(CONFIG["root_packages"]) == project_apps


def lint_imports(tree):
    """Run lint-imports, as `make lint` does, over a copy of the project's packages."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    tree = tmp_path_factory.mktemp("floors")
    shutil.copy(ROOT / "pyproject.toml", tree)
    for package in CONFIG["root_packages"]:
        shutil.copytree(
            ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tree


def _with_import(tree, module, line):
    path = tree.joinpath(*module.split(".")).with_suffix(".py")
    original = path.read_text()
    path.write_text(original + f"\n{line}\n")
    return path, original


def test_the_floors_contract_holds_for_the_code_as_it_is(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


@pytest.mark.parametrize(
    "module, line, upward",
    [
        # The library reaching up to hubs: what the import engine used to do.
        ("cc4c.outbox", "from hubs.models import Hub  # noqa", "cc4c.outbox -> hubs.models"),
        # A lower app reaching up to one that stands on it.
        ("population.queries", "import mdt.models  # noqa", "population.queries -> mdt.models"),
        # Sideways within a floor.
        ("feedback.services", "import learning.models  # noqa", "feedback.services -> learning"),
    ],
)
def test_an_import_up_or_sideways_breaks_the_floors_contract(tree, module, line, upward):
    path, original = _with_import(tree, module, line)
    try:
        result = lint_imports(tree)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert upward in result.stdout, result.stdout


# --- the types of `make lint` (pyproject.toml, [tool.mypy]) ------------------------------------


def mypy(tree):
    """Run mypy with django-stubs, as `make lint` does, over a copy of the project's packages."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("mypy")), "--cache-dir", str(tree / ".mypy_cache")],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )


def test_mypy_covers_the_access_rules_and_every_services_and_queries_module():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    checked = {p for pattern in config["files"] for p in ROOT.glob(pattern)}
    wanted = {ROOT / "hubs" / "access.py"} | {
        ROOT / app / f"{module}.py"
        for app in CONFIG["root_packages"]
        for module in ("services", "queries")
        if (ROOT / app / f"{module}.py").exists()
    }
    assert checked == wanted
    assert config["check_untyped_defs"] and config["disallow_incomplete_defs"]
    (strict,) = [o for o in config["overrides"] if o.get("disallow_untyped_defs")]
    assert strict["module"] == ["hubs.access"]


def test_mypy_refuses_a_wrong_type_and_a_missing_hint_where_hints_are_required(tree):
    injected = {
        # The access rules must be annotated in full.
        "hubs.access": "def _unannotated(person):\n    return person",
        # A body with a type error is checked even without hints.
        "feedback.services": "def _sloppy(x):\n    return len(3)",
        # A function given some hints must be given all of them.
        "clinics.queries": "def _half(x: int, y):\n    return x",
        # A new function without hints is not refused for that alone.
        "population.services": "def _new(child):\n    return child.pk",
    }
    originals = [_with_import(tree, module, code) for module, code in injected.items()]
    try:
        result = mypy(tree)
    finally:
        for path, original in originals:
            path.write_text(original)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 1, result.stdout + result.stderr
    assert {line.split(":")[0] for line in errors} == {
        "hubs/access.py",
        "feedback/services.py",
        "clinics/queries.py",
    }, result.stdout
    assert any("[no-untyped-def]" in e and e.startswith("hubs/access.py") for e in errors)
    assert any("[arg-type]" in e and e.startswith("feedback/services.py") for e in errors)
    assert any("[no-untyped-def]" in e and e.startswith("clinics/queries.py") for e in errors)


# --- `make lint` runs every guard rail -----------------------------------------------------------


def test_make_lint_runs_the_floors_the_types_and_the_migrations_check():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    for command in ("lint-imports", "mypy", "makemigrations --check --dry-run", "ruff check"):
        assert command in recipe, f"make lint no longer runs {command}"


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
