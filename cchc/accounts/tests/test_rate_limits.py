"""Anti-spam limits on public writes (petitions, online submission) over the shared cache."""

import pytest
from django.core.cache import cache

from cchc.accounts.throttle import rate_limited
from cchc.portal.models import Petition


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_fixed_window_counter_per_key():
    keys = {"ip": "10.0.0.1"}
    assert [rate_limited(scope="t", keys=keys, limit=2, window=60) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    # Another key and another scope count separately.
    assert not rate_limited(scope="t", keys={"ip": "10.0.0.2"}, limit=2, window=60)
    assert not rate_limited(scope="other", keys=keys, limit=2, window=60)


def test_petitions_from_one_address_are_limited(client, tree, settings):
    settings.PORTAL_SUBMIT_IP_LIMIT = 3
    data = {
        "unit": tree["one_stop_a"].pk,
        "kind": "feedback",
        "content": "Cán bộ hẹn trả kết quả nhưng không trả đúng hẹn.",
        "submitter_name": "Nguyễn Văn Dân",
        "submitter_contact": "0912345678",
    }
    for _ in range(3):
        assert client.post("/dvc/phan-anh/", data, REMOTE_ADDR="10.9.9.9").status_code == 200
    refused = client.post("/dvc/phan-anh/", data, REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 429
    assert "Bạn đã gửi quá 3 lần trong 60 phút" in refused.content.decode()
    assert Petition.objects.count() == 3
    # Another address is not affected.
    assert client.post("/dvc/phan-anh/", data, REMOTE_ADDR="10.9.9.8").status_code == 200
