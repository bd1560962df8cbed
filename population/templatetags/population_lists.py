"""Sortable column headers and paging links that keep the list's other query parameters."""

from django import template
from django.utils.html import format_html

from cc4c.templatetags.paging import query_with

register = template.Library()


register.simple_tag(takes_context=True)(query_with)


@register.simple_tag(takes_context=True)
def sort_header(context, key, label):
    """A <th> whose link sorts by ``key``, then reverses; says how the column is sorted."""
    current = context.get("sort") or ""
    if current == key:
        aria, next_sort, arrow = "ascending", f"-{key}", " ▲"
    elif current == f"-{key}":
        aria, next_sort, arrow = "descending", key, " ▼"
    else:
        aria, next_sort, arrow = None, key, ""
    href = query_with(context, sort=next_sort, page=None)
    if aria:
        return format_html(
            '<th scope="col" aria-sort="{}"><a href="{}">{}</a>{}</th>', aria, href, label, arrow
        )
    return format_html('<th scope="col"><a href="{}">{}</a></th>', href, label)
