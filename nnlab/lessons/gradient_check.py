"""Lesson 7, checking backpropagation: the planted bug beside the real code, and a case study.

The case study is a well-known NumPy XOR tutorial whose data carry the bias as a constant
third input column (x1, x2, 1), whose backward pass applies sigma' to the activation (the bug
this lesson catches), and whose printed "Loss" is the mean absolute error mean(|output - Y|).
Its first printed number depends only on its seeded start, so nnlab can reproduce it exactly.
"""

from __future__ import annotations

import numpy as np

from .. import gradcheck
from ..network import Network, Params, backprop, forward
from ..view import code

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


def bug_markdown() -> tuple[str, str]:
    """``nnlab.network.backprop`` and the same function with the bug, the differing line marked."""
    right, wrong = code.source(backprop), gradcheck.BUGGY_SOURCE
    only_right, only_wrong = code.differing_lines(right, wrong)
    first = code.first_line_of(backprop)
    return (code.block(right, title="right: `nnlab.network.backprop`", first_line=first,
                       marked=[first + n - 1 for n in only_right]),
            code.block(wrong, title="with the bug (built from it, one line changed)",
                       first_line=first, marked=[first + n - 1 for n in only_wrong]))
