"""Lesson 7, checking backpropagation: the planted bug under the real code, and a case study.

The case study is a well-known NumPy XOR tutorial whose data carry the bias as a constant
third input column (x1, x2, 1), whose backward pass applies sigma' to the activation (the bug
this lesson catches), and whose printed "Loss" is the mean absolute error mean(|output - Y|).
Its first printed number depends only on its seeded start, so nnlab can reproduce it exactly.
"""

from __future__ import annotations

import numpy as np

from .. import checks, gradcheck
from ..init import Init
from ..network import Network, Params, backprop, forward
from ..view import code

DEFAULT_SEED = 1  # the weight seed the page opens with
CHECK_WEIGHT_RANGE = (-2.0, 2.0)


def checked_network(layers: str, activation: str, seed) -> tuple[Network, Params]:
    """The page's network on XOR and its start: ``layers`` as the dropdown gives them
    ("4, 3"), weights and biases uniform in ``CHECK_WEIGHT_RANGE`` from ``seed``.

    ``seed`` is what the learner typed: one the page cannot use (negative, not whole, an
    emptied box) raises ValueError naming the weight seed, and is never clamped."""
    seed = checks.seed(seed, "weight seed")
    network = Network([2, *(int(size) for size in layers.split(",")), 1], activation=activation)
    return network, Init("uniform", seed=seed, weight_range=CHECK_WEIGHT_RANGE).draw(network)


# The case study's data: the bias as a constant third input, the rows in its order.
BIAS_COLUMN_X = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 1], [0, 0, 1]], dtype=float)
BIAS_COLUMN_Y = np.array([[1], [1], [0], [0]], dtype=float)
BIAS_COLUMN_NET = Network([3, 4, 1])  # sigmoid hidden and output units
# The first "Loss" the case study printed (every 1000 iterations from its seeded start).
PRINTED_FIRST_LOSS = 0.5013730688788007


def bias_column_start(seed: int = 1) -> Params:
    """The case study's start: NumPy's legacy generator seeded with ``seed`` draws the hidden
    weights (3, 4), the output weights (4, 1), then the hidden biases (4) and the output bias."""
    rng = np.random.RandomState(seed)  # what np.random.seed(seed) sets up
    W1, W2 = rng.randn(3, 4), rng.randn(4, 1)
    b1, b2 = rng.randn(4), rng.randn(1)
    return [(W1, b1), (W2, b2)]


def mean_absolute_error(params: Params) -> float:
    """What the case study printed as its loss: mean(|output - Y|), not a squared error."""
    outputs = forward(BIAS_COLUMN_NET, params, BIAS_COLUMN_X)
    return float(np.mean(np.abs(outputs - BIAS_COLUMN_Y)))


def bug_markdown() -> dict[str, str]:
    """``nnlab.network.backprop`` and the same function with the bug: the one differing line of
    each ("right", "bug", shown one above the other so the two lines align) and both whole
    functions, that line marked. (The keys say right for correct; the page stacks every block
    vertically, so its prose says above and below, never left and right.)"""
    right, wrong = code.source(backprop), gradcheck.BUGGY_SOURCE
    (only_right,), (only_wrong,) = code.differing_lines(right, wrong)  # exactly one line each
    line = lambda text, n: text.splitlines()[n - 1].strip()  # noqa: E731
    return {
        "right": code.block(line(right, only_right), title="correct: the slope at z"),
        "bug": code.block(line(wrong, only_wrong), title="the bug: the slope at a"),
        "right whole": code.block(right, title="`nnlab.network.backprop`", marked=[only_right],
                                  mark="correct: f'(z)", collapsed=True),
        "bug whole": code.block(wrong, title="the same function with the bug (built from it)",
                                marked=[only_wrong], mark="the one changed line",
                                collapsed=True),
    }
