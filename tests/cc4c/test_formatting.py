"""One date style across pages, the admin, charts and exports; NHS numbers that never wrap; page
titles that read "Page – CC4C child health hubs"."""

import datetime
import zoneinfo

from django.conf import settings
from django.template import Context, Template
from django.utils import formats

from cc4c import formatting

LONDON = zoneinfo.ZoneInfo("Europe/London")
SUMMER_AFTERNOON = datetime.datetime(2026, 7, 8, 13, 5, tzinfo=datetime.UTC)  # 14:05 in London


def render(template, **context):
    return Template(template).render(Context(context))


def test_dates_read_as_day_short_month_year_and_times_as_24_hours():
    day = datetime.date(2026, 12, 8)
    assert formatting.day(day) == "8 Dec 2026"
    assert formatting.month(day) == "Dec 2026"
    assert formatting.weekday(day) == "Tue 8 Dec 2026"
    assert formatting.when(SUMMER_AFTERNOON) == "8 Jul 2026 14:05"
    assert formatting.weekday_when(SUMMER_AFTERNOON) == "Wed 8 Jul 2026 14:05"
    assert formatting.clock(datetime.time(9, 0)) == "09:00"
    assert formatting.clock(SUMMER_AFTERNOON) == "14:05"
    assert formatting.day(None) == ""


def test_templates_have_the_same_filters_without_loading_them():
    html = render(
        "{{ d|day }}|{{ d|month }}|{{ d|weekday }}|{{ t|when }}|{{ t|clock }}|{{ d }}",
        d=datetime.date(2026, 12, 8),
        t=SUMMER_AFTERNOON,
    )
    assert html == "8 Dec 2026|Dec 2026|Tue 8 Dec 2026|8 Jul 2026 14:05|14:05|8 Dec 2026"


def test_djangos_own_formats_are_the_house_style_so_the_admin_follows_it():
    assert formats.date_format(datetime.date(2026, 12, 8)) == "8 Dec 2026"
    assert formats.localize(SUMMER_AFTERNOON.astimezone(LONDON)) == "8 Jul 2026 14:05"
    assert formats.time_format(datetime.time(14, 5)) == "14:05"
    assert formats.date_format(datetime.date(2026, 12, 8), "YEAR_MONTH_FORMAT") == "Dec 2026"


def test_an_nhs_number_is_three_groups_in_a_span_that_does_not_wrap():
    html = render("{{ n|nhs_number }}", n="9990001234")
    assert html == '<span class="nhs-number">999 000 1234</span>'
    css = (settings.BASE_DIR / "static" / "css" / "cc4c.css").read_text(encoding="utf-8")
    assert ".nhs-number { white-space: nowrap; }" in css


def test_page_titles_put_the_page_before_the_service_name():
    base = "{% filter page_title %}{% block title %}{{ name }}{% endblock %}{% endfilter %}"
    assert render(base, name="Segment 3") == "Segment 3 – CC4C child health hubs"
    assert render(base, name="") == "CC4C child health hubs"
    assert render(base, name="Tom & Jerry") == "Tom &amp; Jerry – CC4C child health hubs"


def test_the_admin_lists_dates_in_the_house_style(hub, coordinator, client_for):
    from django.urls import reverse

    from hubs.models import Membership

    Membership.objects.filter(person=coordinator).update(start_date=datetime.date(2026, 3, 9))
    body = client_for(coordinator).get(reverse("admin:hubs_membership_changelist")).content
    assert "9 Mar 2026" in body.decode()
    assert "March 9, 2026" not in body.decode()


def _project_templates():
    """(name, template) of every template of the project's own apps and templates/ folder."""
    from pathlib import Path

    from django.template import engines

    engine = engines["django"].engine
    root = Path(settings.BASE_DIR)
    for loader in engine.template_loaders:
        for folder in loader.get_dirs():
            folder = Path(folder)
            if root not in folder.parents or ".venv" in folder.parts:
                continue
            for path in sorted(folder.rglob("*.html")):
                name = path.relative_to(folder).as_posix()
                yield name, engine.get_template(name)


def test_every_page_names_itself_in_its_title():
    """Every page template under the site's layout gives its title block a text, so the browser
    tab reads "Page – CC4C child health hubs" (the browser journeys check each page's title as
    rendered, tests/e2e/conftest.py::axe_check)."""
    from django.template.loader_tags import BlockNode, ExtendsNode

    untitled, pages = [], 0
    for name, template in _project_templates():
        extends = template.nodelist.get_nodes_by_type(ExtendsNode)
        if not extends or extends[0].parent_name.token.strip("\"'") not in (
            "base.html",
            "account/base_entrance.html",
            "account/base_manage.html",
        ):
            continue
        pages += 1
        blocks = {b.name: b for b in template.nodelist.get_nodes_by_type(BlockNode)}
        title = blocks.get("title") or blocks.get("head_title")
        if name.startswith("allauth/layouts/"):
            continue
        if title is None or not "".join(getattr(node, "s", "x") for node in title.nodelist).strip():
            untitled.append(name)
    assert pages > 50
    assert not untitled, f"These pages have no title of their own: {untitled}"


def test_date_and_time_fields_are_filled_as_the_browsers_inputs_take_them():
    """A form shown again or opened to change a record keeps its dates: the browser's date and
    datetime-local inputs take only ISO values."""
    from django import forms

    class Form(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    form = Form(initial={"day": datetime.date(2026, 11, 3), "at": SUMMER_AFTERNOON})
    html = str(form["day"]) + str(form["at"])
    assert 'value="2026-11-03"' in html
    assert 'value="2026-07-08T14:05"' in html
    # What the browser sends back, and dates typed the British way, are read.
    for day in ("2026-11-03", "03/11/2026", "3/11/26"):
        bound = Form({"day": day, "at": "2026-07-08T14:05"})
        assert bound.is_valid(), bound.errors
        assert bound.cleaned_data["day"] == datetime.date(2026, 11, 3)
