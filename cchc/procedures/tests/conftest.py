import pytest

from cchc.procedures.services import catalog_import

SAMPLE_DIR = "cchc/procedures/data/catalog"


@pytest.fixture
def sample_catalog(db, settings):
    from pathlib import Path

    return catalog_import(source=Path(settings.BASE_DIR) / SAMPLE_DIR, fmt="csv")
