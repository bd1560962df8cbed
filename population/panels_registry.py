"""Panels that later apps add to a child's page, without population importing them: the hook by
which this lower floor calls upward.

How an app adds a panel: give it a ``panels.py`` module with

    def child_panel(request, child):
        '''Return None to show nothing, or a dict:
        {"title": "MDT case discussions", "template": "mdt/child_panel.html", "context": {...}}'''

and register it from the app's ``AppConfig.ready()`` with a plain import:

    def ready(self):
        from mdt import panels
        from population import panels_registry

        panels_registry.register(panels.child_panel)

Django calls ``ready()`` in INSTALLED_APPS order, so the panels come in that order, and a
``panels.py`` that fails to import stops the site from starting instead of being skipped. The
child's page calls each panel and renders its template with its context plus ``child`` and
``request``. A panel must scope its own reads (``visible_to(request.user)``) and must not write
audit entries: the page writes the one entry for the look. Keep a panel to a few queries; it
runs on every view of the page.
"""

from collections.abc import Callable

from django.template.loader import render_to_string

_providers: list[Callable] = []


def register(provider):
    """Add ``provider(request, child)`` to every child's page, after those registered before."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panel_providers():
    """The registered ``child_panel`` functions, in the order their apps were made ready."""
    return list(_providers)


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
