"""Draw the Teams app icons: color.png (192x192) and outline.png (32x32, white on
transparent), as Teams asks for them (manifest `icons`).

Only the standard library (zlib + struct), so that anyone can redraw them without an image
package: `python teams/make_icons.py` writes both files next to this script. The output is
the same bytes every time, so the committed PNGs can be compared with a fresh run.

The symbol is a speech bubble with a check mark: the chat that answers. Shapes are signed
distance functions sampled 4x4 per pixel, which gives smooth (anti-aliased) edges.
"""

from __future__ import annotations

import itertools
import math
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ACCENT = (0x1F, 0x4E, 0x8C)  # the manifest's accentColor, #1F4E8C
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per pixel side
Shape = Callable[[float, float], float]  # signed distance in units of the icon (0..1)


def png(width: int, height: int, rgba: bytes) -> bytes:
    """An 8-bit RGBA PNG: signature, IHDR, one IDAT (every row with filter 0), IEND."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    stride = width * 4
    raw = b"".join(b"\x00" + rgba[y * stride:(y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _segment(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> Shape:
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 - r, (y1 - y0) / 2 - r

    def sdf(x: float, y: float) -> float:
        qx, qy = abs(x - cx) - hx, abs(y - cy) - hy
        return math.hypot(max(qx, 0.0), max(qy, 0.0)) + min(max(qx, qy), 0.0) - r
    return sdf


def polygon(points: list[tuple[float, float]]) -> Shape:
    edges = list(zip(points, points[1:] + points[:1], strict=True))

    def sdf(x: float, y: float) -> float:
        inside = False
        for (ax, ay), (bx, by) in edges:
            if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
                inside = not inside
        distance = min(_segment(x, y, ax, ay, bx, by) for (ax, ay), (bx, by) in edges)
        return -distance if inside else distance
    return sdf


def stroke(points: list[tuple[float, float]], width: float) -> Shape:
    """A polyline drawn with round ends, `width` wide."""
    pairs = list(itertools.pairwise(points))
    return lambda x, y: min(_segment(x, y, *a, *b) for a, b in pairs) - width / 2


def union(*shapes: Shape) -> Shape:
    return lambda x, y: min(s(x, y) for s in shapes)


def minus(shape: Shape, cut: Shape) -> Shape:
    return lambda x, y: max(shape(x, y), -cut(x, y))


def ring(shape: Shape, width: float) -> Shape:
    """The inner border of `shape`, `width` wide (an outline drawn inside the edge)."""
    return lambda x, y: max(shape(x, y), -(shape(x, y) + width))


def bubble(x0: float, y0: float, x1: float, y1: float) -> Shape:
    """A speech bubble in the box, its tail at the bottom left."""
    h = y1 - y0
    body = rounded_rect(x0, y0, x1, y1 - 0.2 * h, 0.18 * h)
    w = x1 - x0
    tail = polygon([(x0 + 0.16 * w, y1 - 0.3 * h), (x0 + 0.42 * w, y1 - 0.3 * h),
                    (x0 + 0.12 * w, y1)])
    return union(body, tail)


CHECK = [(0.36, 0.42), (0.46, 0.52), (0.66, 0.30)]  # in the icon's unit square


def render(size: int, layers: list[tuple[Shape, tuple[int, int, int]]],
           background: tuple[int, int, int] | None) -> bytes:
    """RGBA pixels: each layer painted over the last by its coverage of each pixel."""
    out = bytearray()
    step = 1.0 / (size * SAMPLES)
    for py in range(size):
        for px in range(size):
            rgb = [float(c) for c in background] if background else [255.0, 255.0, 255.0]
            alpha = 1.0 if background else 0.0
            for shape, color in layers:
                hits = sum(shape((px * SAMPLES + i + 0.5) * step, (py * SAMPLES + j + 0.5) * step)
                           <= 0 for i in range(SAMPLES) for j in range(SAMPLES))
                cover = hits / SAMPLES ** 2
                if cover:
                    rgb = [c * (1 - cover) + n * cover for c, n in zip(rgb, color, strict=True)]
                    alpha = alpha + cover * (1 - alpha)
            out += bytes(round(c) for c in rgb) + bytes([round(alpha * 255)])
    return bytes(out)


def color_icon() -> bytes:
    # Teams shows the colour icon on its own background: the accent colour edge to edge,
    # the symbol white in the middle, the check mark cut out of it in the accent colour.
    shape = bubble(0.22, 0.2, 0.78, 0.8)
    check = stroke(CHECK, 0.065)
    return png(192, 192, render(192, [(minus(shape, check), WHITE)], ACCENT))


def outline_icon() -> bytes:
    # White on transparent only: Teams tints it; a 2-pixel line stays sharp at 32x32.
    line = 2.2 / 32
    shape = ring(bubble(0.08, 0.1, 0.92, 0.92), line)
    check = stroke([(0.33, 0.44), (0.45, 0.56), (0.68, 0.30)], line)
    return png(32, 32, render(32, [(union(shape, check), WHITE)], None))


def main(folder: Path) -> int:
    (folder / "color.png").write_bytes(color_icon())
    (folder / "outline.png").write_bytes(outline_icon())
    print(f"wrote {folder / 'color.png'} and {folder / 'outline.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent))
