"""Activation functions: each one's value and derivative written once, side by side.

For every element-wise activation ``f`` there are two plain NumPy functions:

    f(z)          the value a = f(z)
    f_slope(z, a) the derivative f'(z); it is given a = f(z) too, because several
                  derivatives read best from it (sigmoid: a (1 - a), tanh: 1 - a^2)

Backpropagation through a layer turns g = dL/da into dL/dz = g * f'(z) (``Activation.backprop``).
Softmax mixes its outputs, so it has no element-wise derivative: its backprop multiplies g by
its Jacobian instead (``softmax_backprop``).

These are the only copies of the formulas. The fast kernels (``nnlab.fast.steppers``) use tuned in-place
forms of a few of them and are tested equal to these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


def sigmoid(z):
    # 0.5 tanh(z/2) + 0.5 equals 1 / (1 + e^-z) but never overflows, so huge inputs
    # (a diverging run) give 0 or 1 without a RuntimeWarning.
    return 0.5 * np.tanh(0.5 * z) + 0.5


def sigmoid_slope(z, a):
    return a * (1.0 - a)


def tanh(z):
    return np.tanh(z)


def tanh_slope(z, a):
    return 1.0 - a * a


def relu(z):
    return np.maximum(z, 0.0)


def relu_slope(z, a):
    return (z > 0.0).astype(a.dtype)  # f'(0) is taken as 0


def leaky_relu(z):
    return np.maximum(z, LEAKY_SLOPE * z)


def leaky_relu_slope(z, a):
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE).astype(a.dtype)


def identity(z):
    return z


def identity_slope(z, a):
    return np.ones_like(a)


def softmax(z):
    # Subtracting each row's maximum keeps exp() finite for any logits; the result is the same.
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_backprop(z, a, g):
    """dL/dz from g = dL/da through softmax's Jacobian: a_i (g_i - sum_j g_j a_j)."""
    return a * (g - np.sum(g * a, axis=-1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """One activation: ``f(z)`` and its derivative, with their LaTeX for the lessons."""

    name: str
    fn: Callable[[np.ndarray], np.ndarray]  # a = f(z)
    # f'(z) from z and a = f(z); None for softmax, whose derivative is a Jacobian
    slope: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    formula: str  # LaTeX
    derivative_formula: str
    hidden_ok: bool = True  # softmax only makes sense on the output layer
    jacobian_backprop: Callable | None = None  # softmax: dL/dz from (z, a, dL/da)
    min_units: int = 1  # softmax over one unit would always say 1
    # The range f approaches but never leaves (sigmoid 0 to 1): near it the slope is ~0, the
    # unit is "saturated". None for an unbounded f.
    bounds: tuple[float, float] | None = None
    # ReLU: f and f' are 0 for every z <= 0, so a unit that never sees z > 0 is "dead".
    off_below_zero: bool = False

    def __call__(self, z) -> np.ndarray:
        return self.fn(_floats(z))

    def derivative(self, z) -> np.ndarray:
        """f'(z) element-wise (not defined for softmax, whose derivative is a Jacobian)."""
        if self.slope is None:
            raise ValueError(f"activation: {self.name} has a Jacobian, not an element-wise "
                             "derivative; use backprop")
        z = _floats(z)
        return self.slope(z, self.fn(z))

    def backprop(self, z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
        """dL/dz from g = dL/da, for pre-activations z and activations a = f(z)."""
        if self.slope is None:
            return self.jacobian_backprop(z, a, g)
        return g * self.slope(z, a)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _floats(z) -> np.ndarray:
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(float)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, sigmoid_slope,
                   r"\sigma(z) = \frac{1}{1+e^{-z}}", r"\sigma(z)\,(1-\sigma(z))",
                   bounds=(0.0, 1.0)),
        Activation("tanh", tanh, tanh_slope, r"\tanh(z)", r"1-\tanh^2(z)", bounds=(-1.0, 1.0)),
        Activation("relu", relu, relu_slope,
                   r"\max(0, z)", r"1 \text{ if } z>0 \text{ else } 0", off_below_zero=True),
        Activation("leaky_relu", leaky_relu, leaky_relu_slope, rf"\max({LEAKY_SLOPE}z, z)",
                   rf"1 \text{{ if }} z>0 \text{{ else }} {LEAKY_SLOPE}"),
        Activation("identity", identity, identity_slope, r"z", r"1"),
        Activation("softmax", softmax, None, r"\frac{e^{z_i}}{\sum_j e^{z_j}}",
                   r"a_i(\delta_{ij} - a_j)", hidden_ok=False, jacobian_backprop=softmax_backprop,
                   min_units=2, bounds=(0.0, 1.0)),
    )
}

HIDDEN_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if a.hidden_ok)
OUTPUT_ACTIVATIONS = ("sigmoid", "identity", "softmax")


def get_activation(name: str, field: str = "activation", allowed=None) -> Activation:
    """Look an activation up by name; an unknown name fails with the list of valid ones."""
    allowed = tuple(allowed or ACTIVATIONS)
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"{field}: one of {', '.join(allowed)}; got {name!r}")
    return ACTIVATIONS[name]
