"""The main menu (cc4c.context_processors.navigation): its addresses are worked out once for
each URL layout and prefix, and still follow the prefix the site is served under."""

import pytest
from django.test import RequestFactory
from django.urls import get_script_prefix, reverse, set_script_prefix

from cc4c.context_processors import navigation

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu_links(paediatrician):
    def links(prefix):
        request = RequestFactory().get("/")
        request.user = paediatrician
        before = get_script_prefix()
        set_script_prefix(prefix)
        try:
            return [item["url"] for item in navigation(request)["nav_items"]]
        finally:
            set_script_prefix(before)

    return links


def test_the_menu_follows_the_prefix_the_site_is_served_under(menu_links):
    plain = menu_links("/")
    assert reverse("advice:queue") in plain
    assert menu_links("/hubs/") == ["/hubs" + url for url in plain]
    assert menu_links("/") == plain
