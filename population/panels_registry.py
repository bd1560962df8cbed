"""What later apps add to population's pages, without population importing them: the hook by
which this lower floor calls upward.

How an app adds a panel to a child's page: give it a ``panels.py`` module with

    def child_panel(request, child):
        '''Return None to show nothing, or a dict:
        {"title": "MDT case discussions", "template": "mdt/child_panel.html", "context": {...},
         "next_steps": [{"label": "Put forward to an MDT meeting", "url": "..."}]}'''

and, for what lists of children show of it,

    def child_list_columns():
        '''Expressions over a child's row (OuterRef("pk") is the child), either left out:
        {"open_actions": <count of actions open>, "last_contact": <date of the last contact>}'''

and register them from the app's ``AppConfig.ready()`` with a plain import:

    def ready(self):
        from mdt import panels
        from population import panels_registry

        panels_registry.register(panels.child_panel)
        panels_registry.register_list_columns(panels.child_list_columns)

Django calls ``ready()`` in INSTALLED_APPS order, so the panels come in that order, and a
``panels.py`` that fails to import stops the site from starting instead of being skipped. The
child's page calls each panel and renders its template with its context plus ``child`` and
``request``, and offers every panel's next steps together near the top. A panel must scope its
own reads (``visible_to(request.user)``) and must not write audit entries: the page writes the
one entry for the look. Keep a panel to a few queries; it runs on every view of the page. The
list columns are subqueries of the list's one query, so a list takes the same number of
queries however many children it shows.
"""

from collections.abc import Callable

from django.template.loader import render_to_string

_providers: list[Callable] = []
_column_providers: list[Callable] = []


def register(provider):
    """Add ``provider(request, child)`` to every child's page, after those registered before."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def register_list_columns(provider):
    """Add what ``provider()`` gives to every list of children (population.queries)."""
    if provider not in _column_providers:
        _column_providers.append(provider)
    return provider


def panel_providers():
    """The registered ``child_panel`` functions, in the order their apps were made ready."""
    return list(_providers)


def list_column_providers():
    """The registered ``child_list_columns`` functions, in the order their apps were made ready."""
    return list(_column_providers)


def child_panels(request, child):
    """[{"title", "html", "next_steps"}] of every panel that has something to show."""
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
                "next_steps": list(panel.get("next_steps", [])),
            }
        )
    return panels


def list_columns():
    """{"open_actions": [expression, ...], "last_contact": [expression, ...]} from every app."""
    columns = {"open_actions": [], "last_contact": []}
    for provider in list_column_providers():
        for key, expression in provider().items():
            columns[key].append(expression)
    return columns
