"""Panels that later apps add to a child's page, without population importing them.

How an app adds a panel: give it a ``panels.py`` module with

    def child_panel(request, child):
        '''Return None to show nothing, or a dict:
        {"title": "MDT case discussions", "template": "mdt/child_panel.html", "context": {...}}'''

The child's page calls every installed app's ``child_panel`` in INSTALLED_APPS order and renders
each panel's template with its context plus ``child`` and ``request``. A panel must scope its
own reads (``visible_to(request.user)``) and must not write audit entries: the page writes the
one entry for the look. Keep a panel to a few queries; it runs on every view of the page.
"""

from functools import cache
from importlib import import_module

from django.apps import apps
from django.template.loader import render_to_string


@cache
def panel_providers():
    """The ``child_panel`` functions of installed apps, in app order."""
    providers = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.panels")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.panels":
                raise
            continue
        providers.append(module.child_panel)
    return providers


def child_panels(request, child):
    """[{"title", "html"}] of every panel that has something to show for this child."""
    panels = []
    for provider in panel_providers():
        panel = provider(request, child)
        if not panel:
            continue
        context = {**panel.get("context", {}), "child": child}
        panels.append(
            {
                "title": panel["title"],
                "html": render_to_string(panel["template"], context, request=request),
            }
        )
    return panels
