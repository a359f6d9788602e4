"""The picture of a regression network: its prediction over the plane as a diverging heat map
(blue below zero, white at zero, orange above), each point coloured by its target on the same
scale, so a point that melts into its background is one the network gets right.
"""

from __future__ import annotations

import numpy as np

from ..network import Network, forward
from . import live, plots
from .theme import PALETTE

SHADE = plots.SHADE  # as far towards the colour at the scale's end as the boundary goes


# ---------------------------------------------------------------------------------------------


def colour_scale(values: np.ndarray, scale: float, strength: float = SHADE) -> np.ndarray:
    """Numbers -> RGB floats: blue at -``scale``, white at 0, orange at +``scale`` (clipped)."""
    t = np.clip(np.asarray(values, dtype=float) / scale, -1.0, 1.0)
    end = np.where((t > 0)[..., None], plots.PALETTE_RGB[1], plots.PALETTE_RGB[0])
    return 255.0 + (end - 255.0) * (np.abs(t) * strength)[..., None]


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c)):02x}" for c in rgb)


def prediction_panel(name: str, network: Network, params, X, y, *, extent, title: str,
                     X_test=None, y_test=None, resolution: int = 60) -> dict:
    """A live-view panel (drawn by the boundary painter): the network's output over the
    plane as a diverging heat map, and the points (test ones hollow) coloured by target on
    the same scale, which is set by the largest |target| so both share one legend."""
    if (isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer))
            or not 2 <= resolution <= live.MAX_RESOLUTION):
        raise ValueError(f"resolution: a whole number from 2 to {live.MAX_RESOLUTION}; "
                         f"got {resolution!r}")
    x0, x1, y0, y1 = plots._check_extent(extent)
    ys = [np.asarray(v, dtype=float).ravel() for v in (y, y_test) if v is not None]
    scale = max([float(np.max(np.abs(v))) for v in ys if v.size] + [1e-9])
    gx, gy = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    out = forward(network, network.check_params(params), grid)[:, 0].reshape(resolution, -1)
    caption = None
    if not np.isfinite(out).all():
        caption, out = "the network's outputs are not finite: nothing to shade", np.zeros_like(out)
    image = np.round(colour_scale(out, scale)[::-1]).astype(np.uint8)  # rows top to bottom
    # The painter colours point i with colors[i]: one colour per point, on the full scale
    # (points stronger than the shading, so they stand out from it).
    points, colours = [], []
    for Xs, vs, is_test in ((X, y, 0), (X_test, y_test, 1)):
        if Xs is None or len(Xs) == 0:
            continue
        Xs = np.asarray(Xs, dtype=float)
        vs = np.asarray(vs, dtype=float).ravel()
        if len(vs) != len(Xs):
            raise ValueError(f"y: one target per point ({len(Xs)}); got {len(vs)}")
        for (a, b), v in zip(Xs[:, :2].tolist(), vs.tolist()):
            points.append([round(a, 4), round(b, 4), len(colours), is_test])
            colours.append(_hex(colour_scale(v, scale, strength=1.0)))
    return {"kind": "boundary", "name": name, "title": title,
            "extent": live._finite_list((x0, x1, y0, y1)), "image": live._pixels(image),
            "contour": [], "points": points, "colors": colours or list(PALETTE),
            "caption": caption, "point_stroke": "#333333",
            "legend": f"blue {-scale:.2g}, white 0, orange {scale:.2g}"}
