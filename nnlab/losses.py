"""Loss functions: each one's value and output error written once, side by side.

Conventions, said once:
- ``z`` and ``a`` are the output layer's pre-activations and activations, shape (n, k);
  ``y`` holds the targets in the same shape.
- Every loss is summed over the k outputs of a sample and **averaged over the n samples**.
  So ``Loss.value`` is a mean, and ``Loss.delta`` (dL/dz) carries the 1/n.

As in Nielsen's ``network2.py``, a loss is two functions: ``fn`` (the per-sample value) and
``delta`` (the per-sample output error dL/dz, given the output activation). Losses are paired
with output activations explicitly (``PAIRINGS``). Two pairs cancel the activation's slope, so
their output error is simply a - y: sigmoid + ``bce`` and softmax + ``softmax_ce``; both compute
their value from the logits z, which never takes log(0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import Activation


def mse(z, a, y):
    return np.sum((a - y) ** 2, axis=1)


def mse_delta(z, a, y, output):
    return output.backprop(z, a, 2.0 * (a - y))


def half_mse(z, a, y):
    return 0.5 * np.sum((a - y) ** 2, axis=1)


def half_mse_delta(z, a, y, output):
    return output.backprop(z, a, a - y)


def bce(z, a, y):
    # log(1 + e^z) - y z is -[y log a + (1-y) log(1-a)] for a = sigmoid(z), without log(0).
    return np.sum(np.logaddexp(0.0, z) - y * z, axis=1)


def bce_delta(z, a, y, output):
    # dL/da = (a - y) / (a (1 - a)) and the sigmoid's slope a (1 - a) cancel.
    return a - y


def softmax_ce(z, a, y):
    # log sum_j e^z_j - sum_i y_i z_i is -sum_i y_i log a_i when the targets sum to 1.
    zmax = z.max(axis=1, keepdims=True)
    logsumexp = zmax[:, 0] + np.log(np.exp(z - zmax).sum(axis=1))
    return logsumexp - np.sum(y * z, axis=1)


def softmax_ce_delta(z, a, y, output):
    # The softmax Jacobian turns -y_i / a_i into a - y (targets summing to 1).
    return a - y


@dataclass(frozen=True)
class Loss:
    """One loss: ``fn(z, a, y)`` per sample and ``delta(z, a, y, output)`` = dL/dz per sample."""

    name: str
    label: str  # what a page calls it: "squared error"
    fn: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (n,) values
    sample_delta: Callable[[np.ndarray, np.ndarray, np.ndarray, Activation], np.ndarray]
    formula: str  # LaTeX for one sample
    delta_formula: str
    # The output activation this loss is fused with (its delta is a - y), if any.
    fused_output: str | None = None
    # The fast kernels' form of dL/da for squared errors: grad_factor * (a - y). Tested equal
    # to ``sample_delta``.
    grad_factor: float = 1.0
    # Whether each target row must be a distribution (its delta a - y assumes sum(y) = 1).
    targets_sum_to_one: bool = False

    @property
    def menu_label(self) -> str:
        """The label with the short name a learner types elsewhere: "squared error (mse)"."""
        return f"{self.label} ({self.name})"

    def value(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
        """Mean over samples of the per-sample loss."""
        return float(np.mean(self.fn(z, a, y)))

    def delta(self, z: np.ndarray, a: np.ndarray, y: np.ndarray, output: Activation) -> np.ndarray:
        """dL/dz for the output layer, including the 1/n of the mean."""
        if self.fused_output is not None and output.name != self.fused_output:
            raise ValueError(f"loss: {self.name} needs a {self.fused_output} output; "
                             f"got {output.name}")
        return self.sample_delta(z, a, y, output) / len(a)

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", "squared error", mse, mse_delta, r"\sum_i(\hat y_i - y_i)^2",
             r"2(\hat y - y)\,f'(z)", grad_factor=2.0),
        Loss("half_mse", "half squared error", half_mse, half_mse_delta, r"\tfrac12\sum_i(\hat y_i - y_i)^2",
             r"(\hat y - y)\,f'(z)"),
        Loss("bce", "cross-entropy", bce, bce_delta, r"-[y\log\hat y + (1-y)\log(1-\hat y)]", r"\hat y - y",
             fused_output="sigmoid"),
        Loss("softmax_ce", "softmax cross-entropy", softmax_ce, softmax_ce_delta, r"-\sum_i y_i \log \hat y_i",
             r"\hat y - y", fused_output="softmax", targets_sum_to_one=True),
    )
}

# Which losses each output activation may be trained with.
PAIRINGS: dict[str, tuple[str, ...]] = {
    "sigmoid": ("bce", "mse", "half_mse"),
    "identity": ("mse", "half_mse"),
    "softmax": ("softmax_ce", "mse", "half_mse"),
}


def get_loss(name: str, output: str | None = None) -> Loss:
    """Look a loss up by name, checking that it pairs with the output activation."""
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"loss: one of {', '.join(LOSSES)}; got {name!r}")
    if output is not None:
        if not isinstance(output, str) or output not in PAIRINGS:
            raise ValueError(f"output: one of {', '.join(PAIRINGS)} (the outputs a loss pairs "
                             f"with); got {output!r}")
        if name not in PAIRINGS[output]:
            raise ValueError(f"loss: a {output} output allows {', '.join(PAIRINGS[output])}; "
                             f"got {name!r}")
    return LOSSES[name]

