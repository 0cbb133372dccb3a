"""Vietnamese voice announcements without any outside service.

The counter page plays a WAV made on this server by espeak-ng (Debian package
`espeak-ng`, voice "vi"), run as a subprocess with a fixed argument list (no shell) and
cached on disk by the hash of the text, so each "Xin mời số ... đến quầy số ..." is made
once. Where espeak-ng is not installed, `announcement_wav` returns None, the view answers
404 and the page's script speaks the same text with the browser's speechSynthesis API
(which needs a Vietnamese voice in the browser/OS: the server clip is the dependable path).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

ESPEAK_TIMEOUT_S = 10
VOICE = "vi"
SPEED_WPM = 140  # slower than the default 175: a hall is noisy and the elderly listen too


def _cache_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "floor" / "voice"
    path.mkdir(parents=True, exist_ok=True)
    return path


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


def announcement_wav(text: str) -> Path | None:
    """The WAV file speaking `text` (made once, then served from the cache)."""
    exe = espeak_path()
    if exe is None:
        return None
    digest = hashlib.sha256(f"{VOICE}:{SPEED_WPM}:{text}".encode()).hexdigest()[:32]
    target = _cache_dir() / f"{digest}.wav"
    if target.exists() and target.stat().st_size > 0:
        return target
    partial = target.with_suffix(".part")
    try:
        subprocess.run(  # noqa: S603 - fixed program path and argument list, no shell
            [exe, "-v", VOICE, "-s", str(SPEED_WPM), "-w", str(partial), "--", text],
            check=True,
            timeout=ESPEAK_TIMEOUT_S,
            capture_output=True,
        )
    except (OSError, subprocess.SubprocessError):
        partial.unlink(missing_ok=True)
        return None
    partial.replace(target)  # atomic: a concurrent request never serves half a file
    return target
