"""Optimisers, twice: as plain ``init``/``update`` pairs the training loop reads, and fast.

The plain form (JAX style) works on the parameters as they are everywhere else, a list of
``(W, b)`` pairs, and keeps its running averages in a state it returns instead of mutating::

    init(params) -> state
    update(params, grads, state) -> (new_params, new_state)

    sgd       theta <- theta - lr g
    momentum  v <- beta v + g;  theta <- theta - lr v
    adam      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2  (moving averages of g and g^2)
              theta <- theta - lr m_hat / (sqrt(v_hat) + eps)
              with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)  (t: the step count)

L2 weight decay adds ``l2 * W`` to the gradient of every weight (biases are not decayed); the
loss recorded in a run is the data loss alone.

``make_optimizer`` is the same maths as in-place updates of one flat parameter vector (see
``fast.steppers.FlatParams``): a couple of NumPy calls per step whatever the depth, for the fast
engine. Tests hold the two forms equal.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from . import checks

OPTIMIZERS = ("sgd", "momentum", "adam")
MODES = ("full", "minibatch", "online")  # how an epoch's samples are grouped into updates

Step = Callable[[np.ndarray, np.ndarray], None]


class Optimizer(NamedTuple):
    """A plain optimiser: ``init(params) -> state``, ``update(params, grads, state)``."""

    init: Callable
    update: Callable


def each(fn, *trees):
    """``fn`` applied to matching arrays of lists of ``(W, b)`` pairs: a new list of pairs."""
    return [tuple(map(fn, *pairs)) for pairs in zip(*trees)]


def with_weight_decay(grads, params, l2: float):
    """Gradients with ``l2 * W`` added to every weight's (biases are not decayed)."""
    if l2 == 0:
        return grads
    return [(dW + l2 * W, db) for (dW, db), (W, _) in zip(grads, params)]


def sgd(learning_rate: float) -> Optimizer:
    def init(params):
        return None

    def update(params, grads, state):
        return each(lambda p, g: p - learning_rate * g, params, grads), state

    return Optimizer(init, update)


def sgd_momentum(learning_rate: float, beta: float = 0.9) -> Optimizer:
    def init(params):
        return each(np.zeros_like, params)  # the velocity

    def update(params, grads, velocity):
        velocity = each(lambda v, g: beta * v + g, velocity, grads)
        return each(lambda p, v: p - learning_rate * v, params, velocity), velocity

    return Optimizer(init, update)


def adam(learning_rate: float, beta1: float = 0.9, beta2: float = 0.999,
         eps: float = 1e-8) -> Optimizer:
    def init(params):
        return 0, each(np.zeros_like, params), each(np.zeros_like, params)  # t, m, v

    def update(params, grads, state):
        t, m, v = state
        t += 1
        m = each(lambda m, g: beta1 * m + (1 - beta1) * g, m, grads)
        v = each(lambda v, g: beta2 * v + (1 - beta2) * g * g, v, grads)
        m_hat_scale, v_hat_scale = 1 / (1 - beta1 ** t), 1 / (1 - beta2 ** t)
        params = each(lambda p, m, v: p - learning_rate * (m * m_hat_scale)
                      / (np.sqrt(v * v_hat_scale) + eps), params, m, v)
        return params, (t, m, v)

    return Optimizer(init, update)


def plain_optimizer(name: str, learning_rate, *, momentum=0.9) -> Optimizer:
    """The plain optimiser called ``name`` ("sgd", "momentum" or "adam"), its settings checked."""
    lr, _ = check_optimizer(name, learning_rate, momentum=momentum)
    if name == "sgd":
        return sgd(lr)
    if name == "momentum":
        return sgd_momentum(lr, float(momentum))
    return adam(lr)


def batches(mode: str, n: int, batch_size: int, rng: np.random.Generator):
    """Index arrays (or None for all rows) of one epoch's batches, in update order.

    "full": one batch of every sample; "online": one sample at a time, in data order;
    "minibatch": batches of ``batch_size`` from a fresh permutation drawn from ``rng``.
    """
    if mode == "full":
        return [None]
    if mode == "online":
        return [np.array([i]) for i in range(n)]
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def check_learning_rate(learning_rate) -> float:
    return checks.positive(learning_rate, "learning_rate")


def check_optimizer(name: str, learning_rate, *, l2=0.0, momentum=0.9, beta1=0.9,
                    beta2=0.999) -> tuple[float, float]:
    """Validate an optimiser's settings; return ``(learning_rate, l2)`` as floats.

    Separate from ``make_optimizer`` so a trainer that never builds one (the tiny-net path
    updates its own Python floats) still rejects the same bad settings.
    """
    checks.one_of(name, "optimizer", OPTIMIZERS)
    lr = check_learning_rate(learning_rate)
    l2 = checks.number(l2, "l2", low=0)
    for field, value in (("momentum", momentum), ("beta1", beta1), ("beta2", beta2)):
        checks.number(value, field, low=0, high=1, high_open=True)
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
    momentum, beta1, beta2 = float(momentum), float(beta1), float(beta2)
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
