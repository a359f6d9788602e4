"""Regression in the playground: 2-D data sets whose targets are numbers, not classes.

As in TensorFlow Playground's regression mode, each point of the plane carries a number
y = f(x1, x2) (plus noise), and the network learns f with one output unit that applies no
squashing (identity) and is trained on the squared error. There is no boundary to draw: the
picture is the prediction itself over the plane, a diverging heat map (blue below zero,
white at zero, orange above), with each point coloured by its target on the same scale, so
a point that melts into its background is one the network gets right.

    sets = make("bump", n_points=200, noise=0.05, seed=0)    # a RegressionSet
    train_set, test_set = split(sets, test_fraction=0.3, seed=0)

The picture of a prediction (a diverging heat map) is ``nnlab.view.prediction``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# name -> what a learner reads
REGRESSION_SETS = {
    "plane": "regression: a tilted plane",
    "bump": "regression: a smooth bump",
}
MAX_POINTS = 1000
BUMP_WIDTH = 0.45  # the bump's standard deviation, in units of the [-1, 1] square


@dataclass(frozen=True, eq=False)
class RegressionSet:
    """Points ``X`` (n, 2) in the square [-1, 1]² and their targets ``y`` (n,)."""

    name: str
    X: np.ndarray
    y: np.ndarray

    def __post_init__(self):
        X, y = np.asarray(self.X, dtype=float), np.asarray(self.y, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X: an array of shape (n, 2); got {X.shape}")
        if y.shape != (len(X),):
            raise ValueError(f"y: one target per point ({len(X)}); got shape {y.shape}")
        if not (np.isfinite(X).all() and np.isfinite(y).all()):
            raise ValueError("X, y: finite numbers only")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return len(self.X)


def target(name: str, X: np.ndarray) -> np.ndarray:
    """The noise-free target of data set ``name`` at points ``X`` (n, 2).

    plane: y = 0.6 x1 - 0.8 x2, a slope a network with no hidden layer fits exactly;
    bump: y = 1.5 exp(-r² / (2 s²)) - 0.5 with s = ``BUMP_WIDTH``, a hill (1 at the centre,
    about -0.5 at the corners) that needs a hidden layer.
    """
    X = np.asarray(X, dtype=float)
    if name == "plane":
        return 0.6 * X[:, 0] - 0.8 * X[:, 1]
    if name == "bump":
        r2 = (X ** 2).sum(axis=1)
        return 1.5 * np.exp(-r2 / (2 * BUMP_WIDTH ** 2)) - 0.5
    raise ValueError(f"name: one of {', '.join(REGRESSION_SETS)}; got {name!r}")


def make(name: str, n_points: int = 200, noise: float = 0.0, seed: int = 0) -> RegressionSet:
    """``n_points`` uniform in [-1, 1]², target plus Gaussian noise of std ``noise``, from
    the seed ``seed`` alone."""
    if name not in REGRESSION_SETS:
        raise ValueError(f"name: one of {', '.join(REGRESSION_SETS)}; got {name!r}")
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or not (
            2 <= n_points <= MAX_POINTS):
        raise ValueError(f"n_points: a whole number from 2 to {MAX_POINTS}; got {n_points!r}")
    if not (isinstance(noise, (int, float, np.floating)) and 0 <= noise <= 1):
        raise ValueError(f"noise: a number from 0 to 1; got {noise!r}")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(int(n_points), 2))
    y = target(name, X) + noise * rng.standard_normal(len(X))
    return RegressionSet(name, X, y)


def split(data: RegressionSet, test_fraction: float = 0.3,
          seed: int = 0) -> tuple[RegressionSet, RegressionSet]:
    """A seeded random (train, test) split; the training part keeps at least 2 points."""
    if not (isinstance(test_fraction, (int, float, np.floating)) and 0 <= test_fraction <= 0.9):
        raise ValueError(f"test_fraction: a number from 0 to 0.9; got {test_fraction!r}")
    order = np.random.default_rng(seed).permutation(len(data))
    n_test = min(int(round(test_fraction * len(data))), len(data) - 2)
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    return (RegressionSet(data.name, data.X[train], data.y[train]),
            RegressionSet(data.name, data.X[test], data.y[test]))
