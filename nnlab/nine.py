"""The 2-2-1 XOR network written with nine named numbers, in plain Python.

This is the network as the first lessons teach it: no arrays, every number has a name.

    h1 = sigmoid(w11*x1 + w21*x2 + b1)        w_ij is the weight from input i to hidden neuron j
    h2 = sigmoid(w12*x1 + w22*x2 + b2)        (the same as W1[i-1, j-1] in the matrix version)
    y_hat = sigmoid(v1*h1 + v2*h2 + c)

Some texts name the weights the other way round ("w12 = into hidden neuron 1 from input 2");
``Nine.from_rows`` takes numbers in that per-neuron order.

The formulas themselves (the sigmoid, each loss and its output error) are the registry's in
``activations.py`` and ``losses.py``, applied to one number at a time.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from .activations import ACTIVATIONS
from .losses import get_loss
from .network import Params

XOR_ROWS = ((0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0))
SIGMOID = ACTIVATIONS["sigmoid"]


def sigmoid(z: float) -> float:
    """The registry's sigmoid on one number (it never overflows)."""
    return float(SIGMOID(z))


def loss_value(z_out: float, y_hat: float, y: float, loss: str) -> float:
    """One sample's loss, by the registry's formula (bce from z_out: never log(0))."""
    return float(get_loss(loss, "sigmoid").fn(*_one(z_out, y_hat, y))[0])


def _one(*numbers):
    return [np.array([[float(x)]]) for x in numbers]


@dataclass(frozen=True)
class Forward9:
    """Every number of one forward pass."""

    x1: float
    x2: float
    z1: float
    h1: float
    z2: float
    h2: float
    z_out: float
    y_hat: float


@dataclass(frozen=True)
class Step9:
    """Every number of one gradient step on one sample (or the mean over several)."""

    forward: Forward9 | None  # None for a step averaged over several samples
    loss: float
    delta_out: float
    dv1: float
    dv2: float
    dc: float
    delta_h1: float
    delta_h2: float
    dw11: float
    dw21: float
    db1: float
    dw12: float
    dw22: float
    db2: float
    before: "Nine"
    after: "Nine"

    def gradients(self) -> "Nine":
        """The nine gradients, in the same layout as the parameters."""
        return Nine(self.dw11, self.dw21, self.db1, self.dw12, self.dw22, self.db2,
                    self.dv1, self.dv2, self.dc)


@dataclass(frozen=True)
class Nine:
    """The nine numbers of the 2-2-1 net (hidden neuron 1, hidden neuron 2, output)."""

    w11: float
    w21: float
    b1: float
    w12: float
    w22: float
    b2: float
    v1: float
    v2: float
    c: float

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                    or not math.isfinite(value):
                raise ValueError(f"{f.name} must be a finite number; got {value!r}")

    @classmethod
    def from_rows(cls, hidden1, hidden2, output) -> "Nine":
        """From per-neuron rows: (from x1, from x2, bias) twice, then (from h1, from h2, bias)."""
        (a, b, b1), (d, e, b2), (v1, v2, c) = hidden1, hidden2, output
        return cls(w11=a, w21=b, b1=b1, w12=d, w22=e, b2=b2, v1=v1, v2=v2, c=c)

    @classmethod
    def from_params(cls, params: Params) -> "Nine":
        (W1, b1), (W2, b2) = params
        if np.shape(W1) != (2, 2) or np.shape(W2) != (2, 1):
            raise ValueError("params: the nine-number net is 2-2-1")
        return cls(float(W1[0, 0]), float(W1[1, 0]), float(b1[0]), float(W1[0, 1]),
                   float(W1[1, 1]), float(b1[1]), float(W2[0, 0]), float(W2[1, 0]), float(b2[0]))

    def to_params(self) -> Params:
        """The same numbers as a list of (W, b) for the matrix version."""
        W1 = np.array([[self.w11, self.w12], [self.w21, self.w22]])
        W2 = np.array([[self.v1], [self.v2]])
        return [(W1, np.array([self.b1, self.b2])), (W2, np.array([self.c]))]

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def forward(self, x1: float, x2: float) -> Forward9:
        z1 = self.w11 * x1 + self.w21 * x2 + self.b1
        z2 = self.w12 * x1 + self.w22 * x2 + self.b2
        h1, h2 = sigmoid(z1), sigmoid(z2)
        z_out = self.v1 * h1 + self.v2 * h2 + self.c
        y_hat = sigmoid(z_out)
        return Forward9(x1, x2, z1, h1, z2, h2, z_out, y_hat)

    def gradient(self, x1: float, x2: float, y: float, loss: str = "half_mse") -> Step9:
        """Backpropagation on one sample, every intermediate number kept (no update)."""
        f = self.forward(x1, x2)
        delta_out = output_delta(f.y_hat, y, loss)
        delta_h1 = delta_out * self.v1 * f.h1 * (1 - f.h1)
        delta_h2 = delta_out * self.v2 * f.h2 * (1 - f.h2)
        return Step9(
            forward=f, loss=loss_value(f.z_out, f.y_hat, y, loss), delta_out=delta_out,
            dv1=delta_out * f.h1, dv2=delta_out * f.h2, dc=delta_out,
            delta_h1=delta_h1, delta_h2=delta_h2,
            dw11=delta_h1 * x1, dw21=delta_h1 * x2, db1=delta_h1,
            dw12=delta_h2 * x1, dw22=delta_h2 * x2, db2=delta_h2,
            before=self, after=self,
        )

    def step(self, x1: float, x2: float, y: float, learning_rate: float,
             loss: str = "half_mse") -> Step9:
        """One online gradient-descent step on one sample."""
        g = self.gradient(x1, x2, y, loss)
        return replace(g, after=self.descend(g.gradients(), learning_rate))

    def batch_step(self, rows=XOR_ROWS, learning_rate: float = 1.0,
                   loss: str = "mse") -> Step9:
        """One full-batch step: gradients averaged over ``rows`` of (x1, x2, y)."""
        steps = [self.gradient(x1, x2, y, loss) for x1, x2, y in rows]
        names = [f.name for f in fields(Step9) if f.name not in ("forward", "before", "after")]
        mean = {name: sum(getattr(s, name) for s in steps) / len(steps) for name in names}
        grads = Nine(*(mean[k] for k in ("dw11", "dw21", "db1", "dw12", "dw22", "db2",
                                         "dv1", "dv2", "dc")))
        return Step9(forward=None, **mean, before=self,
                     after=self.descend(grads, learning_rate))

    def descend(self, grads: "Nine", learning_rate: float) -> "Nine":
        return Nine(*(getattr(self, f.name) - learning_rate * getattr(grads, f.name)
                      for f in fields(Nine)))

    def outputs(self, rows=XOR_ROWS) -> list[float]:
        return [self.forward(x1, x2).y_hat for x1, x2, _ in rows]


def output_delta(y_hat: float, y: float, loss: str) -> float:
    """dL/dz_out for a sigmoid output: the loss's slope times the sigmoid's slope.

    Cross-entropy's slope cancels the sigmoid's, leaving y_hat - y. (The registry's delta gets
    no z: a sigmoid's slope y_hat (1 - y_hat) reads only its output.)
    """
    _, a, target = _one(0.0, y_hat, y)
    return float(get_loss(loss, "sigmoid").sample_delta(None, a, target, SIGMOID)[0, 0])


# The hand-picked start of the nine-number XOR walkthrough (outputs all near 0.49).
HAND_PICKED = Nine(w11=0.30, w21=-0.20, b1=0.00, w12=-0.40, w22=0.10, b2=0.00,
                   v1=0.20, v2=-0.30, c=0.00)
# The fixed start of the exact-loss-table program, given there per neuron.
TABLE_START = Nine.from_rows((0.5, -0.4, 0.1), (0.9, 0.3, -0.2), (0.8, -0.6, 0.05))
