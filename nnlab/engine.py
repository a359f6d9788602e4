"""The tuned training kernel behind ``nnlab.train``.

A tiny network's epoch costs NumPy call overhead, not arithmetic, so the kernel
- keeps every layer's ``[W; b]`` block in one flat vector (the bias is a weight on a constant
  input of 1, so a layer is one matrix product and the update is two calls),
- preallocates every buffer once per batch size and writes into it with ``out=``,
- reuses ``a - y`` as the output delta.
It computes exactly the formulas of ``network.backprop`` (tests hold the two together).
"""

from __future__ import annotations

import numpy as np

from .losses import Loss
from .network import Network, Params


class FlatParams:
    """All layers' parameters in one vector ``theta``, with a ``[W; b]`` view per layer."""

    def __init__(self, network: Network, params: Params, dtype=np.float64):
        self.shapes = [(i + 1, o) for i, o in zip(network.sizes[:-1], network.sizes[1:])]
        self.theta = np.empty(sum(r * c for r, c in self.shapes), dtype)
        self.blocks = self.views(self.theta)
        for block, (W, b) in zip(self.blocks, params):
            block[:-1] = W
            block[-1] = b

    def views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per-layer (fan_in + 1, fan_out) views into a flat vector laid out like theta."""
        views, start = [], 0
        for rows, cols in self.shapes:
            views.append(flat[start:start + rows * cols].reshape(rows, cols))
            start += rows * cols
        return views

    def to_params(self, flat: np.ndarray | None = None) -> Params:
        """A fresh list of (W, b) float64 arrays from ``flat`` (default: theta)."""
        flat = self.theta if flat is None else flat
        return [(v[:-1].astype(np.float64), v[-1].astype(np.float64)) for v in self.views(flat)]

    def weight_mask(self) -> np.ndarray:
        """1 for weights, 0 for biases (weight decay leaves biases alone)."""
        mask = np.ones_like(self.theta)
        for view in self.views(mask):
            view[-1] = 0
        return mask


class Kernel:
    """Buffers and one forward + backward pass for batches of ``n`` rows."""

    def __init__(self, network: Network, loss: Loss, flat: FlatParams, n: int, dtype=np.float64):
        self.acts = network.activations
        self.loss = loss
        self.blocks = flat.blocks
        sizes = network.sizes
        # A[l] is layer l's input with a trailing column of ones (the bias input).
        self.A = [np.ones((n, s + 1), dtype) for s in sizes[:-1]]
        self.Z = [np.empty((n, s), dtype) for s in sizes[1:]]
        self.D = [np.empty((n, s), dtype) for s in sizes[1:]]
        self.S = [np.empty((n, s), dtype) for s in sizes[1:]]
        self.out = [a[:, :-1] for a in self.A[1:]] + [np.empty((n, sizes[-1]), dtype)]
        self.Y = np.empty((n, sizes[-1]), dtype)
        self.n = n

    def load(self, X: np.ndarray, Y: np.ndarray) -> None:
        self.A[0][:, :-1] = X
        self.Y[...] = Y

    @property
    def output(self) -> np.ndarray:
        return self.out[-1]

    def forward(self) -> None:
        for A, W, Z, f, out in zip(self.A, self.blocks, self.Z, self.acts, self.out):
            np.dot(A, W, out=Z)
            f.forward_into(Z, out)

    def step(self, grad_blocks: list[np.ndarray]) -> float:
        """Forward and backward on the loaded batch; gradients into ``grad_blocks``.

        Returns the batch's mean loss, measured before any update.
        """
        self.forward()
        A, Z, D, S, out = self.A, self.Z, self.D, self.S, self.out
        last = len(Z) - 1
        np.subtract(out[last], self.Y, out=D[last])
        value = self.loss.fast_mean(Z[last], self.Y, D[last], S[last])
        self.loss.delta_into(Z[last], out[last], self.Y, D[last], self.acts[last], S[last])
        for layer in range(last, -1, -1):
            np.dot(A[layer].T, D[layer], out=grad_blocks[layer])
            if layer:
                np.dot(D[layer], self.blocks[layer][:-1].T, out=D[layer - 1])
                self.acts[layer - 1].backprop_into(Z[layer - 1], out[layer - 1], D[layer - 1],
                                                   S[layer - 1])
        return value
