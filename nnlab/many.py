"""Many small networks trained at once: ``train_many`` and the convergence ``sweep`` on top of it.

Lessons ask questions like "how often does XOR training get stuck, and does that depend on
the learning rate or the initial weight range?". Answering takes thousands of runs. Each
tiny run is pure call overhead, so instead K nets of one architecture train side by side in
the same NumPy calls (``nnlab.fast.batched``), or, for wide nets on many samples, one
``train`` after another: ``engine="auto"`` picks the faster by a measured crossover.

Every net does exactly what ``train(..., mode="full", optimizer="sgd")`` would do from
``Init(method, seed, ...).draw(network)``, under the same stop rules (``nnlab.run``); tests
check that net by net.
"""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import checks
from .fast import batched
from .fast.batched import BLOCK, ManyKernel, SigmoidKernel, Tracker, blocks, draw_many, later_layer_work
from .fast.steppers import one_blas_thread
from .init import Init
from .losses import get_loss
from .network import Network, Params, forward
from .train import train
from .verdicts import diverged as diverged_rule, overshot_at

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
    if not isinstance(network, Network):
        checks.fail("network", "a Network", network)
    get_loss(loss, network.output)
    if not batched.supports(network, loss):
        checks.fail("loss", f"one of {', '.join(batched.BATCHED_LOSSES)} with a "
                    f"{' or '.join(batched.BATCHED_OUTPUTS)} output (train_many)",
                    f"{loss} with {network.output}", shown=f"{loss!r} with a {network.output} output")
    X = network.check_inputs(X)
    Y = network.check_targets(Y, len(X), loss)
    seeds = _seeds(seeds)
    K = len(seeds)
    epochs = checks.whole(epochs, "epochs", 1)
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
    kernel_class = SigmoidKernel if SigmoidKernel.fits(network) else ManyKernel
    loop = engine == "loop" or (engine == "auto" and kernel_class is ManyKernel
                                and later_layer_work(network, len(X)) > LOOP_WORK)
    memory = _Memory(network, len(X), dtype, epochs, record_loss, kernel_class, loop)
    chunk = memory.chunk(K, checks.whole(memory_budget, "memory_budget", 1))
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
    # here already); see steppers.one_blas_thread for the BLAS.
    with np.errstate(all="ignore"), one_blas_thread():
        kernel = memory.kernel_class(network, loss, X, Y, theta64.astype(dtype), lr)
        del theta64
        track = Tracker(len(seeds), epochs, threshold, record_loss, kernel.loss_scale,
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
    return [(block[:-1], block[-1]) for block in blocks(theta, network.sizes)]


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
    seeds = _seeds(np.arange(checks.whole(seeds, "seeds", 1)) if np.ndim(seeds) == 0 else seeds)
    chunk_size, workers = checks.whole(chunk_size, "chunk_size", 1), checks.whole(workers, "workers", 1)
    budget = checks.whole(memory_budget, "memory_budget", 1)
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
