from django import template

from hubs.cis2 import config

register = template.Library()


@register.simple_tag
def cis2_enabled():
    """Is sign-in with NHS CIS2 offered here (an issuer and a client id configured)?"""
    return config.is_configured()
