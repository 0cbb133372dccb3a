"""Privacy tests reuse the dossier world (units, staff in roles, a procedure) and clock."""

from cchc.dossiers.tests.conftest import clock, world  # noqa: F401
