"""Activation functions, each one object holding its value and its derivative.

Every function works in place (``out=``) so the training loop can reuse its buffers; the
pure forms (``act(z)``) are thin wrappers around the same code, so value and derivative
cannot drift apart.

``backprop_into(z, a, g, scratch)`` turns ``g = dL/da`` into ``dL/dz`` in place. For the
element-wise activations that is ``g * f'(z)``; softmax mixes its outputs, so it multiplies
by its Jacobian instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation: ``forward_into(z, out)`` and ``backprop_into(z, a, g, scratch)``."""

    name: str
    formula: str  # LaTeX, for lessons
    derivative_formula: str
    forward_into: Callable[[np.ndarray, np.ndarray], np.ndarray]
    backprop_into: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    hidden_ok: bool = True  # softmax only makes sense on the output layer

    def __call__(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        return self.forward_into(z, np.empty_like(z))

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """f'(z) element-wise (not defined for softmax, whose derivative is a Jacobian)."""
        if self.name == "softmax":
            raise ValueError("softmax has a Jacobian, not an element-wise derivative")
        z = np.asarray(z, dtype=float)
        ones = np.ones_like(z)
        return self.backprop_into(z, self(z), ones, np.empty_like(z))

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _sigmoid_into(z, out):
    # 0.5*tanh(z/2) + 0.5 equals 1/(1+exp(-z)) but never overflows, so huge inputs
    # (a diverging run) give 0 or 1 without a RuntimeWarning.
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    np.multiply(out, 0.5, out=out)
    return np.add(out, 0.5, out=out)


def _sigmoid_backprop(z, a, g, scratch):
    np.subtract(1.0, a, out=scratch)
    np.multiply(scratch, a, out=scratch)
    return np.multiply(g, scratch, out=g)


def _tanh_into(z, out):
    return np.tanh(z, out=out)


def _tanh_backprop(z, a, g, scratch):
    np.multiply(a, a, out=scratch)
    np.subtract(1.0, scratch, out=scratch)
    return np.multiply(g, scratch, out=g)


def _relu_into(z, out):
    return np.maximum(z, 0.0, out=out)


def _relu_backprop(z, a, g, scratch):
    # A float mask multiply is cheaper than boolean indexing; f'(0) is taken as 0.
    np.greater(z, 0.0, out=scratch)
    return np.multiply(g, scratch, out=g)


def _leaky_relu_into(z, out):
    np.multiply(z, LEAKY_SLOPE, out=out)
    return np.maximum(z, out, out=out)


def _leaky_relu_backprop(z, a, g, scratch):
    np.greater(z, 0.0, out=scratch)
    np.multiply(scratch, 1.0 - LEAKY_SLOPE, out=scratch)
    np.add(scratch, LEAKY_SLOPE, out=scratch)
    return np.multiply(g, scratch, out=g)


def _identity_into(z, out):
    if out is not z:
        np.copyto(out, z)
    return out


def _identity_backprop(z, a, g, scratch):
    return g


def _softmax_into(z, out):
    # Subtracting the row maximum keeps exp() finite for any logits.
    np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    return np.divide(out, out.sum(axis=-1, keepdims=True), out=out)


def _softmax_backprop(z, a, g, scratch):
    # Jacobian-vector product: dL/dz_i = a_i * (g_i - sum_j g_j a_j).
    np.multiply(g, a, out=scratch)
    inner = scratch.sum(axis=-1, keepdims=True)
    np.subtract(g, inner, out=g)
    return np.multiply(g, a, out=g)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", r"\sigma(z) = \frac{1}{1+e^{-z}}", r"\sigma(z)\,(1-\sigma(z))",
                   _sigmoid_into, _sigmoid_backprop),
        Activation("tanh", r"\tanh(z)", r"1-\tanh^2(z)", _tanh_into, _tanh_backprop),
        Activation("relu", r"\max(0, z)", r"1 \text{ if } z>0 \text{ else } 0",
                   _relu_into, _relu_backprop),
        Activation("leaky_relu", rf"\max({LEAKY_SLOPE}z, z)",
                   rf"1 \text{{ if }} z>0 \text{{ else }} {LEAKY_SLOPE}",
                   _leaky_relu_into, _leaky_relu_backprop),
        Activation("identity", r"z", r"1", _identity_into, _identity_backprop),
        Activation("softmax", r"\frac{e^{z_i}}{\sum_j e^{z_j}}", r"a_i(\delta_{ij} - a_j)",
                   _softmax_into, _softmax_backprop, hidden_ok=False),
    )
}

HIDDEN_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if a.hidden_ok)
OUTPUT_ACTIVATIONS = ("sigmoid", "identity", "softmax")


def get_activation(name: str, field: str = "activation", allowed=None) -> Activation:
    """Look an activation up by name; an unknown name fails with the list of valid ones."""
    allowed = tuple(allowed or ACTIVATIONS)
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}; got {name!r}")
    return ACTIVATIONS[name]
