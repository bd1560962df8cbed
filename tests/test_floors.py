"""The floors (README.md, Architecture): imports go down; the project floor and the evaluation
name each app they gather with a plain import, and a lower floor reaches upward only through a
hook.

These tests keep the explicit lists complete: an app that grows a ``nav.py``, ``demo.py``,
``panels.py`` or measures in ``metrics.py`` and is left out of its list fails here, where a
lookup by name would have found it (or silently skipped it).
"""

import importlib.util

from django.apps import apps

from cc4c import context_processors
from cc4c.management.commands import load_demo
from evaluation import compose
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


def test_every_apps_measures_feed_the_evaluation():
    sources = {function.__module__.removesuffix(".metrics") for function, _ in compose.SOURCES}
    assert sources == set(apps_with("metrics")) - {"evaluation"}
