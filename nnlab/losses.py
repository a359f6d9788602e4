"""Loss functions, each one object holding its value and its gradient.

Conventions, said once:
- ``z`` and ``a`` are the output layer's pre-activations and activations, shape (n, k);
  ``y`` holds the targets in the same shape.
- Every loss is summed over the k outputs of a sample and **averaged over the n samples**.
  So ``value`` is a mean, and ``delta`` (dL/dz) already carries the 1/n.
- Losses are paired with output activations explicitly (``PAIRINGS``). Two pairs have a
  fused, numerically stable form whose output delta is simply (a - y)/n:
  sigmoid + ``bce`` and softmax + ``softmax_ce``. Both compute their value from the logits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import Activation


@dataclass(frozen=True)
class Loss:
    """A loss: per-sample value, gradient with respect to the output ``a``."""

    name: str
    formula: str  # LaTeX for one sample
    per_sample: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (z, a, y) -> (n,)
    # The training loop's form: the mean from z, y and diff = a - y, reusing a scratch buffer.
    fast_mean: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], float]
    grad_factor: float = 1.0  # dL/da = grad_factor * (a - y) per sample (squared errors)
    fused_output: str | None = None  # output activation whose delta is simply a - y

    def value(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
        """Mean over samples of the per-sample loss."""
        return float(np.mean(self.per_sample(z, a, y)))

    def delta(self, z: np.ndarray, a: np.ndarray, y: np.ndarray, output: Activation) -> np.ndarray:
        """dL/dz for the output layer, including the 1/n of the mean."""
        return self.delta_into(z, a, y, a - y, output, np.empty_like(a))

    def delta_into(self, z, a, y, diff, output: Activation, scratch) -> np.ndarray:
        """Turn ``diff = a - y`` into dL/dz in place (the training loop's form)."""
        if output.name == self.fused_output:
            return np.multiply(diff, 1.0 / len(a), out=diff)
        if self.fused_output is not None:
            raise ValueError(f"loss {self.name!r} needs a {self.fused_output} output")
        np.multiply(diff, self.grad_factor / len(a), out=diff)
        return output.backprop_into(z, a, diff, scratch)

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


def _mse(z, a, y):
    d = a - y
    return np.einsum("ij,ij->i", d, d)


def _half_mse(z, a, y):
    return 0.5 * _mse(z, a, y)


def _bce(z, a, y):
    # log(1 + e^z) - y z is -[y log a + (1-y) log(1-a)] for a = sigmoid(z), without log(0).
    return np.sum(np.logaddexp(0.0, z) - y * z, axis=1)


def _fast_mse(z, y, diff, scratch):
    return float(np.vdot(diff, diff)) / len(diff)


def _fast_half_mse(z, y, diff, scratch):
    return 0.5 * _fast_mse(z, y, diff, scratch)


def _fast_bce(z, y, diff, scratch):
    np.logaddexp(0.0, z, out=scratch)
    return (float(scratch.sum()) - float(np.vdot(y, z))) / len(z)


def _fast_softmax_ce(z, y, diff, scratch):
    return float(np.mean(_softmax_ce(z, None, y)))


def _softmax_ce(z, a, y):
    zmax = z.max(axis=1, keepdims=True)
    logsumexp = zmax[:, 0] + np.log(np.exp(z - zmax).sum(axis=1))
    return logsumexp - np.sum(y * z, axis=1)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", r"(\hat y - y)^2", _mse, _fast_mse, grad_factor=2.0),
        Loss("half_mse", r"\tfrac12(\hat y - y)^2", _half_mse, _fast_half_mse),
        Loss("bce", r"-[y\log\hat y + (1-y)\log(1-\hat y)]", _bce, _fast_bce,
             fused_output="sigmoid"),
        Loss("softmax_ce", r"-\sum_i y_i \log \hat y_i", _softmax_ce, _fast_softmax_ce,
             fused_output="softmax"),
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
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}; got {name!r}")
    if output is not None and name not in PAIRINGS[output]:
        raise ValueError(
            f"loss {name!r} does not pair with a {output} output; "
            f"a {output} output allows: {', '.join(PAIRINGS[output])}"
        )
    return LOSSES[name]
