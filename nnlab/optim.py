"""Optimisers as in-place updates of one flat parameter vector.

All parameters of a network live in one vector ``theta`` (see ``engine.FlatParams``), so an
update is a couple of NumPy calls whatever the depth. ``make_optimizer`` returns a function
``step(theta, grad)`` that changes ``theta`` in place (and may use ``grad`` as scratch).

    sgd       theta -= lr * g
    momentum  v = beta * v + g;  theta -= lr * v
    adam      m, v moving averages of g and g^2, bias-corrected; theta -= lr * m / (sqrt(v) + eps)

L2 weight decay adds ``l2 * W`` to the gradient of every weight (biases are not decayed); the
loss recorded in a run is the data loss alone.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")

Step = Callable[[np.ndarray, np.ndarray], None]


def check_learning_rate(learning_rate) -> float:
    lr = _number(learning_rate, "learning_rate")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"learning_rate must be a positive, finite number; got {learning_rate!r}")
    return lr


def _number(value, field) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{field} must be a number; got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{field} must be a number; got {value!r}")


def check_optimizer(name: str, learning_rate, *, l2=0.0, momentum=0.9, beta1=0.9,
                    beta2=0.999) -> tuple[float, float]:
    """Validate an optimiser's settings; return ``(learning_rate, l2)`` as floats.

    Separate from ``make_optimizer`` so a trainer that never builds one (the tiny-net path
    updates its own Python floats) still rejects the same bad settings.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {name!r}")
    lr = check_learning_rate(learning_rate)
    l2 = _number(l2, "l2")
    if not (math.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 must be a finite number >= 0; got {l2!r}")
    for field, value in (("momentum", momentum), ("beta1", beta1), ("beta2", beta2)):
        if not 0 <= _number(value, field) < 1:
            raise ValueError(f"{field} must lie in [0, 1); got {value!r}")
    return lr, l2


def make_optimizer(
    name: str,
    learning_rate: float,
    size: int,
    *,
    l2: float = 0.0,
    weight_mask: np.ndarray | None = None,
    momentum: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    dtype=np.float64,
) -> Step:
    """An in-place update ``step(theta, grad)`` for a flat vector of ``size`` parameters."""
    lr, l2 = check_optimizer(name, learning_rate, l2=l2, momentum=momentum, beta1=beta1,
                             beta2=beta2)
    scratch = np.empty(size, dtype)
    decay = None
    if l2 > 0:
        mask = np.ones(size, dtype) if weight_mask is None else weight_mask.astype(dtype)
        decay = mask * l2

    def add_decay(theta, grad):
        if decay is not None:
            np.multiply(theta, decay, out=scratch)
            np.add(grad, scratch, out=grad)

    if name == "sgd":
        lr_ = np.array(lr, dtype)  # a 0-d operand is cheaper than a Python float in a hot loop

        def step(theta, grad):
            add_decay(theta, grad)
            np.multiply(grad, lr_, grad)  # positional out: cheaper to parse than out=
            np.subtract(theta, grad, theta)

    elif name == "momentum":
        velocity = np.zeros(size, dtype)

        def step(theta, grad):
            add_decay(theta, grad)
            np.multiply(velocity, momentum, out=velocity)
            np.add(velocity, grad, out=velocity)
            np.multiply(velocity, lr, out=scratch)
            np.subtract(theta, scratch, out=theta)

    else:
        m = np.zeros(size, dtype)
        v = np.zeros(size, dtype)
        t = [0]

        def step(theta, grad):
            add_decay(theta, grad)
            t[0] += 1
            np.multiply(m, beta1, out=m)
            np.add(m, (1 - beta1) * grad, out=m)  # (m += ... would make m a local name)
            np.multiply(v, beta2, out=v)
            np.add(v, (1 - beta2) * grad * grad, out=v)
            m_hat_scale = lr / (1 - beta1 ** t[0])
            v_hat_scale = 1 / (1 - beta2 ** t[0])
            np.multiply(v, v_hat_scale, out=scratch)
            np.sqrt(scratch, out=scratch)
            np.add(scratch, eps, out=scratch)
            np.divide(m, scratch, out=scratch)
            np.multiply(scratch, m_hat_scale, out=scratch)
            np.subtract(theta, scratch, out=theta)

    return step
