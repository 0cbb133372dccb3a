from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.floor import selectors, services, voice

PASSWORD = "mat-khau-an-toan-2026"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_announcement_text_reads_digits_and_counter(floor):
    services.ticket_take(unit=floor.world.one_stop, sector=floor.land)
    t = services.counter_call_next(actor=floor.world.officer, counter=floor.counter_2)
    assert selectors.announcement_text(ticket=t) == "Xin mời số 0 0 0 1, đến quầy số 2."


@pytest.mark.skipif(voice.espeak_path() is None, reason="espeak-ng not installed")
def test_espeak_clip_is_a_cached_wav(client, floor, media):
    services.ticket_take(unit=floor.world.one_stop, sector=floor.civil)
    t = services.counter_call_next(actor=floor.world.officer, counter=floor.counter_1)
    client.login(username=floor.world.officer.username, password=PASSWORD)
    response = client.get(reverse("floor:announce", args=[t.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE" and len(body) > 10_000
    files = list((media / "floor" / "voice").glob("*.wav"))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    client.get(reverse("floor:announce", args=[t.pk]))  # served from the cache
    assert files[0].stat().st_mtime_ns == mtime


def test_without_espeak_the_clip_is_404_and_the_page_falls_back(client, floor, media, monkeypatch):
    monkeypatch.setattr(voice, "espeak_path", lambda: None)
    services.ticket_take(unit=floor.world.one_stop, sector=floor.civil)
    t = services.counter_call_next(actor=floor.world.officer, counter=floor.counter_1)
    client.login(username=floor.world.officer.username, password=PASSWORD)
    assert client.get(reverse("floor:announce", args=[t.pk])).status_code == 404
    page = client.get(reverse("floor:counter", args=[floor.counter_1.pk])).content.decode()
    # The text the static script speaks with speechSynthesis instead.
    assert 'data-announce-text="Xin mời số 0 0 0 1, đến quầy số 1."' in page
