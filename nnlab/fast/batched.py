"""The many-nets kernels behind ``train_many`` and ``sweep``: K nets of one architecture trained
side by side in the same NumPy calls.

Net k is the LAST index of every array (the nets' numbers sit next to each other in memory, so
every call is one long, vectorised loop; with the nets on the first axis the same work measured
11x slower). The data are shared, so the first layer of all nets is a single matrix product.

Two kernels do the epochs: ``ManyKernel`` for any architecture, and ``SigmoidKernel`` for the
lessons' [d, h, 1] nets with sigmoid units, rewritten exactly to need fewer NumPy calls and
passes (1.2-1.25x faster). ``Tracker`` applies ``train``'s stop rules (``nnlab.run``) a block of
epochs at a time. An epoch of K nets is bound by NumPy's per-call cost (~0.3-0.9 us a call) for
small K and by memory passes (~20 ns per net and epoch) for large K.

Shapes (K nets, n samples):
    theta      (P, K)         all parameters, net k in column k, each column laid out like
                              ``steppers.FlatParams`` (per layer a [W; b] block, row-major)
    z, a, d    (units, n, K)  pre-activations, activations and dL/dz of a layer
    loss       (epochs, K)    the numbers ``train`` records, one column per net
"""

from __future__ import annotations

import numpy as np

from ..init import Init
from ..losses import get_loss
from ..network import Network
from ..run import LOSS_EXPLODE_FACTOR, OVERSHOOT_FACTOR, PARAM_EXPLODE_FACTOR
from .formulas import (
    BATCHED_LOSSES, BATCHED_OUTPUTS, SIGMOID_NET, SLOPE_FROM_A, backprop_call, forward_call,
)

# Epochs between the checks of convergence and of divergence (their rows are kept for a block).
BLOCK = 64


def supports(network: Network, loss: str) -> bool:
    """Whether the kernels can train this net with this loss (element-wise outputs only)."""
    return loss in BATCHED_LOSSES and network.output in BATCHED_OUTPUTS


def later_layer_work(network: Network, n: int) -> int:
    """Products per epoch the batched kernel forms in the layers after the first, per net."""
    sizes = network.sizes
    return sum((m + 1) * o * n for m, o in zip(sizes[1:-1], sizes[2:]))


def draw_many(network: Network, init: Init, seeds, weight_range, bias_range) -> np.ndarray:
    """Initial parameters (P, K) float64, net k exactly ``Init(..., seed=seeds[k]).draw(network)``.

    ``Init.draw`` makes ``rng.uniform(low, high)`` layer by layer, W then b, which is
    ``low + (high - low) * u`` over the generator's next doubles u, in exactly theta's order.
    So each distinct seed draws its u once and every net scales them by its own ranges: a
    sweep of 20 x 20 settings x 50 seeds draws 50 times, not 20,000.
    """
    distinct, which = np.unique(seeds, return_inverse=True)
    if init.method != "uniform":  # normal, xavier, he, zeros: no ranges to vary
        columns = [np.concatenate([np.vstack([W, b]).ravel() for W, b in
                                   Init(init.method, int(s), std=init.std).draw(network)])
                   for s in distinct]
        return np.stack(columns, axis=1)[:, which]
    P = network.n_params
    # Generator(PCG64(s)) is what default_rng(s) builds, in half the time (a sweep draws
    # thousands).
    u = np.stack([np.random.Generator(np.random.PCG64(int(s))).random(P) for s in distinct],
                 axis=1)[:, which]
    bias = np.zeros(P, bool)
    start = 0
    for m, o in zip(network.sizes[:-1], network.sizes[1:]):
        bias[start + m * o:start + (m + 1) * o] = True  # the last row of each [W; b] block
        start += (m + 1) * o
    low = np.where(bias[:, None], bias_range[:, 0], weight_range[:, 0])
    high = np.where(bias[:, None], bias_range[:, 1], weight_range[:, 1])
    return low + (high - low) * u


class ManyKernel:
    """Buffers and one full-batch epoch (forward, loss, backward, update) for K nets.

    Arrays are (units, n, K), the NumPy kernel's column layout with the nets added last, so a
    layer's activations are one contiguous block (writing them into a strided view measured
    several times slower).
    """

    def __init__(self, network, loss, X, Y, theta, lr):
        n, K, dt = len(X), theta.shape[1], theta.dtype
        sizes = network.sizes
        self.theta = theta
        self.grad = np.empty_like(theta)
        self.blocks, self.grads = blocks(theta, sizes), blocks(self.grad, sizes)
        # Layer 1: the data are the same for every net, so z[j] = X1 @ W1[:, j, :] for all K
        # nets at once: a matmul batched over the units j.
        self.X1 = np.hstack([X, np.ones((n, 1))]).astype(dt)  # the ones column: bias input
        self.W1 = self.blocks[0].transpose(1, 0, 2)  # (h, d + 1, K)
        self.G1 = self.grads[0].transpose(1, 0, 2)
        self.Y = Y.T.astype(dt)[:, :, None]  # (k, n, 1): the same targets for every net
        self.acts = network.activations
        # A[l] is layer l's input: (fan_in + 1, n, K) with a last row of ones.
        self.A = [None] + [np.ones((s + 1, n, K), dt) for s in sizes[1:-1]]
        self.out = [a[:-1] for a in self.A[1:]] + [np.empty((sizes[-1], n, K), dt)]
        # As in steppers.Kernel, hidden z is computed where a goes when f' needs only a.
        self.Z = [a if f.name in SLOPE_FROM_A and a is not self.out[-1] else np.empty_like(a)
                  for a, f in zip(self.out, self.acts)]
        self.D = [np.empty((s, n, K), dt) for s in sizes[1:]]
        self.S = [np.empty((s, n, K), dt) for s in sizes[1:]]
        self.S2 = np.empty_like(self.S[-1])
        # Scratch for layers >= 2: every product W[i, j] a[i] before summing over i.
        self.T = [None] + [np.empty((m + 1, o, n, K), dt) for m, o in zip(sizes[1:-1], sizes[2:])]
        self.forwards = [forward_call(f, z, a) for f, z, a in zip(self.acts, self.Z, self.out)]
        self.backs = [backprop_call(f, z, a, d, s)
                      for f, z, a, d, s in zip(self.acts, self.Z, self.out, self.D, self.S)]
        loss_fn = get_loss(loss)
        fused = loss_fn.fused_output == network.output
        self.output_back = (lambda: None) if fused else self.backs[-1]
        form = BATCHED_LOSSES[loss]
        self.logistic = form.logistic
        self.loss_scale = form.sum_scale / n  # raw sums -> mean loss
        # The loss factor and 1/n go into the step size: one multiply fewer per epoch.
        step = lr * (1.0 if fused else loss_fn.grad_factor) / n
        self.step = step.astype(dt) if np.ptp(step) else np.array(step[0], dt)

    def forward(self) -> None:
        Z, A = self.Z, self.A
        np.matmul(self.X1, self.W1, out=Z[0])
        self.forwards[0]()
        for layer in range(1, len(Z)):
            T = self.T[layer]
            np.multiply(A[layer][:, None], self.blocks[layer][:, :, None], out=T)
            np.add.reduce(T, axis=0, out=Z[layer])
            self.forwards[layer]()

    def epoch(self, loss_row: np.ndarray) -> None:
        """One epoch for every net; the raw loss sums (before any update) go into ``loss_row``."""
        self.forward()
        A, D, Z, S, last = self.A, self.D, self.Z, self.S, len(self.Z) - 1
        np.subtract(self.out[last], self.Y, out=D[last])
        if self.logistic:
            # log(1 + e^z) - y z as max(z, 0) - y z - log(max(a, 1 - a)), like steppers.Kernel:
            # np.logaddexp has no vectorised float32 loop and cost more than all of these.
            z, a, s, s2 = Z[last], self.out[last], S[last], self.S2
            np.maximum(z, 0.0, out=s)
            np.multiply(z, self.Y, out=s2)
            np.subtract(s, s2, out=s)
            np.subtract(1.0, a, out=s2)
            np.maximum(a, s2, out=s2)
            np.log(s2, out=s2)
            np.subtract(s, s2, out=s)
            np.add.reduce(s, axis=(0, 1), out=loss_row)
        else:
            np.einsum("onk,onk->k", D[last], D[last], out=loss_row)
        self.output_back()
        for layer in range(last, 0, -1):
            T, W = self.T[layer], self.blocks[layer]
            np.multiply(A[layer][:, None], D[layer][None], out=T)
            np.add.reduce(T, axis=2, out=self.grads[layer])
            if W.shape[1] == 1:  # one unit above: no sum over units needed
                np.multiply(W[:-1], D[layer][0], out=D[layer - 1])
            else:
                back = T[:-1]  # the bias row does not flow back
                np.multiply(W[:-1, :, None], D[layer][None], out=back)
                np.add.reduce(back, axis=1, out=D[layer - 1])
            self.backs[layer - 1]()
        np.matmul(self.X1.T, D[0], out=self.G1)
        np.multiply(self.grad, self.step, out=self.grad)
        np.subtract(self.theta, self.grad, out=self.theta)

    norm_scale = 1.0  # norm2 writes the squared norm itself

    @staticmethod
    def elements(network: Network, n: int) -> int:
        """Numbers per net in the buffers above (theta and grad aside): A, Z, D, S and T."""
        sizes = network.sizes
        hidden = sum((s + 1) * n for s in sizes[1:-1])
        per_layer = 3 * n * sum(sizes[1:])  # Z (where it is not A), D, S
        return hidden + per_layer + 3 * sizes[-1] * n + later_layer_work(network, n)

    def norm2(self, out: np.ndarray) -> None:
        np.einsum("pk,pk->k", self.theta, self.theta, out=out)

    def params(self) -> np.ndarray:
        return self.theta

    def solved(self) -> np.ndarray:
        """Whether each net puts every output on the correct side of 0.5."""
        self.forward()
        return ((self.out[-1] > 0.5) == (self.Y > 0.5)).all(axis=(0, 1))


class SigmoidKernel:
    """The same epoch for [d, h, 1] nets with sigmoid hidden and output units (the lessons'
    XOR nets), in fewer NumPy calls and fewer passes over the K nets.

    Two exact rewrites make the difference:

    - sigmoid(z) = (1 + tanh(z / 2)) / 2, and halving is exact in binary floating point. So
      the parameters are kept halved (``half`` is theta / 2): X1 @ (W1 / 2) is z / 2, ready
      for tanh without a multiply, and a halved step keeps every update exact as well.
    - The epoch is written in t = tanh(z / 2) and e = 1 + t = 2 sigmoid(z), with the
      constant factors moved into the per-net step size ``beta``: a (1 - a) = e (1 - t) / 4
      and sum_j v_j a_j + c = sum_j (v_j / 2) e_j + c. (Only the rounding differs from
      ``ManyKernel``; tests hold float64 runs to ``train`` within 1e-9.)

    Per net, with hidden t and e (n, h), output T (n,) and r = T - (2y - 1) = 2 (output - y):
        U = z_out / 2 = sum_j (v_j / 4) e_j + c / 2,    T = tanh(U)
        delta = r (1 - T^2) for mse and half_mse, r for bce      (dL/dz_out = kappa delta)
        P_j = delta e_j,   m_j = P_j (1 - t_j) = delta (1 - t_j^2)   (dL/dz_j = kappa v_j m_j / 4)
    and with beta = learning_rate kappa / 4, gradient descent on the halved parameters is
        W1/2 -= beta (v_j / 2) (X1^T m)_j,    v_j/2 -= beta sum P_j,    c/2 -= 2 beta sum delta.

    Nets are last and (n, h, K) blocks contiguous. NumPy's fast path needs operands of one
    shape (or 0-d): a call that broadcasts costs ~0.9 us instead of ~0.3 us, and a (n, 1)
    operand measured 2x slower, hence the repeated ``target`` and ``beta`` arrays.
    """

    norm_scale = 4.0  # norm2 sums the halved parameters' squares

    @staticmethod
    def elements(network: Network, n: int) -> int:
        """Numbers per net in the buffers below: t, e, P; U, T, r, s, targets; H, q, bv, G."""
        d, h = network.sizes[0], network.sizes[1]
        return 3 * h * n + 8 * n + (d + 4) * h + 1

    @staticmethod
    def fits(network: Network) -> bool:
        return (len(network.sizes) == 3 and network.sizes[2] == 1
                and tuple(f.name for f in network.activations) == SIGMOID_NET)

    def __init__(self, network, loss, X, Y, theta, lr):
        (n, d), K, dt = X.shape, theta.shape[1], theta.dtype
        h = network.sizes[1]
        split = (d + 1) * h  # where the output layer's [v; c] starts
        self.half = theta * dt.type(0.5)
        self.W1 = self.half[:split].reshape(d + 1, h * K)  # (d + 1, h, K) flattened: one matmul
        self.out_layer = self.half[split:]  # [v; c] / 2, (h + 1, K)
        self.v, self.c = self.out_layer[:h], self.out_layer[h]
        self.X1 = np.hstack([X, np.ones((n, 1))]).astype(dt)  # the ones column: bias input
        self.X1T = np.ascontiguousarray(self.X1.T)
        # Hidden t and e as (n, h * K), the matmul's layout, and (n, h, K) views of them.
        self.t, self.e = np.empty((n, h * K), dt), np.empty((n, h * K), dt)
        self.t3, self.e3 = self.t.reshape(n, h, K), self.e.reshape(n, h, K)
        self.P = np.empty((n, h, K), dt)
        self.m = self.P.reshape(n, h * K)  # P turns into m in the backward pass
        self.U, self.T, self.r, self.s = (np.empty((n, K), dt) for _ in range(4))
        self.H = np.empty((d + 1, h * K), dt)  # X1^T m
        self.H3 = self.H.reshape(d + 1, h, K)
        self.q, self.bv = np.empty((h, K), dt), np.empty((h, K), dt)
        self.G = np.empty((h + 1, K), dt)  # the output layer's step: sum P_j; sum delta
        self.target = np.repeat((2 * Y - 1).astype(dt), K, axis=1)
        form = BATCHED_LOSSES[loss]
        self.bce = form.logistic
        if self.bce:
            self.Y, self.zeros = np.repeat(Y.astype(dt), K, axis=1), np.zeros((n, K), dt)
        self.half_, self.one = np.array(0.5, dt), np.array(1.0, dt)
        # kappa: dL/dz_out = kappa delta; loss_scale turns the raw sums into the mean loss
        # (for mse and half_mse they are sums of r^2 = 4 (output - y)^2).
        kappa = form.sigmoid_kappa / n
        self.loss_scale = form.sigmoid_scale / n
        # Step sizes per net: a row per hidden unit (beta, for v and for W1) and one for c.
        beta = lr * (kappa / 4)
        self.beta = np.vstack([np.tile(beta, (h, 1)), 2 * beta]).astype(dt)

    def forward(self) -> None:
        """Hidden t, e and output T of every net. (Every hot call passes out positionally:
        measured ~0.05 us cheaper a call than out=.)"""
        t, P, U, q = self.t, self.P, self.U, self.q
        np.matmul(self.X1, self.W1, t)  # z / 2 of every hidden unit of every net
        np.tanh(t, t)
        np.add(t, self.one, self.e)
        np.multiply(self.v, self.half_, q)  # v / 4 (v is stored halved)
        np.multiply(self.e3, q, P)
        np.add(P[:, 0], self.c, U)
        for j in range(1, P.shape[1]):
            np.add(U, P[:, j], U)
        np.tanh(U, self.T)

    def epoch(self, loss_row: np.ndarray) -> None:
        """One epoch for every net; the raw loss sums (before any update) go into ``loss_row``."""
        self.forward()
        self.backward(self.output_delta(loss_row))

    def output_delta(self, loss_row: np.ndarray) -> np.ndarray:
        """delta (n, K), after writing the raw loss sums."""
        T, r, s = self.T, self.r, self.s
        np.subtract(T, self.target, r)
        if self.bce:
            self._bce_sums(loss_row)
            return r
        np.multiply(r, r, s)
        np.add.reduce(s, 0, None, loss_row)
        np.multiply(T, T, s)
        np.subtract(self.one, s, s)
        np.multiply(r, s, r)
        return r

    def _bce_sums(self, loss_row: np.ndarray) -> None:
        """log(1 + e^z) - y z summed over samples, as ManyKernel computes it with z = 2 U:
        max(z, 0) - y z - log(max(a, 1 - a)), where max(a, 1 - a) = (1 + |T|) / 2."""
        U, s, s2 = self.U, self.s, self.P[:, 0]
        np.maximum(U, self.zeros, out=s)  # (np.maximum takes out= by keyword only)
        np.multiply(U, self.Y, s2)
        np.subtract(s, s2, s)
        np.add(s, s, s)
        np.absolute(self.T, s2)
        np.multiply(s2, self.half_, s2)
        np.add(s2, self.half_, s2)
        np.log(s2, s2)
        np.subtract(s, s2, s)
        np.add.reduce(s, 0, None, loss_row)

    def backward(self, delta: np.ndarray) -> None:
        """Gradient descent on the halved parameters from the output delta (n, K)."""
        P, G, H, bv, t = self.P, self.G, self.H, self.bv, self.t3
        np.multiply(self.e3, delta[:, None], P)  # P_j = delta e_j
        np.add.reduce(P, 0, None, G[:-1])
        np.add.reduce(delta, 0, None, G[-1])
        np.multiply(G, self.beta, G)  # the output layer's steps
        np.subtract(self.one, t, t)  # (t is not needed any more this epoch)
        np.multiply(P, t, P)  # m_j = delta e_j (1 - t_j) = delta (1 - t_j^2)
        np.matmul(self.X1T, self.m, H)
        # The hidden layer's step uses v before v's own update.
        np.multiply(self.v, self.beta[:-1], bv)
        np.multiply(self.H3, bv, self.H3)
        np.subtract(self.W1, H, self.W1)
        np.subtract(self.out_layer, G, self.out_layer)

    def norm2(self, out: np.ndarray) -> None:
        np.einsum("pk,pk->k", self.half, self.half, out=out)

    def params(self) -> np.ndarray:
        return self.half * self.half_.dtype.type(2)

    def solved(self) -> np.ndarray:
        """Whether each net puts every output on the correct side of 0.5."""
        self.forward()
        return ((0.5 * self.T + 0.5 > 0.5) == (self.target > 0)).all(axis=0)  # y > 0.5


def blocks(flat, sizes):
    """Per-layer (fan_in + 1, fan_out, K) views of a (P, K) array."""
    views, start = [], 0
    for m, o in zip(sizes[:-1], sizes[1:]):
        views.append(flat[start:start + (m + 1) * o].reshape(m + 1, o, -1))
        start += (m + 1) * o
    return views


class Tracker:
    """Loss rows, convergence and divergence, worked out a block of epochs at a time.

    ``train``'s rules, per net: the run ends at the first epoch whose weights have grown
    1000-fold, or whose loss is NaN or above 1e6 x (first loss + 1). The kernel writes each
    epoch's raw loss sums and squared weight norm into rows here; every BLOCK epochs the rows
    are checked in a few vectorised calls instead of a few calls per epoch.
    """

    def __init__(self, K, epochs, threshold, record, scale, norm_scale, dtype):
        rows = min(BLOCK, epochs)
        self.curve = np.empty((epochs, K), dtype) if record else None
        self.losses = None if record else np.empty((rows, K), dtype)
        self.norms = np.empty((rows, K), dtype)
        self.threshold, self.scale, self.norm_scale = threshold, scale, norm_scale
        self.converged_at = np.full(K, -1)
        self.diverged_at = np.full(K, -1)
        self.overshot_at = np.full(K, -1)  # verdicts.overshot_at, a block at a time
        self.final = np.full(K, np.nan)
        self.limit = self.size_limit = None
        self.done = 0  # epochs already checked

    def rows(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Where the kernel writes the raw loss sums and squared weight norms of a block."""
        losses = self.curve[start:end] if self.curve is not None else self.losses[:end - start]
        return losses, self.norms[:end - start]

    def check(self, end: int) -> None:
        """Check the epochs trained since the last check.

        Most nets pass a block without an event, so each rule first looks at one extreme per
        net (the largest norm and loss, the smallest loss: the scalings are monotone, so they
        give the same verdict as every row would) and goes epoch by epoch only through the
        columns of the few nets that fail it. The full version over every row measured 9% of
        a sweep's time.
        """
        start = self.done
        if end == start:
            return
        losses = self.curve[start:end] if self.curve is not None else self.losses[:end - start]
        scale = losses.dtype.type(self.scale)  # raw sums -> mean losses, applied where needed
        if self.curve is not None:  # a recorded curve holds the mean losses
            losses *= scale
            scale = losses.dtype.type(1)
        norms = self.norms[:end - start]
        if start == 0:
            first = norms[0].astype(np.float64) * self.norm_scale
            self.size_limit = (PARAM_EXPLODE_FACTOR * np.maximum(1.0, np.sqrt(first))) ** 2
            self.limit = LOSS_EXPLODE_FACTOR * ((losses[0] * scale).astype(np.float64) + 1.0)
            self.overshoot = OVERSHOOT_FACTOR * (losses[0] * scale).astype(np.float64)
        # np.max keeps NaN, so a NaN anywhere makes a net a suspect too.
        suspects = np.flatnonzero((self.diverged_at < 0) & (
            ~(norms.max(axis=0).astype(np.float64) * self.norm_scale <= self.size_limit)
            | ~(losses.max(axis=0) * scale <= self.limit)))
        if len(suspects):
            size = norms[:, suspects].astype(np.float64) * self.norm_scale
            loss = losses[:, suspects] * scale
            bad = ~(size <= self.size_limit[suspects]) | ~(loss <= self.limit[suspects])
            if start == 0:  # the first epoch sets the loss limit, so only NaN fails it
                bad[0] = ~(size[0] <= self.size_limit[suspects]) | np.isnan(loss[0])
            _first(bad, start, suspects, self.diverged_at)
        stop = np.where(self.diverged_at < 0, end, self.diverged_at)  # later epochs do not count
        # The overshoot rule (verdicts.overshot_at): the largest loss of the block decides
        # which nets to look at epoch by epoch.
        candidates = np.flatnonzero((self.overshot_at < 0) & (
            np.fmax.reduce(losses, axis=0) * scale > self.overshoot))
        if len(candidates):
            above = ((losses[:, candidates] * scale > self.overshoot[candidates])
                     & (np.arange(start, end)[:, None] < stop[candidates]))
            _first(above, start, candidates, self.overshot_at)
        if self.threshold is not None:
            # np.fmin skips NaN: an epoch before a blow-up may still have converged.
            candidates = np.flatnonzero((self.converged_at < 0) & (
                np.fmin.reduce(losses, axis=0) * scale < self.threshold))
            if len(candidates):
                below = ((losses[:, candidates] * scale < self.threshold)
                         & (np.arange(start, end)[:, None] < stop[candidates]))
                _first(below, start, candidates, self.converged_at)
        last = stop - 1
        inside = np.flatnonzero((last >= start) & (last < end))
        self.final[inside] = losses[last[inside] - start, inside] * scale
        self.done = end
        if self.curve is not None and end == len(self.curve):  # curves end where runs did
            for k in np.flatnonzero(self.diverged_at >= 0):
                self.curve[self.diverged_at[k]:, k] = np.nan


def _first(hits, start, columns, into) -> None:
    """``into[columns[i]]`` = the first epoch with a hit in ``hits[:, i]``, where there is one."""
    some = hits.any(axis=0)
    into[columns[some]] = start + hits[:, some].argmax(axis=0)
