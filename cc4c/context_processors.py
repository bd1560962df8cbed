from importlib import import_module

from django.apps import apps
from django.urls import reverse

from hubs.access import can, membership_hub_codes


def _nav_items():
    """Each app may declare NAV = [(label, url_name, action), ...] in its nav.py."""
    items = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError:
            continue
        items.extend(module.NAV)
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = []
    for label, url_name, action in _nav_items():
        if can(user, action):
            url = reverse(url_name)
            nav.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return {"nav_items": nav, "my_hub_codes": membership_hub_codes(user)}
