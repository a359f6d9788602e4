"""Many small networks trained at once: ``train_many`` and the convergence ``sweep`` on top of it.

Lessons ask questions like "how often does XOR training get stuck, and does that depend on
the learning rate or the initial weight range?". Answering takes thousands of runs. Each
tiny run is pure call overhead, so instead K nets of one architecture train side by side in
the same NumPy calls: net k is the LAST index of every array (the nets' numbers sit next to
each other in memory, so every call is one long, vectorised loop; with the nets on the first
axis the same work measured 11x slower). The data are shared, so the first layer of all nets
is a single matrix product.

Two kernels do the epochs: ``_ManyKernel`` for any architecture, and ``_SigmoidKernel`` for
the lessons' [d, h, 1] nets with sigmoid units, rewritten exactly to need fewer NumPy calls
and passes (1.2-1.25x faster). An epoch of K nets is bound by NumPy's per-call cost (~0.3-0.9
us a call) for small K and by memory passes (~20 ns per net and epoch) for large K.

Shapes (K nets, n samples):
    theta      (P, K)         all parameters, net k in column k, each column laid out like
                              ``engine.FlatParams`` (per layer a [W; b] block, row-major)
    z, a, d    (units, n, K)  pre-activations, activations and dL/dz of a layer
    loss       (epochs, K)    the numbers ``train`` records, one column per net

Every net does exactly what ``train(..., mode="full", optimizer="sgd")`` would do from
``Init(method, seed, ...).draw(network)``; tests check that net by net.
"""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .engine import _SLOPE_FROM_A, _backprop_call, _forward_call, one_blas_thread
from .init import Init
from .losses import get_loss
from .network import Network, Params, forward
from .train import LOSS_EXPLODE_FACTOR, PARAM_EXPLODE_FACTOR, train
from .verdicts import OVERSHOOT_FACTOR, diverged as diverged_rule, overshot_at

MANY_LOSSES = ("mse", "half_mse", "bce")
# Epochs between the checks of convergence and of divergence (their rows are kept for a block).
BLOCK = 64
# No train_many or sweep call allocates more than this (scratch and results together, as
# counted by _Memory): a call that would trains its nets in chunks, one that cannot is refused.
MEMORY_BUDGET = 512 * 2**20
# How the nets are trained: "batched" side by side in the kernels below, "loop" one train() per
# net (the same rules and numbers as train), "auto" whichever is faster for the net.
ENGINES = ("auto", "batched", "loop")
# "auto" loops when a net's layers after the first need more than this many products per epoch,
# sum over those layers of (fan_in + 1) x fan_out x samples: the batched kernel forms every
# product before summing (the T scratch), which a BLAS matmul in train() does not. Measured
# here (float32, 200 nets x 200 epochs, batched time / loop time): 2-8-1 n=500 (4,500): 0.59;
# 2-8-8-1 n=100 (8,100): 0.54; 2-4-4-1 n=500 (12,500): 0.89; 2-16-16-1 n=100 (28,900): 2.3;
# 2-8-8-1 n=500 (40,500): 3.6; 2-16-16-1 n=500 (144,500): 9.1. XOR-sized nets stay batched
# (2-2-1 n=4: 0.02).
LOOP_WORK = 15_000
LOOP_GARBAGE = 32 * 2**20  # at most this many bytes of finished train() runs wait for the GC


@dataclass(frozen=True, eq=False)
class ManyRuns:
    """K nets of one architecture trained side by side; every per-net array ends in K."""

    network: Network
    loss_name: str
    seeds: np.ndarray  # (K,) weight seed of each net
    learning_rate: np.ndarray  # (K,)
    weight_range: np.ndarray  # (K, 2) (NaN for init methods without a range)
    bias_range: np.ndarray  # (K, 2)
    loss: np.ndarray | None  # (epochs, K) loss before each epoch's update; None if not recorded
    final_loss: np.ndarray  # (K,) the last recorded loss, like run.loss[-1]
    theta: np.ndarray  # (P, K) final parameters, float64
    converged_at: np.ndarray  # (K,) first epoch with loss < threshold, -1 if never
    solved: np.ndarray  # (K,) every output on the correct side of 0.5 at the end (not diverged)
    diverged: np.ndarray  # (K,) verdicts.diverged: blew up, or overshot and never converged
    diverged_at: np.ndarray  # (K,) first epoch seen blown up (train's rules), -1 if never
    threshold: float | None
    epochs: int
    settings: dict = field(default_factory=dict)
    overshot_at: np.ndarray | None = None  # (K,) first loss above 2x epoch 0's, -1 if never

    @property
    def K(self) -> int:
        return len(self.seeds)

    @property
    def converged(self) -> np.ndarray:
        return self.converged_at >= 0

    @property
    def params(self) -> Params:
        """Final parameters of all nets: per layer ``(W (K, fan_in, fan_out), b (K, fan_out))``."""
        out, start = [], 0
        for m, o in zip(self.network.sizes[:-1], self.network.sizes[1:]):
            block = self.theta[start:start + (m + 1) * o].reshape(m + 1, o, -1)
            out.append((np.moveaxis(block[:-1], -1, 0).copy(), block[-1].T.copy()))
            start += (m + 1) * o
        return out

    def params_of(self, k: int) -> Params:
        """Final parameters of net ``k`` as the usual list of (W, b)."""
        return [(W[k], b[k]) for W, b in self.params]


def train_many(
    network: Network,
    X,
    Y,
    *,
    seeds,
    loss: str = "mse",
    learning_rate=0.5,
    epochs: int = 1000,
    init: str | Init = "uniform",
    weight_range=None,
    bias_range=None,
    threshold: float | None = None,
    dtype=np.float32,
    record_loss: bool = True,
    memory_budget: int = MEMORY_BUDGET,
    engine: str = "auto",
) -> ManyRuns:
    """Train one net per seed, all at once, full batch with plain gradient descent.

    ``learning_rate``, ``weight_range`` and ``bias_range`` are one value for all nets or one
    per net (arrays of shape (K,), (K, 2), (K, 2)). ``init`` is a method name or an ``Init``
    whose method, ranges and std are used (its seed is replaced by each net's seed), so net k
    starts from exactly ``Init(method, seeds[k], ...).draw(network)``.

    float32 (the default) is several times faster and gives the same verdicts on XOR-sized
    problems; in float64 every net matches ``train`` (tests hold them to 1e-9). Without
    ``record_loss`` only ``final_loss`` and ``converged_at`` are kept, so memory does not grow
    with epochs x nets.

    Memory: nothing here allocates more than ``memory_budget`` bytes (512 MB by default):
    when K nets would need more scratch, they train in chunks of as many as fit, with the
    same verdicts and numbers (bit for bit, except that the [d, h, 1] sigmoid kernel's one
    matrix product over all nets may round a last bit differently); a call whose results
    alone, or whose single net, would not fit is refused with a ValueError that states the
    limit. ``engine="batched"`` trains the nets side by side, ``"loop"`` one ``train`` per
    net (faster for wider, deeper nets on many samples: see ``LOOP_WORK``), ``"auto"``
    picks by that measured crossover.
    """
    get_loss(loss, network.output)
    if loss not in MANY_LOSSES or network.output == "softmax":
        raise ValueError(f"train_many: loss must be one of {', '.join(MANY_LOSSES)} with a "
                         f"sigmoid or identity output; got {loss!r} with {network.output}")
    X = network.check_inputs(X)
    Y = network.check_targets(Y, len(X), loss)
    seeds = _seeds(seeds)
    K = len(seeds)
    epochs = _whole(epochs, "epochs")
    if threshold is not None and not (isinstance(threshold, (int, float)) and threshold > 0):
        raise ValueError(f"threshold must be a positive number or None; got {threshold!r}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64; got {dtype}")
    lr = _per_net(learning_rate, K, "learning_rate")
    if not (np.isfinite(lr).all() and (lr > 0).all()):
        raise ValueError("learning_rate must be positive and finite for every net")
    template = init if isinstance(init, Init) else Init(init)
    w_range = _ranges(template.weight_range if weight_range is None else weight_range, K,
                      "weight_range")
    b_range = _ranges(template.bias_range if bias_range is None else bias_range, K, "bias_range")
    if engine not in ENGINES:
        raise ValueError(f"engine: one of {', '.join(ENGINES)}; got {engine!r}")
    kernel_class = _SigmoidKernel if _SigmoidKernel.fits(network) else _ManyKernel
    loop = engine == "loop" or (engine == "auto" and kernel_class is _ManyKernel
                                and _later_layer_work(network, len(X)) > LOOP_WORK)
    memory = _Memory(network, len(X), dtype, epochs, record_loss, kernel_class, loop)
    chunk = memory.chunk(K, _whole(memory_budget, "memory_budget"))
    block = _train_loop if loop else _train_batched
    parts = [block(network, loss, X, Y, template, seeds[part], lr[part], w_range[part],
                   b_range[part], epochs, threshold, dtype, record_loss, memory)
             for part in (slice(start, start + chunk) for start in range(0, K, chunk))]
    out = parts[0] if len(parts) == 1 else {
        name: None if parts[0][name] is None else np.concatenate([p[name] for p in parts], -1)
        for name in parts[0]}
    if template.method != "uniform":  # the ranges played no part
        w_range = b_range = np.full((K, 2), np.nan)
    return ManyRuns(
        network=network, loss_name=loss, seeds=seeds, learning_rate=lr, weight_range=w_range,
        bias_range=b_range, loss=out["loss"], final_loss=out["final_loss"], theta=out["theta"],
        converged_at=out["converged_at"], solved=out["solved"],
        # The one divergence rule of every lesson and of train (Run.verdict).
        diverged=diverged_rule(out["converged_at"], out["diverged_at"], out["overshot_at"]),
        diverged_at=out["diverged_at"], overshot_at=out["overshot_at"], threshold=threshold,
        epochs=epochs, settings=dict(init=template.method, std=template.std, dtype=dtype.name,
                                     engine="loop" if loop else "batched", chunks=len(parts)),
    )


def _train_batched(network, loss, X, Y, template, seeds, lr, w_range, b_range, epochs,
                   threshold, dtype, record_loss, memory) -> dict:
    """K nets side by side in one kernel: the per-net results as arrays ending in K."""
    theta64 = draw_many(network, template, seeds, w_range, b_range)
    # Blown-up nets are flagged, not warned about (a start beyond float32's range overflows
    # here already); see engine.one_blas_thread for the BLAS.
    with np.errstate(all="ignore"), one_blas_thread():
        kernel = memory.kernel_class(network, loss, X, Y, theta64.astype(dtype), lr)
        del theta64
        track = _Tracker(len(seeds), epochs, threshold, record_loss, kernel.loss_scale,
                         kernel.norm_scale, dtype)
        for start in range(0, epochs, BLOCK):
            end = min(start + BLOCK, epochs)
            for loss_row, norm_row in zip(*track.rows(start, end)):
                kernel.norm2(norm_row)  # the weights' size at the start of the epoch
                kernel.epoch(loss_row)
            track.check(end)
        solved = kernel.solved() & (track.diverged_at < 0)
    return dict(loss=track.curve, final_loss=track.final,
                theta=kernel.params().astype(np.float64), converged_at=track.converged_at,
                solved=solved, diverged_at=track.diverged_at, overshot_at=track.overshot_at)


def _train_loop(network, loss, X, Y, template, seeds, lr, w_range, b_range, epochs,
                threshold, dtype, record_loss, memory) -> dict:
    """One ``train`` per net (its rules, its numbers), packed like ``_train_batched``'s."""
    theta64 = draw_many(network, template, seeds, w_range, b_range)
    K = len(seeds)
    curve = np.full((epochs, K), np.nan, dtype) if record_loss else None
    out = dict(loss=curve, final_loss=np.full(K, np.nan), theta=np.empty_like(theta64),
               converged_at=np.full(K, -1), solved=np.zeros(K, bool),
               diverged_at=np.full(K, -1), overshot_at=np.full(K, -1))
    garbage = 0
    for k in range(K):
        garbage += memory.per_call
        if garbage > memory.garbage:
            gc.collect()
            garbage = 0
        start = [(W[..., 0], b[:, 0]) for W, b in _as_params(theta64[:, k:k + 1], network)]
        run = train(network, start, X, Y, loss=loss, learning_rate=float(lr[k]), epochs=epochs,
                    threshold=threshold, dtype=dtype)
        if curve is not None:
            curve[:run.epochs, k] = run.loss
        if run.epochs:
            out["final_loss"][k] = run.loss[-1]
        out["theta"][:, k] = np.concatenate([np.vstack([W, b]).ravel() for W, b in run.params])
        out["converged_at"][k] = -1 if run.converged_at is None else run.converged_at
        out["diverged_at"][k] = -1 if run.diverged_at is None else run.diverged_at
        over = overshot_at(run.loss) if run.epochs else None
        out["overshot_at"][k] = -1 if over is None else over
        if run.diverged_at is None:
            with np.errstate(all="ignore"):
                outputs = forward(network, run.params, X)
            out["solved"][k] = ((outputs > 0.5) == (Y > 0.5)).all()
    return out


def _as_params(theta, network) -> Params:
    """Per layer ``(W (fan_in, fan_out, K), b (fan_out, K))`` views of a (P, K) array."""
    return [(block[:-1], block[-1]) for block in _blocks(theta, network.sizes)]


def _later_layer_work(network: Network, n: int) -> int:
    """Products per epoch the batched kernel forms in the layers after the first, per net."""
    sizes = network.sizes
    return sum((m + 1) * o * n for m, o in zip(sizes[1:-1], sizes[2:]))


class _Memory:
    """Bytes a train_many call allocates, per net and in all, to choose its chunks.

    Counted from the arrays the code makes (tests check the count against tracemalloc's peak):
    the batched kernel's buffers, the drawn starting weights, the tracker's blocks, and the
    results (kept once per chunk and once more when the chunks are joined).
    """

    def __init__(self, network, n, dtype, epochs, record, kernel_class, loop):
        sizes, P, size = network.sizes, network.n_params, np.dtype(dtype).itemsize
        k = sizes[-1]
        self.result = 2 * (8 * P + 64 + (size * epochs if record else 0))
        draw = 4 * 8 * P  # draw_many: the uniforms, the lows, the highs and the result
        if loop:
            self.per_net = draw
            outputs = min(epochs * n * k, 2_000_000)  # train's output history (its limit)
            self.per_call = 8 * (outputs + 65_536 + 8 * n * sum(sizes) + 4 * epochs + 4 * P)
            self.fixed = 2 * self.per_call  # and the garbage: see chunk
        else:
            tracker = 2 * BLOCK * size + 4 * BLOCK * 8
            # + 25% for NumPy's temporaries (matmul into strided views, reductions)
            self.per_net = int(1.25 * (draw + 8 * P + tracker + size * (
                kernel_class.elements(network, n) + 2 * P)))
            self.fixed = 0
        self.network, self.n, self.kernel_class, self.loop = network, n, kernel_class, loop

    def chunk(self, K: int, budget: int) -> int:
        """Nets per chunk, so that no chunk's peak goes beyond ``budget`` bytes."""
        if self.loop:
            # A finished train() is freed by the cycle collector only (its stepper refers to
            # itself), so _train_loop collects after this many bytes of finished runs.
            self.garbage = max(self.per_call, min(LOOP_GARBAGE, budget // 4))
            self.fixed = 2 * self.per_call + self.garbage
        results = K * self.result
        if results > budget // 2:
            raise ValueError(
                f"train_many: the results of {K:,} nets take {_mb(results)}; the memory budget "
                f"is {_mb(budget)} and allows at most {budget // 2 // self.result:,} nets "
                f"here (record_loss=False drops the loss curves; or raise memory_budget)")
        room = budget - results - self.fixed
        if room < self.per_net:
            raise ValueError(
                f"train_many: one net of sizes {list(self.network.sizes)} on {self.n:,} "
                f"samples needs {_mb(self.per_net + self.fixed)} of scratch; the memory budget "
                f"is {_mb(budget)} (use fewer samples or a smaller net, or raise memory_budget)")
        return max(1, min(K, room // self.per_net))


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB" if size < 2**30 else f"{size / 2**30:,.1f} GB"


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


class _ManyKernel:
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
        self.blocks, self.grads = _blocks(theta, sizes), _blocks(self.grad, sizes)
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
        # As in engine.Kernel, hidden z is computed where a goes when f' needs only a.
        self.Z = [a if f.name in _SLOPE_FROM_A and a is not self.out[-1] else np.empty_like(a)
                  for a, f in zip(self.out, self.acts)]
        self.D = [np.empty((s, n, K), dt) for s in sizes[1:]]
        self.S = [np.empty((s, n, K), dt) for s in sizes[1:]]
        self.S2 = np.empty_like(self.S[-1])
        # Scratch for layers >= 2: every product W[i, j] a[i] before summing over i.
        self.T = [None] + [np.empty((m + 1, o, n, K), dt) for m, o in zip(sizes[1:-1], sizes[2:])]
        self.forwards = [_forward_call(f, z, a) for f, z, a in zip(self.acts, self.Z, self.out)]
        self.backs = [_backprop_call(f, z, a, d, s)
                      for f, z, a, d, s in zip(self.acts, self.Z, self.out, self.D, self.S)]
        loss_fn = get_loss(loss)
        fused = loss_fn.fused_output == network.output
        self.output_back = (lambda: None) if fused else self.backs[-1]
        self.loss_name = loss
        self.loss_scale = (0.5 if loss == "half_mse" else 1.0) / n  # raw sums -> mean loss
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
        if self.loss_name == "bce":
            # log(1 + e^z) - y z as max(z, 0) - y z - log(max(a, 1 - a)), like engine.Kernel:
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
        return hidden + per_layer + 3 * sizes[-1] * n + _later_layer_work(network, n)

    def norm2(self, out: np.ndarray) -> None:
        np.einsum("pk,pk->k", self.theta, self.theta, out=out)

    def params(self) -> np.ndarray:
        return self.theta

    def solved(self) -> np.ndarray:
        """Whether each net puts every output on the correct side of 0.5."""
        self.forward()
        return ((self.out[-1] > 0.5) == (self.Y > 0.5)).all(axis=(0, 1))


class _SigmoidKernel:
    """The same epoch for [d, h, 1] nets with sigmoid hidden and output units (the lessons'
    XOR nets), in fewer NumPy calls and fewer passes over the K nets.

    Two exact rewrites make the difference:

    - sigmoid(z) = (1 + tanh(z / 2)) / 2, and halving is exact in binary floating point. So
      the parameters are kept halved (``half`` is theta / 2): X1 @ (W1 / 2) is z / 2, ready
      for tanh without a multiply, and a halved step keeps every update exact as well.
    - The epoch is written in t = tanh(z / 2) and e = 1 + t = 2 sigmoid(z), with the
      constant factors moved into the per-net step size ``beta``: a (1 - a) = e (1 - t) / 4
      and sum_j v_j a_j + c = sum_j (v_j / 2) e_j + c. (Only the rounding differs from
      ``_ManyKernel``; tests hold float64 runs to ``train`` within 1e-9.)

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
                and [f.name for f in network.activations] == ["sigmoid", "sigmoid"])

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
        self.bce = loss == "bce"
        if self.bce:
            self.Y, self.zeros = np.repeat(Y.astype(dt), K, axis=1), np.zeros((n, K), dt)
        self.half_, self.one = np.array(0.5, dt), np.array(1.0, dt)
        # kappa: dL/dz_out = kappa delta; loss_scale turns the raw sums into the mean loss
        # (for mse and half_mse they are sums of r^2 = 4 (output - y)^2).
        kappa = {"mse": 0.25, "half_mse": 0.125, "bce": 0.5}[loss] / n
        self.loss_scale = {"mse": 0.25, "half_mse": 0.125, "bce": 1.0}[loss] / n
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
        """log(1 + e^z) - y z summed over samples, as _ManyKernel computes it with z = 2 U:
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


def _blocks(flat, sizes):
    """Per-layer (fan_in + 1, fan_out, K) views of a (P, K) array."""
    views, start = [], 0
    for m, o in zip(sizes[:-1], sizes[1:]):
        views.append(flat[start:start + (m + 1) * o].reshape(m + 1, o, -1))
        start += (m + 1) * o
    return views


class _Tracker:
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


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Convergence over a grid of learning rates x weight ranges, many seeds per cell.

    Per-run arrays are (rates, ranges, seeds). While a sweep is still running, ``trained``
    marks the runs done so far and every statistic uses only those (NaN where a cell has none).
    """

    network: Network
    loss_name: str
    learning_rates: np.ndarray  # (L,)
    weight_ranges: np.ndarray  # (R, 2)
    bias_ranges: np.ndarray  # (R, 2)
    seeds: np.ndarray  # (S,)
    epochs: int
    threshold: float
    converged_at: np.ndarray  # (L, R, S) first epoch below the threshold, -1 never
    final_loss: np.ndarray  # (L, R, S) last recorded loss
    solved: np.ndarray  # (L, R, S) every output on the correct side of 0.5 at the end
    diverged: np.ndarray  # (L, R, S)
    trained: np.ndarray  # (L, R, S) which runs are done

    @property
    def done(self) -> int:
        return int(self.trained.sum())

    @property
    def total(self) -> int:
        return self.trained.size

    @property
    def fraction_converged(self) -> np.ndarray:
        """(L, R) share of a cell's trained runs that reached the threshold."""
        return _share(self.converged_at >= 0, self.trained)

    @property
    def fraction_solved(self) -> np.ndarray:
        return _share(self.solved, self.trained)

    @property
    def fraction_diverged(self) -> np.ndarray:
        return _share(self.diverged, self.trained)

    @property
    def epochs_quartiles(self) -> np.ndarray:
        """(L, R, 3) 25th, 50th and 75th percentile of epochs to converge, over converged runs."""
        return _quartiles(self.converged_at, self.trained & (self.converged_at >= 0))

    @property
    def median_epochs(self) -> np.ndarray:
        return self.epochs_quartiles[..., 1]

    @property
    def final_loss_quartiles(self) -> np.ndarray:
        """(L, R, 3) 25th, 50th and 75th percentile of the last loss, over trained runs."""
        return _quartiles(self.final_loss, self.trained & np.isfinite(self.final_loss))


def sweep(
    network: Network,
    X,
    Y,
    *,
    learning_rates,
    weight_ranges,
    seeds=50,
    bias_range=(-0.5, 0.5),
    loss: str = "mse",
    epochs: int = 4000,
    threshold: float = 0.01,
    dtype=np.float32,
    chunk_size: int = 5000,
    workers: int = 1,
    on_progress: Callable[[int, int, SweepResult], None] | None = None,
    memory_budget: int = MEMORY_BUDGET,
) -> SweepResult:
    """Train every (learning rate, weight range, seed) combination and summarise each cell.

    ``weight_ranges`` holds numbers r (meaning (-r, r)) or (low, high) pairs; ``bias_range``
    is one pair for every cell, or None to use each cell's weight range. ``seeds`` is a count
    (seeds 0..S-1) or a list. Runs go through ``train_many`` ``chunk_size`` nets at a time,
    seeds outermost, so after the first chunk every cell already has a few runs: a notebook
    can draw the whole map at once and watch it sharpen. After each chunk, in order,
    ``on_progress(done, total, partial)`` gets the runs done so far and a partial result.

    ``workers=2`` trains two chunks at once in threads; the numbers are the same either way.
    NumPy lets go of the interpreter lock only inside its loops, and the threads then wait
    for each other at every call, so this pays off only for big chunks: on two free cores
    a 20,000-net sweep took 0.7x the time with ``chunk_size=10000`` but 1.1x with 5000.
    Bigger chunks are also a little faster on one thread (fewer calls per net: ~0.95x the
    time at 10000); smaller ones give more frequent progress.

    ``memory_budget`` bounds the whole sweep as it bounds ``train_many``: each of the
    ``workers`` gets an equal share, and a chunk too big for its share trains in smaller
    pieces (the default chunk of 2-16-16-1 nets on 500 points once took 4.4 GB).
    """
    rates = np.atleast_1d(np.asarray(learning_rates, dtype=np.float64))
    w_ranges = _grid_ranges(weight_ranges, "weight_ranges")
    b_ranges = w_ranges.copy() if bias_range is None else np.tile(
        _ranges(bias_range, 1, "bias_range"), (len(w_ranges), 1))
    seeds = _seeds(np.arange(_whole(seeds, "seeds")) if np.ndim(seeds) == 0 else seeds)
    chunk_size, workers = _whole(chunk_size, "chunk_size"), _whole(workers, "workers")
    budget = _whole(memory_budget, "memory_budget")
    L, R, S = len(rates), len(w_ranges), len(seeds)
    shape, total = (L, R, S), L * R * S
    per_run = 3 * 8 + 8 + 8 + 3  # run indices; converged_at, final_loss; three flags
    if 2 * total * per_run > budget // 2:  # (partial results copy them)
        raise ValueError(f"sweep: {total:,} runs take {_mb(2 * total * per_run)} to index and "
                         f"summarise; the memory budget is {_mb(budget)} and allows at most "
                         f"{budget // 4 // per_run:,} runs (or raise memory_budget)")
    # Every run as (seed, rate, range) indices, seeds outermost.
    s_idx, l_idx, r_idx = (a.ravel() for a in np.meshgrid(
        np.arange(S), np.arange(L), np.arange(R), indexing="ij"))
    result = dict(converged_at=np.full(shape, -1), final_loss=np.full(shape, np.nan),
                  solved=np.zeros(shape, bool), diverged=np.zeros(shape, bool),
                  trained=np.zeros(shape, bool))

    def partial() -> SweepResult:
        return SweepResult(network, loss, rates, w_ranges, b_ranges, seeds, epochs, threshold,
                           **{name: array.copy() for name, array in result.items()})

    def chunk(start: int) -> ManyRuns:
        part = slice(start, start + chunk_size)
        return train_many(network, X, Y, seeds=seeds[s_idx[part]], loss=loss,
                          learning_rate=rates[l_idx[part]], epochs=epochs,
                          weight_range=w_ranges[r_idx[part]], bias_range=b_ranges[r_idx[part]],
                          threshold=threshold, dtype=dtype, record_loss=False,
                          memory_budget=(budget // 2) // workers)

    starts = range(0, total, chunk_size)
    # BLAS threads are pinned once out here: the setting is global, threads must not race on it.
    with one_blas_thread(), ThreadPoolExecutor(workers) as pool:
        chunks = pool.map(chunk, starts) if workers > 1 else map(chunk, starts)
        for start, runs in zip(starts, chunks):
            part = slice(start, start + chunk_size)
            where = (l_idx[part], r_idx[part], s_idx[part])
            for name in ("converged_at", "final_loss", "solved", "diverged"):
                result[name][where] = getattr(runs, name)
            result["trained"][where] = True
            if on_progress is not None:
                on_progress(min(start + chunk_size, total), total, partial())
    return partial()


def _share(hits, trained):
    with np.errstate(invalid="ignore", divide="ignore"):
        return (hits & trained).sum(axis=-1) / trained.sum(axis=-1)


def _quartiles(values, mask):
    """Per-cell 25/50/75th percentiles of ``values`` where ``mask``; NaN for empty cells."""
    masked = np.where(mask, values, np.nan).astype(np.float64)
    out = np.full(masked.shape[:-1] + (3,), np.nan)
    some = mask.any(axis=-1)
    if some.any():
        out[some] = np.nanpercentile(masked[some], [25, 50, 75], axis=-1).T
    return out


def _grid_ranges(values, name) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.ndim <= 1:  # numbers r: the symmetric ranges (-r, r)
        values = np.atleast_1d(values)
        if (values < 0).any():
            raise ValueError(f"{name}: a single number r means (-r, r) and must be >= 0")
        values = np.stack([-values, values], axis=1)
    return _ranges(values, len(values), name)


def _seeds(seeds) -> np.ndarray:
    seeds = np.atleast_1d(np.asarray(seeds))
    if seeds.ndim != 1 or len(seeds) == 0 or seeds.dtype.kind not in "iu" or (seeds < 0).any():
        raise ValueError(f"seeds must be a non-empty list of whole numbers >= 0; got {seeds!r}")
    return seeds.astype(np.int64)


def _whole(value, name, low=1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}; got {value!r}")
    return int(value)


def _per_net(value, K, name) -> np.ndarray:
    try:
        return np.broadcast_to(np.asarray(value, dtype=np.float64), (K,)).copy()
    except (TypeError, ValueError):
        raise ValueError(f"{name}: give one number or one per net ({K}); "
                         f"got shape {np.shape(value)}")


def _ranges(value, K, name) -> np.ndarray:
    try:
        pairs = np.broadcast_to(np.asarray(value, dtype=np.float64), (K, 2)).copy()
    except (TypeError, ValueError):
        raise ValueError(f"{name}: give one (low, high) pair or one per net, shape ({K}, 2)")
    if not np.isfinite(pairs).all() or (pairs[:, 0] > pairs[:, 1]).any():
        raise ValueError(f"{name}: every range needs finite low <= high")
    return pairs
