from importlib import import_module

from django.apps import apps
from django.urls import reverse

from hubs.access import can, membership_hub_codes


def _nav_sections():
    """Each app may declare NAV = [(label, url_name, action), ...] in its nav.py, and SECTION, the
    name of its menu entry (by default the label of the first page the person may open)."""
    sections = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError:
            continue
        if module.NAV:
            sections.append((getattr(module, "SECTION", None), module.NAV))
    return sections


def navigation(request):
    """The main menu names one entry per part of the service; the part the page belongs to lists
    its own pages underneath, so the menu stays one line however many roles a person has."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    nav_items, sections = [], []
    for name, entries in _nav_sections():
        items = []
        for label, url_name, action in entries:
            # An entry's condition is an action of hubs.access, or a function of the person.
            if action(user) if callable(action) else can(user, action):
                url = reverse(url_name)
                current = request.path == url or (url != "/" and request.path.startswith(url))
                items.append({"label": label, "url": url, "current": current})
        if not items:
            continue
        nav_items.extend(items)
        section_namespace = entries[0][1].split(":")[0]
        sections.append(
            {
                "label": name or items[0]["label"],
                "url": items[0]["url"],
                "current": bool(namespace) and namespace == section_namespace,
                "items": items,
            }
        )
    current = next((section for section in sections if section["current"]), None)
    return {
        "nav_items": nav_items,
        "nav_sections": sections,
        "nav_current_section": current if current and len(current["items"]) > 1 else None,
        "my_hub_codes": membership_hub_codes(user),
    }
