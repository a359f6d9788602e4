"""Initial parameters: random schemes drawn from an explicit seed, or numbers given by hand.

Schemes (``Init.method``):
    uniform  W ~ U(weight_range), b ~ U(bias_range): the "pick a range and retry" idea
    normal   W ~ N(0, std^2), b = 0
    xavier   W ~ N(0, 1/fan_in), b = 0   (the form the multi-layer tutorial uses for sigmoid/tanh)
    he       W ~ N(0, 2/fan_in), b = 0   (for ReLU: it zeroes half of its inputs)
    zeros    W = 0, b = 0                (shows the symmetry problem: hidden units stay clones)

The weight seed is separate from any data seed, so two runs can start from the very same
weights and differ in one setting only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .network import Network, Params

METHODS = ("uniform", "normal", "xavier", "he", "zeros")


@dataclass(frozen=True)
class Init:
    """A recipe for initial parameters; ``draw(network, attempt)`` makes them."""

    method: str = "uniform"
    seed: int = 0
    weight_range: tuple[float, float] = (-1.0, 1.0)
    bias_range: tuple[float, float] = (-0.5, 0.5)
    std: float = 1.0

    def __post_init__(self):
        checks.one_of(self.method, "method", METHODS)
        object.__setattr__(self, "seed", checks.seed(self.seed, "seed"))
        for field in ("weight_range", "bias_range"):
            low, high = _pair(getattr(self, field), field)
            if low > high:
                checks.fail(field, "a pair (low, high) with low <= high", (low, high))
            object.__setattr__(self, field, (low, high))
        object.__setattr__(self, "std", checks.number(self.std, "std", low=0))

    def draw(self, network: Network, attempt: int = 0) -> Params:
        """Parameters for ``network``; each retry ``attempt`` gets its own stream."""
        if not isinstance(network, Network):
            checks.fail("network", "a Network", network)
        attempt = checks.whole(attempt, "attempt", 0)
        rng = np.random.default_rng([int(self.seed), int(attempt)] if attempt else int(self.seed))
        return [self._layer(rng, fan_in, fan_out)
                for fan_in, fan_out in zip(network.sizes[:-1], network.sizes[1:])]

    def _layer(self, rng, fan_in, fan_out):
        if self.method == "uniform":
            W = rng.uniform(*self.weight_range, size=(fan_in, fan_out))
            b = rng.uniform(*self.bias_range, size=fan_out)
            return W, b
        std = {"normal": self.std, "xavier": np.sqrt(1.0 / fan_in),
               "he": np.sqrt(2.0 / fan_in), "zeros": 0.0}[self.method]
        W = rng.standard_normal((fan_in, fan_out)) * std
        return W, np.zeros(fan_out)


def _pair(value, field):
    if isinstance(value, (str, bytes)) or not np.iterable(value) or len(value) != 2:
        checks.fail(field, "a pair (low, high) of finite numbers", value)
    return tuple(checks.number(v, field) for v in value)


def init_params(network: Network, method: str = "uniform", seed: int = 0, **options) -> Params:
    """Shorthand for ``Init(method, seed, **options).draw(network)``."""
    return Init(method, seed, **options).draw(network)
