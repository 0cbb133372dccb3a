"""The dossier tests' controllable clock, reused for building histories."""

from cchc.dossiers.tests.conftest import clock  # noqa: F401
