"""Argument checks for the public functions, in one place and one message style.

Every refusal is a ``ValueError`` that reads ``"field: what is allowed; got X"``, so a learner
sees which argument was wrong, what it may be, and what arrived. Booleans are not numbers here
(``True`` is not a learning rate), and neither are strings that look like numbers ("0.5").
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np


def fail(field: str, allowed: str, value, *, shown: str | None = None) -> None:
    """Raise the one message: ``shown`` describes the value when its repr would not help."""
    raise ValueError(f"{field}: {allowed}; got {shown or _show(value)}")


def _show(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_number(value) -> bool:
    """A real number: int, float or a NumPy scalar of either; not bool, not text."""
    return (isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, (bool, np.bool_)))


def typed_number(value, field: str) -> float:
    """A finite number from a learner's text box: "0.5" is read as 0.5, "abc" is refused."""
    if isinstance(value, (bool, np.bool_)):
        fail(field, "a number", value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        fail(field, "a number", value)
    if not math.isfinite(number):
        fail(field, "a finite number", value)
    return number


def whole(value, field: str, low: int = 0, high: int | None = None) -> int:
    """A whole number from ``low`` (to ``high``), as an int."""
    if (not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_))
            or value < low or (high is not None and value > high)):
        allowed = f">= {low}" if high is None else f"from {low} to {high}"
        fail(field, f"a whole number {allowed}", value)
    return int(value)


def number(value, field: str, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False, finite: bool = True) -> float:
    """A real number in the given range (closed unless ``*_open``), as a float."""
    ok = is_number(value)
    if ok:
        x = float(value)
        ok = not math.isnan(x) and (math.isfinite(x) or not finite)
        if ok and low is not None:
            ok = x > low if low_open else x >= low
        if ok and high is not None:
            ok = x < high if high_open else x <= high
    if not ok:
        fail(field, _range_text(low, high, low_open, high_open, finite), value)
    return float(value)


def _range_text(low, high, low_open, high_open, finite) -> str:
    kind = "a finite number" if finite else "a number"
    if low is not None and high is not None:
        return f"{kind} in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"{kind} {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{kind} {'<' if high_open else '<='} {high:g}"
    return kind


def positive(value, field: str) -> float:
    """A finite number > 0."""
    return number(value, field, low=0, low_open=True)


def one_of(value, field: str, allowed: Iterable[str]) -> str:
    """One of the names in ``allowed``."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        fail(field, f"one of {', '.join(allowed)}", value)
    return value


def flag(value, field: str) -> bool:
    """True or False."""
    if not isinstance(value, (bool, np.bool_)):
        fail(field, "True or False", value)
    return bool(value)


def seed(value, field: str = "seed", high: int | None = None) -> int:
    """A seed for ``np.random.default_rng``: a whole number >= 0 (and <= ``high`` if given).

    The one check behind every seed a learner types: the lessons give their seed boxes no
    bounds (a bounded ``mo.ui.number`` silently clamps 99999 to its maximum) and pass the
    value here, so a refusal names the box and what it takes, e.g.
    ``"weight seed: a whole number >= 0; got -5"``, and the page keeps its last good result."""
    return whole(value, field, 0, high)


def float_array(value, field: str, *, finite: bool = True) -> np.ndarray:
    """Numbers as a float array, refusing text and objects, and unless ``finite=False`` NaN
    and infinities. Huge finite numbers pass: where they overflow, the result says so (inf)."""
    if isinstance(value, (str, bytes)):
        fail(field, "an array of numbers", value)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(field, "an array of numbers", value)
    if not finite:
        return array
    if not np.isfinite(array).all():
        fail(field, "finite numbers", array, shown="NaN or infinite values")
    return array
