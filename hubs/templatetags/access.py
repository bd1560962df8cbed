"""Templates ask the same question as views: ``hubs.access.can``.

{% load access %}
{% if request.user|can:"advice.answer" %}...{% endif %}          in any of their hubs
{% can_in_hub request.user "advice.answer" hub as may_answer %}   in this hub
"""

from django import template

from hubs import access

register = template.Library()


@register.filter(name="can")
def can_filter(user, action):
    """May ``user`` do ``action`` in any of their hubs?"""
    return access.can(user, action)


@register.simple_tag(name="can_in_hub")
def can_in_hub(user, action, hub):
    """May ``user`` do ``action`` in ``hub`` (a Hub or its id)?"""
    if hub is None or hub == "":
        return False
    return access.can(user, action, hub)
