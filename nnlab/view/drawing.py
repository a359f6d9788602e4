"""Your own points, drawn on the playground's picture: click to add a point of the chosen
class, drag with the eraser to remove points, clear to start again.

The drawing lives in the page: ``DrawingView`` is the playground's ``LiveView`` with one more
synced field, ``drawn`` (a list of ``[x1, x2, class]``), which its JavaScript (the boundary
painter in ``live_js``, when a panel carries ``draw``) edits and sends back after each
stroke. Python reads it with ``parse_drawn``, turns it into data with ``dataset`` and retrains.

A small drawing also travels in the page's link (``to_text`` / ``from_text``: "x1,x2,c;..."
with two decimals, at most ``LINK_MAX`` points) and inside a saved run.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets

from .. import datasets
from .live import LiveView

EXTENT = (-1.5, 1.5, -1.5, 1.5)  # a fixed plane: the square does not move as points are added
CLASSES = 3  # the class buttons offered (two or three classes)
MAX_POINTS = 300  # more would make each click's retraining slow
LINK_MAX = 100  # a longer drawing would make a link of several kilobytes
MIN_PER_CLASS = 2
QUERY_KEY = "pts"
# The drawing a learner starts from: two small clouds to edit (a blank plane trains nothing).
STARTER = ((-0.8, 0.5, 0), (-0.6, 0.8, 0), (-0.9, 0.9, 0), (-0.5, 0.4, 0), (-0.7, 0.2, 0),
           (0.8, -0.5, 1), (0.6, -0.8, 1), (0.9, -0.9, 1), (0.5, -0.4, 1), (0.7, -0.2, 1))


class DrawingView(LiveView):
    """A ``LiveView`` whose boundary picture can be drawn on (``drawn``: the points)."""

    drawn = traitlets.List().tag(sync=True)


def parse_drawn(value) -> tuple[tuple[float, float, int], ...]:
    """Points ``[[x1, x2, class], ...]`` from the page, checked and rounded to 3 decimals.

    Raises ValueError naming the first bad point: every coordinate a finite number inside
    ``EXTENT``, every class a whole number from 0 to ``CLASSES - 1``, at most ``MAX_POINTS``.
    """
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"drawn points: a list of [x1, x2, class]; got {type(value).__name__}")
    if len(value) > MAX_POINTS:
        raise ValueError(f"drawn points: at most {MAX_POINTS}; got {len(value)} (erase some)")
    x0, x1, y0, y1 = EXTENT
    points = []
    for i, item in enumerate(value, start=1):
        try:
            x, y, c = item
            x, y = float(x), float(y)
        except (TypeError, ValueError):
            raise ValueError(f"drawn points: point {i} is not [x1, x2, class]; got {item!r:.60}")
        if not (math.isfinite(x) and math.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
            raise ValueError(f"drawn points: point {i} lies outside the plane "
                             f"({x0:g} to {x1:g}); got ({x:.3g}, {y:.3g})")
        if isinstance(c, bool) or not isinstance(c, (int, float)) or c not in range(CLASSES):
            raise ValueError(f"drawn points: point {i}'s class must be 0 to {CLASSES - 1}; "
                             f"got {c!r}")
        points.append((round(x, 3), round(y, 3), int(c)))
    return tuple(points)


def dataset(points) -> datasets.Dataset:
    """The drawn points as data; classes are numbered as drawn (0, 1 and maybe 2)."""
    points = parse_drawn(list(points))
    labels = np.array([c for _, _, c in points], dtype=np.int64)
    counts = np.bincount(labels, minlength=CLASSES)
    used = int((counts > 0).sum())
    if used < 2 or (counts[counts > 0] < MIN_PER_CLASS).any():
        raise ValueError(f"your drawn points: draw at least {MIN_PER_CLASS} points of each "
                         f"class you use, in two or three classes (now: "
                         + ", ".join(f"{n} of class {c}" for c, n in enumerate(counts) if n)
                         + (")" if used else "none)"))
    if counts[2] and not counts[1]:
        raise ValueError("your drawn points: classes are used in order: draw class 1 "
                         "before class 2")
    X = np.array([(x, y) for x, y, _ in points], dtype=float)
    return datasets.Dataset("drawn", X, labels, 3 if counts[2] else 2)


def to_text(points, limit: int | None = LINK_MAX) -> str | None:
    """The drawing as text ("x1,x2,c;..."), or None when it has more than ``limit`` points
    (a link stays short; a run file takes them all with ``limit=None``)."""
    points = parse_drawn(list(points))
    if limit is not None and len(points) > limit:
        return None
    return ";".join(f"{x:.2f},{y:.2f},{c}".replace("0.", ".")  # (|x| <= 1.5: no "10.")
                    for x, y, c in points)


def from_text(text: str) -> tuple[tuple[float, float, int], ...]:
    """Points read back from ``to_text``; ValueError names the bad item."""
    if not isinstance(text, str):
        raise ValueError(f"pts: text like '.1,-.5,0;.3,.2,1'; got {text!r:.40}")
    items = [item for item in text.split(";") if item.strip()]
    if len(items) > MAX_POINTS:
        raise ValueError(f"pts: at most {MAX_POINTS} points; got {len(items)}")
    rows = []
    for i, item in enumerate(items, start=1):
        parts = item.split(",")
        if len(parts) != 3:
            raise ValueError(f"pts: point {i} is {item[:30]!r}, not x1,x2,class")
        try:
            rows.append([float(parts[0]), float(parts[1]), int(parts[2])])
        except ValueError:
            raise ValueError(f"pts: point {i} is {item[:30]!r}, not numbers")
    return parse_drawn(rows)


def from_query(params) -> tuple[tuple | None, list[str]]:
    """The drawn points of a link (None when it has none) and warnings for a bad ``pts``."""
    raw = params.get(QUERY_KEY) if hasattr(params, "get") else None
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else None
    if raw is None:
        return None, []
    try:
        return from_text(raw), []
    except ValueError as error:
        return None, [f"{QUERY_KEY} in the link was ignored ({error}); starting from two "
                      "small clouds"]


def to_query(points) -> dict[str, str]:
    """``{"pts": text}`` for a link, or ``{}`` when the drawing is too long for one."""
    text = to_text(points)
    return {} if text is None else {QUERY_KEY: text}
