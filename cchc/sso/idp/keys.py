"""The local identity provider's RSA signing key: generated on first use into KEY_DIR
(var/sso by default; a temporary directory in tests), private JWK, file mode 0600."""

from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path

from joserfc.jwk import RSAKey

KEY_FILE = "local-idp-rsa.json"
_lock = threading.Lock()
_cache: dict[Path, RSAKey] = {}


def signing_key(key_dir: Path) -> RSAKey:
    path = Path(key_dir) / KEY_FILE
    with _lock:
        if path in _cache:
            return _cache[path]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            key = RSAKey.generate_key(
                2048,
                parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"},
                private=True,
            )
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(key.as_dict(private=True), fh)
            try:
                # Another process may have written its key first: theirs wins, ours is dropped.
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        key = RSAKey.import_key(json.loads(path.read_text()))
        _cache[path] = key
        return key


def public_jwks(key_dir: Path) -> dict:
    return {"keys": [signing_key(key_dir).as_dict(private=False)]}
