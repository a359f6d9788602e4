"""Small 2-D datasets for the lessons, drawn with NumPy from an explicit seed.

Conventions, said once:
- ``X`` has shape (n, d), float64, and **rows are samples** (so a layer is ``X @ W + b``).
  Every generator gives d = 2 columns, ``x1`` and ``x2``; ``add_features`` appends more.
- ``labels`` are the class ids, shape (n,), int64, numbered 0..k-1. They are what you
  count and colour by.
- ``Y`` is the same information in the form a network trains on: shape (n, 1) float64
  holding 0.0/1.0 when there are two classes (one sigmoid output), one-hot (n, k) when
  there are more (softmax outputs). ``one_hot()`` is always (n, k).
- Randomness comes only from ``np.random.default_rng(seed)``: the same arguments give
  bit-identical arrays, and nothing touches NumPy's global random state.
- A ``Dataset`` is frozen and its arrays are read-only, so one cached copy can be shared by
  every cell of a lesson without any of them changing it by accident.

Two kinds of ``noise``, named as the lessons name them: for the point clouds with a
straight-line rule (``quadrants``, ``linear``) it is the fraction of labels flipped; for the
shapes (``circles``, ``moons``, ``spirals``) it is the standard deviation of gaussian
jitter added to the points.

One dataset is real data rather than drawn: ``digits()``, the 8x8 handwritten digits (1,797
images, 64 pixel columns ``p0``..``p63`` read row by row, each a count from 0 to 16). It is
the test part of the UCI "Optical Recognition of Handwritten Digits" data by E. Alpaydin and
C. Kaynak (1998), https://doi.org/10.24432/C50P49, licensed CC BY 4.0
(https://creativecommons.org/licenses/by/4.0/); the copy in ``nnlab/data/digits.npz`` was
taken unchanged from scikit-learn's ``sklearn/datasets/data/digits.csv.gz``, so nothing is
downloaded at run time.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from . import checks, digits_npz

MAX_CLASSES = 10
CSV_HEADER = ("x1", "x2", "label")
CSV_MIN_ROWS = 4
CSV_MAX_ROWS = 10_000
CSV_MAX_BYTES = 1_000_000  # 10,000 rows of long numbers take about 500 kB
CSV_MAX_LINE = 200  # characters in one line
SPIRAL_TURNS = 1.0  # how far each arm winds; more turns is a harder problem
BLOB_RADIUS = 3.0  # distance of blob centres from the origin

DIGITS_FILE = Path(__file__).parent / "data" / "digits.npz"
DIGITS_PIXEL_MAX = 16  # each pixel counts the inked points of a 4x4 block of a 32x32 bitmap
# sha256 of the uint8 pixels (row after row) followed by the uint8 labels: proves the copy
# in the package is the one the lessons were written against.
DIGITS_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"

XOR_X = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
XOR_LABELS = (0, 1, 1, 0)


@dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value to compare
class Dataset:
    """Inputs ``X`` (n, d), class ids ``labels`` (n,) and the number of classes."""

    name: str
    X: np.ndarray
    labels: np.ndarray
    n_classes: int
    features: tuple[str, ...] = ()  # column names; empty means x1, x2, ...

    def __post_init__(self):
        X = np.array(self.X, dtype=np.float64)  # a copy, so the caller's array stays theirs
        labels = np.array(self.labels)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array (rows are samples), got shape {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError("X holds NaN or infinite values")
        if labels.shape != (len(X),) or (labels.size and labels.dtype.kind not in "iu"):
            raise ValueError(f"labels must be {len(X)} integers, one per row of X")
        checks.whole(self.n_classes, "n_classes", 2, MAX_CLASSES)
        if labels.size and not (0 <= labels.min() and labels.max() < self.n_classes):
            raise ValueError(f"labels must be class ids from 0 to {self.n_classes - 1}")
        features = tuple(self.features) or tuple(f"x{i + 1}" for i in range(X.shape[1]))
        if len(features) != X.shape[1]:
            raise ValueError(f"features names {len(features)} columns, X has {X.shape[1]}")
        labels = labels.astype(np.int64)
        X.setflags(write=False)
        labels.setflags(write=False)
        for field, value in (("X", X), ("labels", labels), ("features", features),
                             ("n_classes", int(self.n_classes))):
            object.__setattr__(self, field, value)

    @property
    def Y(self) -> np.ndarray:
        """Targets: (n, 1) of 0.0/1.0 for two classes, one-hot (n, k) for more."""
        if self.n_classes == 2:
            return self.labels[:, None].astype(np.float64)
        return self.one_hot()

    def one_hot(self) -> np.ndarray:
        """(n, k) float64 with a single 1.0 per row, in the column of the row's class."""
        return np.eye(self.n_classes)[self.labels]

    def __len__(self) -> int:
        return len(self.X)

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, {len(self)} rows, features {', '.join(self.features)}; "
                f"{self.n_classes} classes)")


# ---- argument checks: every message names the argument and what it may be -------------

def _shown(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _integer(name: str, value, allowed: str, ok: Callable[[int], bool]) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not ok(value):
        raise ValueError(f"{name} must be an integer {allowed}, got {_shown(value)}")
    return int(value)


def _number(name: str, value, allowed: str, ok: Callable[[float], bool]) -> float:
    real = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not real or not math.isfinite(value) or not ok(value):
        raise ValueError(f"{name} must be a finite number {allowed}, got {_shown(value)}")
    return float(value)


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(_integer("seed", seed, ">= 0", lambda s: s >= 0))


def _n_points(n_points, minimum: int, why: str = "") -> int:
    return _integer("n_points", n_points, f">= {minimum}{why}", lambda n: n >= minimum)


def _n_classes(n_classes, most: int) -> int:
    return _integer("n_classes", n_classes, f"from 2 to {most}", lambda k: 2 <= k <= most)


def _jitter(noise) -> float:
    return _number("noise", noise, ">= 0", lambda v: v >= 0)


def _flip_fraction(noise) -> float:
    return _number("noise", noise, "from 0 to 0.5 (the fraction of labels flipped)",
                   lambda v: 0 <= v <= 0.5)


# ---- generators ----------------------------------------------------------------------

def xor() -> Dataset:
    """The XOR truth table: (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0."""
    return Dataset("xor", np.array(XOR_X), np.array(XOR_LABELS), 2)


def xor_with_bias_column() -> Dataset:
    """XOR with a third input that is always 1: its weight plays the part of a bias."""
    X = np.column_stack([XOR_X, np.ones(4)])
    return Dataset("xor_with_bias_column", X, np.array(XOR_LABELS), 2, ("x1", "x2", "bias"))


def quadrants(n_points: int = 200, noise: float = 0.0, seed: int = 0,
              scale: float = 2.0) -> Dataset:
    """XOR as point clouds: label 1 where x1 and x2 have the same sign, else 0.

    Points are ``scale`` times standard normal. ``noise`` is the fraction of labels flipped
    (exactly ``round(noise * n_points)`` of them, chosen at random): 0 is clean, 0.5 is
    pure guessing.
    """
    n, fraction = _n_points(n_points, 4), _flip_fraction(noise)
    scale = _number("scale", scale, "> 0", lambda v: v > 0)
    rng = _rng(seed)
    X = scale * rng.standard_normal((n, 2))
    labels = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return Dataset("quadrants", X, _flip_labels(labels, fraction, rng), 2)


def linear(n_points: int = 100, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Standard normal points, label 1 above the line x1 + x2 = 0; ``noise`` flips labels."""
    n, fraction = _n_points(n_points, 4), _flip_fraction(noise)
    rng = _rng(seed)
    X = rng.standard_normal((n, 2))
    labels = (X.sum(axis=1) > 0).astype(np.int64)
    return Dataset("linear", X, _flip_labels(labels, fraction, rng), 2)


def circles(n_points: int = 500, noise: float = 0.1, factor: float = 0.5,
            seed: int = 0) -> Dataset:
    """Two rings (like scikit-learn's make_circles): radius 1 is class 0, ``factor`` class 1.

    Points are evenly spaced in angle around each ring, then moved by gaussian noise of
    standard deviation ``noise``.
    """
    n, noise = _n_points(n_points, 4), _jitter(noise)
    factor = _number("factor", factor, "in (0, 1)", lambda v: 0 < v < 1)
    rng = _rng(seed)
    rings = []
    for radius, m in zip((1.0, factor), _class_sizes(n, 2)):
        angle = np.linspace(0, 2 * np.pi, m, endpoint=False)
        rings.append(radius * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _shuffled_with_noise("circles", np.vstack(rings), _class_labels(n, 2), 2, noise, rng)


def moons(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaved half circles (like scikit-learn's make_moons), gaussian ``noise``."""
    n, noise = _n_points(n_points, 4), _jitter(noise)
    rng = _rng(seed)
    outer, inner = (np.linspace(0, np.pi, m) for m in _class_sizes(n, 2))
    X = np.vstack([np.column_stack([np.cos(outer), np.sin(outer)]),
                   np.column_stack([1 - np.cos(inner), 0.5 - np.sin(inner)])])
    return _shuffled_with_noise("moons", X, _class_labels(n, 2), 2, noise, rng)


def spirals(n_points: int = 300, n_classes: int = 2, noise: float = 0.1,
            seed: int = 0) -> Dataset:
    """``n_classes`` (2 to 5) spiral arms wound around the origin, one per class."""
    k = _n_classes(n_classes, 5)
    n, noise = _n_points(n_points, 2 * k, f" (2 per class for {k} classes)"), _jitter(noise)
    rng = _rng(seed)
    arms = []
    for arm, m in enumerate(_class_sizes(n, k)):
        radius = np.linspace(0.2, 1.0, m)  # starting off the origin, where all arms would meet
        angle = 2 * np.pi * (arm / k + SPIRAL_TURNS * radius)
        arms.append(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _shuffled_with_noise("spirals", np.vstack(arms), _class_labels(n, k), k, noise, rng)


def blobs(n_points: int = 200, n_classes: int = 2, spread: float = 1.0,
          seed: int = 0) -> Dataset:
    """Gaussian blobs of standard deviation ``spread`` around centres on a circle of radius 3."""
    k = _n_classes(n_classes, MAX_CLASSES)
    n = _n_points(n_points, 2 * k, f" (2 per class for {k} classes)")
    spread = _number("spread", spread, ">= 0", lambda v: v >= 0)
    rng = _rng(seed)
    angle = 2 * np.pi * np.arange(k) / k
    centres = BLOB_RADIUS * np.column_stack([np.cos(angle), np.sin(angle)])
    labels = _class_labels(n, k)
    return _shuffled_with_noise("blobs", centres[labels], labels, k, spread, rng)


def _class_sizes(n: int, k: int) -> list[int]:
    """n split into k near-equal counts, the first classes taking any remainder."""
    return [n // k + (j < n % k) for j in range(k)]


def _class_labels(n: int, k: int) -> np.ndarray:
    return np.repeat(np.arange(k, dtype=np.int64), _class_sizes(n, k))


def _flip_labels(labels: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    # Drawn after X, so with one seed the noise slider changes labels but never moves points.
    flip = np.zeros(len(labels), dtype=bool)
    flip[rng.choice(len(labels), size=round(fraction * len(labels)), replace=False)] = True
    return np.where(flip, 1 - labels, labels)


def _shuffled_with_noise(name, X, labels, k, noise, rng) -> Dataset:
    # Shapes are built class by class; shuffling means no run of rows (a mini-batch, the
    # first few in a table) holds a single class.
    order = rng.permutation(len(X))
    # The same standard normal draws are scaled by noise, so for one seed the noise slider
    # moves every point smoothly instead of drawing a new cloud.
    X = X[order] + noise * rng.standard_normal(X.shape)
    return Dataset(name, X, labels[order], k)


# ---- working with a dataset ----------------------------------------------------------

def split(dataset: Dataset, test_fraction: float = 0.3, seed: int = 0) -> tuple[Dataset, Dataset]:
    """A random (train, test) split; each part keeps the rows in their original order.

    The test set gets ``round(test_fraction * n)`` rows, fewer only if that would leave
    some class out of the training set: every class in ``dataset`` keeps at least one row
    in train. ``test_fraction=0`` gives an empty (0-row) test set.
    """
    fraction = _number("test_fraction", test_fraction, "from 0 to 0.9", lambda v: 0 <= v <= 0.9)
    order = _rng(seed).permutation(len(dataset))
    # One row of each class (its last in the shuffled order) moves to the back, out of reach
    # of the test set, which is taken from the front.
    shuffled = dataset.labels[order]
    _, last_from_end = np.unique(shuffled[::-1], return_index=True)
    keep = np.zeros(len(order), dtype=bool)
    keep[len(order) - 1 - last_from_end] = True
    order = np.concatenate([order[~keep], order[keep]])
    n_test = min(round(fraction * len(order)), len(order) - int(keep.sum()))
    return _rows(dataset, np.sort(order[n_test:])), _rows(dataset, np.sort(order[:n_test]))


def digits(test_fraction: float = 0.25, seed: int = 0) -> tuple[Dataset, Dataset]:
    """The 8x8 handwritten digits as a stratified (train, test) split.

    ``X`` holds the raw pixel counts 0..16 as float64 (scale them yourself, e.g. ``X / 16``);
    ``labels`` are the digits 0..9. Each digit gives ``round(test_fraction * its count)``
    of its images to the test set, chosen by ``seed``; both parts keep the file's order.
    ``test_fraction=0`` gives an empty test set. Source and licence: see the module docstring.
    """
    fraction = _number("test_fraction", test_fraction, "from 0 to 0.9", lambda v: 0 <= v <= 0.9)
    rng = _rng(seed)
    data = digits_all()
    test = np.zeros(len(data), dtype=bool)
    for digit in range(data.n_classes):  # stratified: every digit gets the same test share
        rows = np.flatnonzero(data.labels == digit)
        test[rng.permutation(rows)[:round(fraction * len(rows))]] = True
    return _rows(data, np.flatnonzero(~test)), _rows(data, np.flatnonzero(test))


def digits_all() -> Dataset:
    """All 1,797 digit images in the file's order, checked against ``DIGITS_SHA256``."""
    # The file where nnlab is installed or checked out; the embedded copy where only Python
    # modules travelled (the site's WASM bundle).
    source = DIGITS_FILE if DIGITS_FILE.is_file() else io.BytesIO(
        base64.b64decode(digits_npz.NPZ_BASE64))
    with np.load(source) as stored:
        pixels, labels = stored["images"], stored["labels"]
    if hashlib.sha256(pixels.tobytes() + labels.tobytes()).hexdigest() != DIGITS_SHA256:
        raise ValueError(f"{DIGITS_FILE} is not the digits data nnlab ships (checksum differs)")
    return Dataset("digits", pixels.astype(np.float64), labels.astype(np.int64), 10,
                   tuple(f"p{i}" for i in range(pixels.shape[1])))


def _rows(dataset: Dataset, rows: np.ndarray) -> Dataset:
    return Dataset(dataset.name, dataset.X[rows], dataset.labels[rows], dataset.n_classes,
                   dataset.features)


_FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1^2": lambda x1, x2: x1 ** 2,
    "x2^2": lambda x1, x2: x2 ** 2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin x1": lambda x1, x2: np.sin(x1),
    "sin x2": lambda x1, x2: np.sin(x2),
}
FEATURES = tuple(_FEATURES)


def add_features(dataset: Dataset, names: str | Sequence[str]) -> Dataset:
    """The dataset with extra columns computed from x1, x2 (the first two), in the order named.

    For example ``add_features(quadrants(), ["x1*x2"])``: one product feature makes XOR a
    straight-line problem.
    """
    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        if name not in _FEATURES:
            raise ValueError(f"unknown feature {name!r}; valid features: {', '.join(FEATURES)}")
        if name in dataset.features or names.count(name) > 1:
            raise ValueError(f"feature {name!r} is already in the dataset or named twice")
    x1, x2 = dataset.X[:, 0], dataset.X[:, 1]
    extra = [_FEATURES[name](x1, x2) for name in names]
    return Dataset(dataset.name, np.column_stack([dataset.X, *extra]), dataset.labels,
                   dataset.n_classes, dataset.features + tuple(names))


# ---- a user's own data ---------------------------------------------------------------

def from_csv_text(text: str | bytes, *, max_bytes: int = CSV_MAX_BYTES,
                  max_rows: int = CSV_MAX_ROWS, max_line: int = CSV_MAX_LINE) -> Dataset:
    """A dataset from CSV lines ``x1,x2,label`` (a first line ``x1,x2,label`` is optional).

    Spaces around values and blank lines are fine. Labels are whole numbers numbering the
    classes 0..k-1 with none skipped, 2 to 10 classes; 4 to 10000 data rows. A bad file
    raises ValueError naming the row (lines counted from 1, header included) and the problem.

    An upload may come from anyone, so its cost is bounded and the limits are checked as the
    text is read, before any work they would cost: at most ``max_bytes`` bytes (checked
    before decoding), ``max_rows`` data rows (the row after the last is refused as soon as it
    is reached) and ``max_line`` characters and 3 fields per line (counted before a line is
    split: a 50 MB line of commas is refused without building a single field).
    """
    text = _text(text, max_bytes)
    points, labels = [], []
    first = True
    start, row = 0, 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        row, line_start, start = row + 1, start, end + 1
        if end - line_start > max_line:
            raise ValueError(f"row {row}: at most {max_line} characters per line; got "
                             f"{end - line_start:,}")
        commas = text.count(",", line_start, end)
        line = text[line_start:end]
        if not line.strip():
            continue
        if commas > 2:  # x1,x2,label: never split a line into more fields than that
            hint = " (a header row, if any, must read x1,x2,label)" if first else ""
            raise ValueError(f"row {row}: expected 3 comma-separated values (x1,x2,label), "
                             f"got {commas + 1:,}{hint}")
        fields = [field.strip() for field in line.split(",")]
        if first and tuple(field.lower() for field in fields) == CSV_HEADER:
            first = False
            continue
        hint = " (a header row, if any, must read x1,x2,label)" if first else ""
        first = False
        if len(points) == max_rows:
            raise ValueError(f"row {row}: too many rows; at most {max_rows:,} data rows are "
                             f"allowed")
        point, label = _csv_row(row, fields, hint)
        points.append(point)
        labels.append(label)
    if len(points) < CSV_MIN_ROWS:
        raise ValueError(f"need at least {CSV_MIN_ROWS} data rows, got {len(points)}")
    labels = np.array(labels, dtype=np.int64)
    _check_classes(labels)
    return Dataset("uploaded", np.array(points), labels, int(labels.max()) + 1)


def _text(text: str | bytes, max_bytes: int = CSV_MAX_BYTES) -> str:
    if isinstance(text, (bytearray, memoryview)):
        text = bytes(text)
    if not isinstance(text, (str, bytes)):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    # Checked before decoding; a str has at least one byte per character.
    if len(text) > max_bytes:
        raise ValueError(f"file: at most {max_bytes:,} bytes (about {max_bytes // 50:,} rows); "
                         f"got {len(text):,}{' characters' if isinstance(text, str) else ''}")
    if isinstance(text, bytes):  # what an upload widget hands over
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text") from None
    text = text.removeprefix("\ufeff")  # the byte-order mark spreadsheets like to write
    if "\r" in text:  # Windows and old Mac line ends
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _csv_row(row: int, fields: list[str], hint: str) -> tuple[list[float], int]:
    if len(fields) != 3:
        raise ValueError(f"row {row}: expected 3 comma-separated values (x1,x2,label), "
                         f"got {len(fields)}{hint}")
    point = []
    for name, field in zip(("x1", "x2"), fields):
        try:
            value = float(field)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValueError(f"row {row}: {name} {field[:20]!r} is not a finite number{hint}")
        point.append(value)
    return point, _csv_label(row, fields[2], hint)


def _csv_label(row: int, field: str, hint: str) -> int:
    try:
        value = float(field)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value.is_integer()):  # "1.0" from a spreadsheet is fine
        raise ValueError(f"row {row}: label {field[:20]!r} is not a whole number{hint}")
    if not 0 <= value < MAX_CLASSES:
        raise ValueError(f"row {row}: label must be a class id from 0 to {MAX_CLASSES - 1}, "
                         f"got {int(value)}")
    return int(value)


def _check_classes(labels: np.ndarray) -> None:
    present = set(np.unique(labels).tolist())
    if len(present) < 2:
        raise ValueError(f"labels: need at least 2 classes, found only class {labels[0]}")
    missing = sorted(set(range(max(present) + 1)) - present)
    if missing:
        which = ", ".join(map(str, missing))
        raise ValueError(f"labels: classes must be numbered 0 to {max(present)} with none "
                         f"skipped; missing {which}")


# ---- lookup by name ------------------------------------------------------------------

DATASETS: dict[str, Callable[..., Dataset]] = {
    "xor": xor,
    "xor_with_bias_column": xor_with_bias_column,
    "quadrants": quadrants,
    "linear": linear,
    "circles": circles,
    "moons": moons,
    "spirals": spirals,
    "blobs": blobs,
}


def make(name: str, **kwargs) -> Dataset:
    """``DATASETS[name](**kwargs)``, with errors that list the valid names and arguments."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}")
    generator = DATASETS[name]
    allowed = list(inspect.signature(generator).parameters)
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise ValueError(f"{name} has no argument {unknown[0]!r}; "
                         f"its arguments are: {', '.join(allowed) or 'none'}")
    return generator(**kwargs)
