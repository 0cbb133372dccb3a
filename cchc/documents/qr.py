"""QR codes for the printed forms (Mẫu 01 lookup link) and for signed results (verification link).

`qr_svg(text)` is the one entry point. It uses `segno` when it is installed (requested
for requirements/base.txt); otherwise a small built-in encoder (byte mode, error
correction level M, versions 1-10, i.e. up to 213 bytes, enough for our URLs). Both
produce a standard QR code; nothing here touches the network.

The built-in encoder follows ISO/IEC 18004 directly: data codewords, Reed-Solomon
error correction over GF(256) (polynomial 0x11D), block interleaving, function
patterns, zig-zag placement, the eight masks with the standard penalty rules, and the
BCH-coded format and version information.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

# Error correction level M, versions 1..10: (EC codewords per block, number of blocks).
_EC_M = {
    1: (10, 1),
    2: (16, 1),
    3: (26, 1),
    4: (18, 2),
    5: (24, 2),
    6: (16, 4),
    7: (18, 4),
    8: (22, 4),
    9: (22, 5),
    10: (26, 5),
}
_ALIGN = {
    1: [],
    2: [6, 18],
    3: [6, 22],
    4: [6, 26],
    5: [6, 30],
    6: [6, 34],
    7: [6, 22, 38],
    8: [6, 24, 42],
    9: [6, 26, 46],
    10: [6, 28, 50],
}
_FORMAT_M = 0b00  # error correction level M in the format information


def _raw_modules(ver: int) -> int:
    result = (16 * ver + 128) * ver + 64
    if ver >= 2:
        n = ver // 7 + 2
        result -= (25 * n - 10) * n - 55
        if ver >= 7:
            result -= 36
    return result


def _data_capacity(ver: int) -> int:
    ec, blocks = _EC_M[ver]
    return _raw_modules(ver) // 8 - ec * blocks


# --- GF(256) Reed-Solomon --------------------------------------------------------------


def _gf_mul(x: int, y: int) -> int:
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


def _rs_divisor(degree: int) -> list[int]:
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _gf_mul(result[j], root)
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _gf_mul(root, 0x02)
    return result


def _rs_remainder(data: list[int], divisor: list[int]) -> list[int]:
    result = [0] * len(divisor)
    for b in data:
        factor = b ^ result.pop(0)
        result.append(0)
        for i, coef in enumerate(divisor):
            result[i] ^= _gf_mul(coef, factor)
    return result


# --- Encoding ------------------------------------------------------------------------


def _codewords(data: bytes) -> tuple[int, list[int]]:
    for ver in range(1, 11):
        count_bits = 8 if ver <= 9 else 16
        if 4 + count_bits + 8 * len(data) <= _data_capacity(ver) * 8:
            break
    else:
        raise ValueError("text too long for the built-in QR encoder (max ~200 bytes)")
    bits: list[int] = []

    def put(value: int, n: int) -> None:
        bits.extend((value >> i) & 1 for i in reversed(range(n)))

    put(0b0100, 4)  # byte mode
    put(len(data), count_bits)
    for b in data:
        put(b, 8)
    capacity = _data_capacity(ver) * 8
    put(0, min(4, capacity - len(bits)))
    put(0, (-len(bits)) % 8)
    pad = 0xEC
    while len(bits) < capacity:
        put(pad, 8)
        pad ^= 0xEC ^ 0x11
    dcw = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]

    ec_len, nblocks = _EC_M[ver]
    raw = _raw_modules(ver) // 8
    n_short = nblocks - raw % nblocks
    short_len = raw // nblocks
    divisor = _rs_divisor(ec_len)
    blocks: list[tuple[list[int], list[int]]] = []
    k = 0
    for i in range(nblocks):
        dlen = short_len - ec_len + (0 if i < n_short else 1)
        block = dcw[k : k + dlen]
        k += dlen
        blocks.append((block, _rs_remainder(block, divisor)))
    out: list[int] = []
    for i in range(max(len(b[0]) for b in blocks)):
        out.extend(b[0][i] for b in blocks if i < len(b[0]))
    for i in range(ec_len):
        out.extend(b[1][i] for b in blocks)
    return ver, out


def _mask_bit(mask: int, x: int, y: int) -> bool:
    return [
        (x + y) % 2 == 0,
        y % 2 == 0,
        x % 3 == 0,
        (x + y) % 3 == 0,
        (x // 3 + y // 2) % 2 == 0,
        x * y % 2 + x * y % 3 == 0,
        (x * y % 2 + x * y % 3) % 2 == 0,
        ((x + y) % 2 + x * y % 3) % 2 == 0,
    ][mask]


class _Grid:
    def __init__(self, ver: int) -> None:
        self.ver = ver
        self.size = ver * 4 + 17
        self.m = [[False] * self.size for _ in range(self.size)]
        self.fn = [[False] * self.size for _ in range(self.size)]
        self._function_patterns()

    def set(self, x: int, y: int, dark: bool) -> None:
        self.m[y][x] = dark
        self.fn[y][x] = True

    def _function_patterns(self) -> None:
        size = self.size
        for i in range(size):
            self.set(6, i, i % 2 == 0)
            self.set(i, 6, i % 2 == 0)
        for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
            for dy in range(-4, 5):
                for dx in range(-4, 5):
                    x, y = cx + dx, cy + dy
                    if 0 <= x < size and 0 <= y < size:
                        dist = max(abs(dx), abs(dy))
                        self.set(x, y, dist not in (2, 4))
        pos = _ALIGN[self.ver]
        last = len(pos) - 1
        for i, ax in enumerate(pos):
            for j, ay in enumerate(pos):
                if (i, j) in ((0, 0), (0, last), (last, 0)):
                    continue
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        self.set(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
        self._format(0)  # reserve; rewritten after masking
        if self.ver >= 7:
            rem = self.ver
            for _ in range(12):
                rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
            bits = self.ver << 12 | rem
            for i in range(18):
                dark = bool((bits >> i) & 1)
                a, b = size - 11 + i % 3, i // 3
                self.set(a, b, dark)
                self.set(b, a, dark)

    def _format(self, mask: int) -> None:
        data = _FORMAT_M << 3 | mask
        rem = data
        for _ in range(10):
            rem = (rem << 1) ^ ((rem >> 9) * 0x537)
        bits = (data << 10 | rem) ^ 0x5412
        size = self.size

        def bit(i: int) -> bool:
            return bool((bits >> i) & 1)

        for i in range(6):
            self.set(8, i, bit(i))
        self.set(8, 7, bit(6))
        self.set(8, 8, bit(7))
        self.set(7, 8, bit(8))
        for i in range(9, 15):
            self.set(14 - i, 8, bit(i))
        for i in range(8):
            self.set(size - 1 - i, 8, bit(i))
        for i in range(8, 15):
            self.set(8, size - 15 + i, bit(i))
        self.set(8, size - 8, True)  # the dark module

    def place(self, codewords: list[int]) -> None:
        size = self.size
        i = 0
        total = len(codewords) * 8
        right = size - 1
        while right >= 1:
            if right == 6:
                right = 5
            for vert in range(size):
                for j in range(2):
                    x = right - j
                    upward = ((right + 1) & 2) == 0
                    y = size - 1 - vert if upward else vert
                    if not self.fn[y][x] and i < total:
                        self.m[y][x] = bool((codewords[i >> 3] >> (7 - (i & 7))) & 1)
                        i += 1
            right -= 2

    def apply_mask(self, mask: int) -> None:
        for y in range(self.size):
            for x in range(self.size):
                if not self.fn[y][x] and _mask_bit(mask, x, y):
                    self.m[y][x] = not self.m[y][x]

    def penalty(self) -> int:
        size, m = self.size, self.m
        score = 0
        lines = [row for row in m] + [[m[y][x] for y in range(size)] for x in range(size)]
        pattern1 = [True, False, True, True, True, False, True, False, False, False, False]
        pattern2 = pattern1[::-1]
        for line in lines:
            run = 1
            for k in range(1, size + 1):
                if k < size and line[k] == line[k - 1]:
                    run += 1
                else:
                    if run >= 5:
                        score += 3 + (run - 5)
                    run = 1
            for k in range(size - 10):
                window = line[k : k + 11]
                if window in (pattern1, pattern2):
                    score += 40
        for y in range(size - 1):
            for x in range(size - 1):
                c = m[y][x]
                if c == m[y][x + 1] == m[y + 1][x] == m[y + 1][x + 1]:
                    score += 3
        dark = sum(sum(row) for row in m)
        total = size * size
        k = (abs(dark * 20 - total * 10) + total - 1) // total - 1
        score += max(k, 0) * 10
        return score


def qr_matrix(text: str) -> list[list[bool]]:
    """The module matrix (True = dark) of `text`, UTF-8, level M, with the best mask."""
    ver, codewords = _codewords(text.encode("utf-8"))
    best: tuple[int, list[list[bool]]] | None = None
    for mask in range(8):
        grid = _Grid(ver)
        grid.place(codewords)
        grid.apply_mask(mask)
        grid._format(mask)
        p = grid.penalty()
        if best is None or p < best[0]:
            best = (p, grid.m)
    assert best is not None
    return best[1]


def _builtin_svg(text: str, border: int = 4) -> str:
    matrix = qr_matrix(text)
    size = len(matrix) + 2 * border
    parts = []
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                parts.append(f"M{x + border} {y + border}h1v1h-1z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img" aria-label="{escape(text, {chr(34): "&quot;"})}">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )


def qr_svg(text: str) -> str:
    """An inline SVG QR code for `text` (no XML declaration; safe to embed in HTML)."""
    try:
        import segno  # type: ignore[import-not-found]
    except ImportError:
        return _builtin_svg(text)
    import io

    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buf, kind="svg", xmldecl=False, svgns=True, border=4, nl=False, omitsize=True
    )
    return buf.getvalue().decode("utf-8")
