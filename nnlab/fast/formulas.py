"""The fast kernels' formula table: every place where speed needs a formula in another form.

``activations.py`` and ``losses.py`` hold each formula once, in plain NumPy. The kernels in this
package want some of them rewritten: in place on preallocated buffers (``forward_call``,
``backprop_call``, ``loss_calls``), as Python source for the generated tiny-net program
(``PY_ACTIVATION``, ``PY_LOSS``), or with their constants folded for many nets at once
(``BATCHED_LOSSES``). This module is the only one in the kernels that looks a formula up by its
name; anything not listed falls back to the registry's own function. Tests hold every form to
the registry's (``tests/test_reference_engine.py``, ``tests/test_formulas.py``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..activations import LEAKY_SLOPE
from ..losses import Loss

# np.dot and np.copyto first ask their arguments whether they override NumPy
# (__array_function__, NEP 18), ~0.3 us a call: 10% of a small net's epoch. NumPy keeps the
# plain C functions as ``_implementation``; fall back to the public ones if that ever goes.
dot = getattr(np.dot, "_implementation", np.dot)
copyto = getattr(np.copyto, "_implementation", np.copyto)


# Activations whose slope reads only a = f(z), so z may be overwritten by a.
SLOPE_FROM_A = ("sigmoid", "tanh", "relu", "identity")


def forward_call(f, z, a) -> Callable[[], None]:
    """``a = f(z)`` in place, bound to its buffers.

    The common activations are written out here with positional ``out`` arguments and 0-d
    constants (each call measured ~0.1 us cheaper); the formulas are activations.py's.
    """
    half = np.array(0.5, a.dtype)
    if f.name == "sigmoid":  # 0.5 * tanh(z / 2) + 0.5: never overflows

        def sigmoid():
            np.multiply(z, half, a)
            np.tanh(a, a)
            np.multiply(a, half, a)
            np.add(a, half, a)

        return sigmoid
    if f.name == "tanh":
        return functools.partial(np.tanh, z, a)
    if f.name == "relu":
        # np.maximum(z, zeros) measured 2x faster than np.maximum(z, 0.0).
        return functools.partial(np.maximum, z, np.zeros_like(z), out=a)
    if f.name == "softmax":  # softmax runs along each sample: the rows of the transposes
        return lambda: copyto(a.T, f(z.T))
    return lambda: copyto(a, f(z))


def backprop_call(f, z, a, d, s) -> Callable[[], None]:
    """``d = d * f'(z)`` in place, bound to its buffers (f' from a where it can be)."""
    one = np.array(1.0, a.dtype)
    if f.name == "identity":
        return lambda: None
    if f.name == "sigmoid":  # a (1 - a)

        def sigmoid_backprop():
            np.subtract(one, a, s)
            np.multiply(s, a, s)
            np.multiply(d, s, d)

        return sigmoid_backprop
    if f.name == "tanh":  # 1 - a^2

        def tanh_backprop():
            np.multiply(a, a, s)
            np.subtract(one, s, s)
            np.multiply(d, s, d)

        return tanh_backprop
    if f.name == "relu":
        # f'(z) = 1 where a = relu(z) > 0, else 0, as min(ceil(a), 1): three float calls beat
        # np.greater's bool-to-float cast (measured 5.5 vs 6.6 us on a 16 x 500 layer).
        ones = np.ones_like(a)

        def relu_backprop():
            np.ceil(a, s)
            np.minimum(s, ones, out=s)  # (np.minimum takes out= by keyword only)
            np.multiply(d, s, d)

        return relu_backprop
    if f.name == "softmax":
        return lambda: copyto(d.T, f.backprop(z.T, a.T, d.T))
    return lambda: copyto(d, f.backprop(z, a, d))


def scales_gradients(loss: Loss) -> bool:
    """Whether the Kernel can fold a learning rate into this loss's gradients (``grad_scale``)."""
    return loss.name != "softmax_ce"  # its delta comes from losses.py, unscaled


def loss_calls(loss: Loss, output, z, a, y, d, s, grad_scale=1.0):
    """``value()`` (the mean loss) and ``delta()`` (d = a - y becomes dL/dz), bound to buffers."""
    n = z.shape[1]
    if not scales_gradients(loss) and grad_scale != 1.0:
        raise ValueError(f"grad_scale: {loss.name} keeps the plain gradient")
    flat_z, flat_y, flat_d, flat_s = z.reshape(-1), y.reshape(-1), d.reshape(-1), s.reshape(-1)
    if loss.name in ("mse", "half_mse"):
        half = 0.5 if loss.name == "half_mse" else 1.0

        def value():
            return half * float(dot(flat_d, flat_d)) / n
    elif loss.name == "bce":  # always with a sigmoid output (losses.PAIRINGS)
        ones, zeros, one = np.ones_like(flat_s), np.zeros_like(z), np.array(1.0, z.dtype)

        def value():
            # log(1 + e^z) - y z, as max(z, 0) - y z - log(sigmoid(|z|)) with
            # sigmoid(|z|) = max(a, 1 - a) from the forward pass: stable like np.logaddexp
            # (within ~1e-16 of it) and half its time. A dot with ones sums faster than .sum().
            np.maximum(z, zeros, out=s)
            positive = float(dot(ones, flat_s))
            np.subtract(one, a, s)
            np.maximum(a, s, out=s)
            np.log(s, s)
            return (positive - float(dot(flat_y, flat_z)) - float(dot(ones, flat_s))) / n
    else:  # softmax_ce, in rows of samples
        return (lambda: loss.value(z.T, a.T, y.T),
                lambda: copyto(d.T, loss.delta(z.T, a.T, y.T, output)))
    if output.name == loss.fused_output:
        scale = np.array(grad_scale / n, z.dtype)  # a 0-d operand is cheaper than a Python float
        return value, functools.partial(np.multiply, d, scale, d)
    if loss.fused_output is not None:
        raise ValueError(f"loss {loss.name!r} needs a {loss.fused_output} output")
    scale = np.array(grad_scale * loss.grad_factor / n, z.dtype)
    backprop = backprop_call(output, z, a, d, s)

    def delta():
        np.multiply(d, scale, d)
        backprop()

    return value, delta


# ---------------------------------------------------------------------------------------
# The tiny-net program's pieces: straight-line Python for one architecture

# Python source for a = f(z) and for f'(z) as a factor, for every element-wise activation.
# {z}, {a} are generated variable names. Each mirrors the NumPy form in activations.py,
# NaN included (a NaN must surface in the loss so divergence is caught at the same epoch).
PY_ACTIVATION = {
    "sigmoid": ("0.5 * tanh(0.5 * {z}) + 0.5", "({a} * (1.0 - {a}))"),
    "tanh": ("tanh({z})", "(1.0 - {a} * {a})"),
    "relu": ("{z} if not {z} <= 0.0 else 0.0", "({z} > 0.0)"),
    "leaky_relu": (f"{{z}} if {{z}} > {LEAKY_SLOPE!r} * {{z}} else {LEAKY_SLOPE!r} * {{z}}",
                   f"({(1.0 - LEAKY_SLOPE) + LEAKY_SLOPE!r} if {{z}} > 0.0 else {LEAKY_SLOPE!r})"),
    "identity": ("{z}", None),
}
# Per-sample loss from the output error e = a - y (or the logit z for bce), and the factor
# of dL/da = factor * e. bce with a sigmoid output is fused: its dL/dz is e itself.
PY_LOSS = {
    "mse": ("{e} * {e}", 2.0),
    "half_mse": ("0.5 * ({e} * {e})", 1.0),
    # log(1 + e^z) - y z, computed like np.logaddexp(0, z): never overflows.
    "bce": ("({z} + log1p(exp(-{z})) if {z} > 0.0 else log1p(exp({z}))) - {y} * {z}", 1.0),
}
# The only functions the generated program can call.
PY_FUNCTIONS = {"tanh": math.tanh, "exp": math.exp, "log1p": math.log1p}
TINY_LOSSES = tuple(PY_LOSS)
TINY_OUTPUTS = ("sigmoid", "identity")


# ---------------------------------------------------------------------------------------
# The many-nets kernels (``batched.py``): each loss's constants folded in


@dataclass(frozen=True)
class BatchedLoss:
    """A loss as ``batched.ManyKernel`` and ``batched.SigmoidKernel`` compute it.

    ManyKernel sums (a - y)^2 (or the cross-entropy terms) over samples; ``sum_scale`` turns that
    into the per-sample loss. SigmoidKernel works in r = 2 (a - y) and T = tanh(z / 2):
    dL/dz_out = ``sigmoid_kappa`` x delta, and its raw sums x ``sigmoid_scale`` are the loss.
    """

    sum_scale: float
    logistic: bool  # computed from the logits, as losses.bce is
    sigmoid_kappa: float
    sigmoid_scale: float


BATCHED_LOSSES = {
    "mse": BatchedLoss(sum_scale=1.0, logistic=False, sigmoid_kappa=0.25, sigmoid_scale=0.25),
    "half_mse": BatchedLoss(sum_scale=0.5, logistic=False, sigmoid_kappa=0.125,
                            sigmoid_scale=0.125),
    "bce": BatchedLoss(sum_scale=1.0, logistic=True, sigmoid_kappa=0.5, sigmoid_scale=1.0),
}
BATCHED_OUTPUTS = ("sigmoid", "identity")
SIGMOID_NET = ("sigmoid", "sigmoid")  # SigmoidKernel's layers: [d, h, 1] all sigmoid
