"""Pictures of 8x8 digits for the live view: digit images, weight images, a confusion matrix.

They travel as a ``table`` panel (HTML that nnlab writes and escapes, drawn by the live view
as it comes), with each small image inlined as a PNG: 8x8 pixels are a few hundred bytes,
and the browser's ``image-rendering: pixelated`` blows them up without blurring, so a static
page shows them with no kernel and nothing fetched.
"""

from __future__ import annotations

import base64
import struct
import zlib
from html import escape
from typing import Sequence

import numpy as np

INK_MAX = 16  # the digits' pixels count inked points of a 4x4 block: 0..16
CELL_PX = 40  # an 8x8 image on the page: 5 screen pixels per data pixel


def png(rgb: np.ndarray) -> str:
    """An RGB uint8 image (rows, columns, 3) as a ``data:image/png`` address."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or 0 in rgb.shape:
        raise ValueError(f"rgb: an array (rows, columns, 3); got shape {rgb.shape}")
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].tobytes() for row in range(h))  # filter 0 per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def ink_rgb(pixels) -> np.ndarray:
    """64 pixel values 0..16 as dark ink on white, (8, 8, 3)."""
    values = np.asarray(pixels, dtype=float).reshape(8, 8)
    if not np.isfinite(values).all():
        raise ValueError("pixels: 64 finite values from 0 to 16")
    level = 255 - np.clip(values / INK_MAX, 0, 1) * 255
    return np.repeat(level[:, :, None], 3, axis=2).astype(np.uint8)


def weight_rgb(weights) -> np.ndarray:
    """64 weights as a diverging picture: red for positive, blue for negative, white for 0,
    scaled by the largest size so the strongest weight is the deepest colour."""
    w = np.asarray(weights, dtype=float).reshape(8, 8)
    if not np.isfinite(w).all():
        raise ValueError("weights: 64 finite numbers")
    t = w / max(float(np.abs(w).max()), 1e-12)
    pos, neg = np.clip(t, 0, 1), np.clip(-t, 0, 1)
    red = 255 - neg * 200
    green = 255 - (pos + neg) * 200
    blue = 255 - pos * 200
    return np.stack([red, green, blue], axis=2).astype(np.uint8)


def _img(uri: str, size: int, alt: str) -> str:
    return (f'<img src="{uri}" width="{size}" height="{size}" alt="{escape(alt)}" '
            'style="image-rendering:pixelated;border:1px solid #ccc">')


def gallery_panel(name: str, images: Sequence[np.ndarray], captions: Sequence[str], *,
                  title: str, size: int = CELL_PX) -> dict:
    """Small RGB images in a wrapping row, each with a caption under it (a live-view panel)."""
    if len(images) != len(captions):
        raise ValueError(f"captions: one per image ({len(images)}); got {len(captions)}")
    cells = "".join(
        f'<figure style="margin:3px;text-align:center;font-size:11px">'
        f'{_img(png(rgb), size, caption)}<figcaption>{escape(caption)}</figcaption></figure>'
        for rgb, caption in zip(images, captions))
    html = (f'<div><b>{escape(title)}</b><div style="display:flex;flex-wrap:wrap;'
            f'max-width:560px">{cells or "<p>none</p>"}</div></div>')
    return {"kind": "table", "name": name, "html": html}


def confusion_panel(name: str, counts, *, title: str) -> dict:
    """A confusion matrix (rows: the true digit, columns: what the network said) as a table,
    the diagonal green and every mistake shaded red by how many there were."""
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.dtype.kind not in "iu":
        raise ValueError(f"counts: a square array of whole numbers; got shape {counts.shape}")
    worst = max(1, int(np.max(counts - np.diag(np.diag(counts)))))
    head = "".join(f"<th>{j}</th>" for j in range(len(counts)))
    rows = []
    for i, row in enumerate(counts):
        cells = []
        for j, n in enumerate(row):
            if i == j:
                style = "background:#dff0d8"
            elif n:
                style = f"background:rgba(214,39,40,{0.15 + 0.6 * n / worst:.2f})"
            else:
                style = "color:#bbb"
            cells.append(f'<td style="{style};text-align:right;padding:1px 5px">{int(n)}</td>')
        rows.append(f"<tr><th>{i}</th>{''.join(cells)}</tr>")
    html = (f'<div><b>{escape(title)}</b><table style="border-collapse:collapse;'
            f'font-size:12px"><tr><th>true \\ said</th>{head}</tr>{"".join(rows)}</table></div>')
    return {"kind": "table", "name": name, "html": html}
