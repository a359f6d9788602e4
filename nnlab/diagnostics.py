"""Unit health: which hidden units are saturated or dead on a data set.

A sigmoid or tanh unit is *saturated* on a sample when its output sits within ``margin`` of
a bound (sigmoid near 0 or 1, tanh near -1 or 1): its slope there is almost 0, so almost no
gradient flows through it. A ReLU unit is *dead* when its pre-activation is <= 0 on every
sample: its slope is 0 everywhere, so no gradient reaches its weights. In the first hidden
layer that is final; a deeper unit can come back to life when the layers below it change.
A unit is flagged when it is saturated on at least ``share`` of the samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import checks
from .network import Network, Params, forward_trace

@dataclass(frozen=True)
class LayerHealth:
    layer: int  # 1-based hidden layer number
    activation: str
    units: int
    saturated: tuple[int, ...]  # indices of units saturated on >= share of samples
    dead: tuple[int, ...]  # indices of ReLU units that never fire
    saturated_share: np.ndarray  # per unit: the share of samples on which it is saturated

    @property
    def flagged(self) -> int:
        return len(self.saturated) + len(self.dead)


def unit_health(network: Network, params: Params, X, *, margin: float = 0.02,
                share: float = 0.9) -> list[LayerHealth]:
    """Saturated and dead units of every hidden layer on the samples X."""
    checks.number(margin, "margin", low=0, high=0.5, low_open=True, high_open=True)
    checks.number(share, "share", low=0, high=1, low_open=True)
    trace = forward_trace(network, params, X)
    if len(trace.output) == 0:
        checks.fail("X", "at least one sample (a share of samples is measured)", X,
                    shown="no rows")
    report = []
    for layer, (z, a, f) in enumerate(zip(trace.zs[:-1], trace.activations[1:-1],
                                           network.activations[:-1]), start=1):
        units = a.shape[1]
        saturated_share = np.zeros(units)
        dead: tuple[int, ...] = ()
        if f.bounds is not None:
            low, high = f.bounds
            width = (high - low) * margin
            saturated_share = np.mean((a < low + width) | (a > high - width), axis=0)
        elif f.off_below_zero:
            dead = tuple(int(i) for i in np.flatnonzero(np.all(z <= 0, axis=0)))
            saturated_share = np.mean(z <= 0, axis=0)
        saturated = tuple(int(i) for i in np.flatnonzero(saturated_share >= share)
                          if i not in dead) if f.bounds is not None else ()
        report.append(LayerHealth(layer, f.name, units, saturated, dead, saturated_share))
    return report


def health_messages(report: Sequence[LayerHealth], n_samples: int | None = None) -> list[str]:
    """One sentence per hidden layer and kind of trouble, e.g. "3 of 16 units in hidden layer
    1 are dead: units 2, 5, 9 have z <= 0 on all 500 points"; empty when all are healthy."""
    points = f"all {n_samples} points" if n_samples else "every point"
    messages = []
    for layer in report:
        for kind, units in (("dead", layer.dead), ("saturated", layer.saturated)):
            if not units:
                continue
            one = len(units) == 1
            which = ("unit " if one else "units ") + ", ".join(str(i + 1) for i in units)
            detail = (f"{which} {'has' if one else 'have'} z ≤ 0 on {points}" if kind == "dead"
                      else f"{which} {'sits' if one else 'sit'} near a bound on almost every point")
            messages.append(f"{len(units)} of {layer.units} units in hidden layer {layer.layer} "
                            f"{'is' if one else 'are'} {kind}: {detail}")
    return messages
