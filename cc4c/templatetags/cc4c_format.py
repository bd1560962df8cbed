"""Filters every template has (settings TEMPLATES builtins): the one date style, NHS numbers that
never wrap, and page titles that read "Page – CC4C child health hubs"."""

from django import template

from cc4c import formatting

register = template.Library()

SITE_NAME = "CC4C child health hubs"

register.filter("day", formatting.day)
register.filter("weekday", formatting.weekday)
register.filter("month", formatting.month)
register.filter("clock", formatting.clock)
register.filter("when", formatting.when)
register.filter("weekday_when", formatting.weekday_when)
register.filter("nhs_number", formatting.nhs_number_html, is_safe=True)


@register.filter(is_safe=True)
def page_title(text):
    """ "Segment 3 – CC4C child health hubs"; the site name alone for a page with no title."""
    text = " ".join(str(text).split())
    return f"{text} – {SITE_NAME}" if text else SITE_NAME
