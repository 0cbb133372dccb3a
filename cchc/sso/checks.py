from django.core.checks import Tags, Warning, register

from cchc.sso.conf import ImproperlyConfiguredProvider, local_idp_settings, providers


@register(Tags.security, deploy=True)
def local_idp_in_deployment(app_configs, **kwargs):
    if local_idp_settings().get("ENABLED"):
        return [
            Warning(
                "The local test identity provider (/idp/) is enabled: anyone can sign in as "
                "anyone through it.",
                hint="Run production with config.settings.prod and CCHC_SSO_LOCAL_IDP unset.",
                id="sso.W001",
            )
        ]
    return []


@register()
def providers_valid(app_configs, **kwargs):
    from django.core.checks import Error

    try:
        providers()
    except ImproperlyConfiguredProvider as exc:
        return [Error(str(exc), id="sso.E001")]
    return []
