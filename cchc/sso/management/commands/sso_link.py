"""`cchc sso_link PROVIDER SUBJECT USERNAME`: link an identity at an OpenID Connect
provider to an existing account in advance (the only way a staff member can use SSO).
`cchc sso_link --demo` links the local identity provider's demo staff identities to the
demo staff accounts (dev/demo only)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.accounts.models import User
from cchc.sso.conf import local_idp_settings, providers
from cchc.sso.idp.identities import DEMO_IDENTITIES
from cchc.sso.models import ExternalIdentity
from cchc.sso.services import external_identity_link


class Command(BaseCommand):
    help = "Link an identity at an OpenID Connect provider to an existing account."

    def add_arguments(self, parser) -> None:
        parser.add_argument("provider", nargs="?")
        parser.add_argument("subject", nargs="?")
        parser.add_argument("username", nargs="?")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="link the local identity provider's demo staff identities (dev/demo only)",
        )

    def handle(self, *args, **options) -> None:
        if options["demo"]:
            self._demo()
            return
        if not (options["provider"] and options["subject"] and options["username"]):
            raise CommandError("usage: sso_link PROVIDER SUBJECT USERNAME, or sso_link --demo")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no account {options['username']!r}")
        try:
            link = external_identity_link(
                provider=options["provider"], subject=options["subject"], user=user
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"linked {link}")

    def _demo(self) -> None:
        if not local_idp_settings().get("ENABLED"):
            raise CommandError("the local identity provider is not enabled (CCHC_SSO LOCAL_IDP)")
        staff_providers = [p for p in providers() if p.serves_staff]
        if not staff_providers:
            raise CommandError("no provider serving staff is configured")
        provider = staff_providers[0]
        for identity in DEMO_IDENTITIES:
            if identity.kind != "staff" or not identity.demo_username:
                continue
            user = User.objects.filter(username=identity.demo_username).first()
            if (
                user is None
                or ExternalIdentity.objects.filter(
                    provider=provider.key, subject=identity.subject
                ).exists()
            ):
                continue
            external_identity_link(provider=provider.key, subject=identity.subject, user=user)
            self.stdout.write(f"linked {provider.key}:{identity.subject} → {user.username}")
