"""The GOV.UK error summary: "There is a problem", then each message once, linked to its field.

``{% error_summary form %}`` draws it once per form however many templates ask (a page's own
include and crispy's error block), so a message never shows twice at the top; a page with
several forms passes an object whose ``summary_parts`` are those forms and gets one summary
for them all.
"""

from django import template
from django.template.loader import render_to_string

register = template.Library()

_SHOWN = "_error_summary_shown"


def summary_items(form):
    """[(message, link target or None)], each message once: the form's own, then each field's."""
    items, seen = [], set()

    def add(message, target):
        message = str(message)
        if message not in seen:
            seen.add(message)
            items.append((message, target))

    for error in form.non_field_errors():
        add(error, None)
    for field in form:
        for error in field.errors:
            target = field.id_for_label or f"{field.auto_id}_0"
            add(error, target)
    return items


@register.simple_tag(takes_context=True)
def error_summary(context, form=None):
    form = form if form is not None else context.get("form")
    if form is None or not getattr(form, "errors", None) or getattr(form, _SHOWN, False):
        return ""
    setattr(form, _SHOWN, True)
    # A page of several forms passes one object standing for them all (``summary_parts``): its
    # summary is theirs, so crispy's error block of each draws no second one.
    for part in getattr(form, "summary_parts", ()):
        setattr(part, _SHOWN, True)
    return render_to_string(
        "includes/error_summary_box.html", {"items": summary_items(form), "form": form}
    )
