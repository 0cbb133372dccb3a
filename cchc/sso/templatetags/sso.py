from django import template

from cchc.sso.conf import ProviderConfig, providers

register = template.Library()


@register.simple_tag
def sso_providers() -> list[ProviderConfig]:
    """The configured OpenID Connect providers, in settings order (one button each)."""
    return providers()
