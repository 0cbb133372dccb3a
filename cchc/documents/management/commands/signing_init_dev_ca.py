"""Create the local test CA and signer used to sign results in development and tests."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cchc.documents import signing


class Command(BaseCommand):
    help = (
        "Create a local test CA and a signer certificate (PKCS#12) under var/pki/ "
        "(CCHC_SIGNING['DEV_CA_DIR']). Documents signed with them have no legal value."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Directory to write (default: DEV_CA_DIR).")
        parser.add_argument("--force", action="store_true", help="Replace an existing CA.")
        parser.add_argument(
            "--signer-name", default=signing.DEV_SIGNER_NAME, help="Signer common name."
        )

    def handle(self, *args, **options):
        pki = signing.dev_ca_ensure(
            options["dir"], force=options["force"], signer_name=options["signer_name"]
        )
        self.stdout.write(f"CA certificate: {pki.ca_cert}")
        self.stdout.write(f"Signer (PKCS#12): {pki.signer_p12}")
