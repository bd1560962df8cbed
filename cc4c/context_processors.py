"""The site's main menu, made of each part of the service's ``nav.py`` (the project floor: it
may import every app; no app imports it)."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from advice import nav as advice_nav
from champions import nav as champions_nav
from clinics import nav as clinics_nav
from evaluation import nav as evaluation_nav
from families import nav as families_nav
from feedback import nav as feedback_nav
from hubs.access import can, membership_hub_codes
from learning import nav as learning_nav
from letters import nav as letters_nav
from mdt import nav as mdt_nav
from population import nav as population_nav

# Each part's nav.py declares NAV = [(label, url_name, action), ...] and SECTION, the name of its
# menu entry (by default the label of the first page the person may open). In menu order:
PARTS = [
    population_nav,
    mdt_nav,
    clinics_nav,
    advice_nav,
    champions_nav,
    learning_nav,
    feedback_nav,
    families_nav,
    letters_nav,
    evaluation_nav,
]


@functools.cache
def _address(urlconf, prefix, url_name):
    return reverse(url_name, urlconf=urlconf)


def _nav_url(url_name):
    """A menu entry's address, worked out once for each URL layout and prefix: every page
    names every entry the person may open, and reversing them cost more than the rest of
    the page's template."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _address(urlconf, get_script_prefix(), url_name)


def _nav_sections():
    return [(getattr(part, "SECTION", None), part.NAV) for part in PARTS if part.NAV]


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
                url = _nav_url(url_name)
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
