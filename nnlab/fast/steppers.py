"""The tuned kernels behind ``nnlab.train``: the same formulas as ``network.backprop``, faster.

A small network's epoch costs call overhead, not arithmetic, so how fast it runs depends on
how many calls it makes. Two kernels share the work:

- ``Kernel`` (NumPy) for everything that is not tiny. It keeps every layer's ``[W; b]`` block
  in one flat vector (the bias is a weight on a constant input of 1, so a layer is one matrix
  product and an update is two calls), preallocates every buffer once and writes with
  ``out=``. Samples are *columns* here, ``A`` is (units + 1, n): the row of ones sits at the
  end, so an activation is written into contiguous rows (with samples as rows that write was
  strided and 2-3x slower).
- ``tiny_program`` for tiny problems (a handful of units and samples, like 2-2-1 XOR). NumPy
  spends ~0.5-1 us per call whatever the size, while one plain-Python float operation costs
  ~0.02 us, so for ~100 flops an epoch straight-line Python wins (the performance notes
  measured a scalar loop 8x faster than plain NumPy). The program is Python source written
  for the given layer sizes, compiled once per architecture and cached; print
  ``tiny_program(...).source`` to read it: it is the scalar lesson program, generalised.

``predict_grid`` evaluates a net on a whole plotting grid with preallocated buffers.
Tests hold every kernel to ``network.backprop`` (1e-12).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import linecache
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..losses import LOSSES, Loss
from ..network import Network, Params, dropout_masks, loss_and_accuracy
from ..optim import batches, make_optimizer
from .formulas import (
    PY_ACTIVATION, PY_FUNCTIONS, PY_LOSS, SLOPE_FROM_A, TINY_LOSSES, TINY_OUTPUTS, backprop_call, copyto, dot,
    forward_call, loss_calls, scales_gradients,
)


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
        flat = self.theta if flat is None else np.asarray(flat)
        return [(v[:-1].astype(np.float64), v[-1].astype(np.float64)) for v in self.views(flat)]

    def weight_mask(self) -> np.ndarray:
        """1 for weights, 0 for biases (weight decay leaves biases alone)."""
        mask = np.ones_like(self.theta)
        for view in self.views(mask):
            view[-1] = 0
        return mask


# ---------------------------------------------------------------------------------------
# One BLAS thread for small shapes


@functools.lru_cache(maxsize=1)
def _openblas_threads():
    """(get, set) of the OpenBLAS that NumPy's wheel bundles, or None if there is none."""
    folder = Path(np.__file__).resolve().parent.parent / "numpy.libs"  # where Linux wheels keep it
    for path in sorted(folder.glob("*openblas*")):
        try:
            lib = ctypes.CDLL(str(path))  # already loaded by NumPy: this only finds it
        except OSError:
            continue
        for name in ("scipy_openblas{}64_", "scipy_openblas{}", "openblas{}"):
            get = getattr(lib, name.format("_get_num_threads"), None)
            put = getattr(lib, name.format("_set_num_threads"), None)
            if get is not None and put is not None:
                get.restype, put.argtypes = ctypes.c_int, [ctypes.c_int]
                return get, put
    return None


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with BLAS on one thread, then restore the previous count.

    Our matrix products are small. OpenBLAS splits some of them over its threads anyway, and
    on a busy machine a second thread that is not scheduled stalls the product: a 100x100
    decision-boundary grid measured 0.3 ms of CPU with one thread and 1.6-5 ms with two.
    Switching costs ~2 us (a direct call into the OpenBLAS NumPy already loaded, no new
    dependency); without a bundled OpenBLAS this does nothing.
    """
    handles = _openblas_threads()
    before = handles[0]() if handles else 1
    if before > 1:
        handles[1](1)
    try:
        yield
    finally:
        if before > 1:
            handles[1](before)


# ---------------------------------------------------------------------------------------
# The NumPy kernel


class Kernel:
    """Buffers and one forward + backward pass for batches of ``n`` samples.

    Every array is (units, n): one column per sample. ``output`` gives the usual (n, k) view.
    The calls are bound to their buffers once (``functools.partial``), so an epoch is a short
    list of NumPy calls with no shape work, and the common activations and losses use the
    measured-fastest NumPy form of the formulas in ``activations.py`` and ``losses.py``.

    ``grad_scale`` multiplies every gradient on the way (plain gradient descent passes its
    learning rate, so its update is one subtraction).

    ``dropout=True`` adds one mask buffer per hidden layer, ``M[l]`` (units, n), which the
    stepper fills before each step (``network.dropout_masks``, transposed): a hidden layer's
    f(z) then goes to a buffer of its own (its slope needs the undropped values) and
    f(z) * mask into the next layer's input; on the way back the error is multiplied by the
    mask after the slope, as ``network.backprop`` does. Without it the kernel is unchanged.
    """

    def __init__(self, network: Network, loss: Loss, flat: FlatParams, n: int, dtype=np.float64,
                 grad_scale: float = 1.0, dropout: bool = False):
        sizes = network.sizes
        self.acts = network.activations
        self.n = n
        # A[l] is layer l's input with a last row of ones (the bias input).
        self.A = [np.ones((s + 1, n), dtype) for s in sizes[:-1]]
        self.out = [a[:-1] for a in self.A[1:]] + [np.empty((sizes[-1], n), dtype)]
        self.M = [np.ones((s, n), dtype) for s in sizes[1:-1]] if dropout else []
        if dropout:
            self.out = [np.empty_like(a) for a in self.out[:-1]] + self.out[-1:]
        # A hidden layer whose derivative needs only a = f(z) computes z right where a goes
        # and applies f in place (in-place calls measured faster: one array instead of two).
        self.Z = [a if f.name in SLOPE_FROM_A and a is not self.out[-1] else np.empty_like(a)
                  for a, f in zip(self.out, self.acts)]
        self.D = [np.empty((s, n), dtype) for s in sizes[1:]]  # dL/dz per layer
        self.S = [np.empty((s, n), dtype) for s in sizes[1:]]  # scratch
        self.Y = np.empty((sizes[-1], n), dtype)
        forwards = [forward_call(f, z, a) for f, z, a in zip(self.acts, self.Z, self.out)]
        backs = [backprop_call(f, z, a, d, s)
                 for f, z, a, d, s in zip(self.acts, self.Z, self.out, self.D, self.S)]
        for layer, mask in enumerate(self.M):  # a dropped unit passes nothing on, either way
            forwards[layer] = _then(forwards[layer], self.out[layer], mask,
                                    self.A[layer + 1][:-1])
            backs[layer] = _then(backs[layer], self.D[layer], mask, self.D[layer])
        # Per layer: z = [W; b]^T a (a transposed view: BLAS reads it without a copy), a = f(z).
        self.layers = list(zip([block.T for block in flat.blocks], self.A, self.Z, forwards))
        # Per layer, top down: its gradient A d^T, and (below the top) delta back through the
        # weights (the bias row left out) and through the activation below.
        self.back = [(A, D.T, block[:-1], D, D_below, back_below)
                     for A, D, block, D_below, back_below
                     in zip(self.A, self.D, flat.blocks, [None] + self.D[:-1], [None] + backs[:-1])]
        self.back.reverse()
        self.loss_value, self.loss_delta = loss_calls(
            loss, self.acts[-1], self.Z[-1], self.out[-1], self.Y, self.D[-1], self.S[-1],
            grad_scale)

    def load(self, X: np.ndarray, Y: np.ndarray) -> None:
        """Copy a batch in: X (n, d) and Y (n, k), rows are samples as everywhere else."""
        self.A[0][:-1] = X.T
        self.Y[...] = Y.T

    @property
    def output(self) -> np.ndarray:
        return self.out[-1].T

    def forward(self) -> None:
        for WT, A, Z, f in self.layers:
            dot(WT, A, Z)
            f()

    def step(self, grad_blocks: list[np.ndarray]) -> float:
        """Forward and backward on the loaded batch; gradients into ``grad_blocks``.

        Returns the batch's mean loss, measured before any update.
        """
        self.forward()
        np.subtract(self.out[-1], self.Y, self.D[-1])
        value = self.loss_value()
        self.loss_delta()
        for G, (A, DT, W, D, D_below, back_below) in zip(reversed(grad_blocks), self.back):
            dot(A, DT, G)
            if D_below is not None:
                dot(W, D, D_below)
                back_below()
        return value


def _then(call, values, mask, into) -> Callable[[], None]:
    """Dropout, bound to its buffers: ``call()``, then ``into = values * mask``.

    Forward: a = f(z), then the next layer's input a * m. Backward: delta times f'(z), then
    times m (the order of ``network.backprop``).
    """

    def dropped():
        call()
        np.multiply(values, mask, into)

    return dropped


# ---------------------------------------------------------------------------------------
# The tiny-net program: straight-line Python written for one architecture


@dataclass(frozen=True)
class TinyProgram:
    """One epoch of a tiny network as compiled Python, and the source it was compiled from.

    ``epoch(params, data, scale, limit) -> (loss_sum, ok, outputs, new_params, new_norm2)``:
    ``params`` is the flat parameter tuple (``FlatParams`` order), ``data`` a tuple of rows
    ``(x..., y...)``, ``scale`` the step size (learning rate x loss factor, / n for full batch).
    ``ok`` is False when a sample's loss was above ``limit`` (online mode checks every update).
    """

    source: str
    epoch: Callable
    loss_factor: float


def tiny_supported(network: Network, loss: str) -> bool:
    """Whether ``tiny_program`` can write this network: element-wise units, a known loss."""
    return (network.output in TINY_OUTPUTS and loss in TINY_LOSSES
            and all(f.name in PY_ACTIVATION for f in network.activations))


@functools.lru_cache(maxsize=64)
def _compile(sizes: tuple[int, ...], acts: tuple[str, ...], loss: str, mode: str) -> TinyProgram:
    source = _tiny_source(sizes, acts, loss, mode)
    filename = f"<nnlab tiny {mode} {'-'.join(map(str, sizes))} {'/'.join(acts)} {loss}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    # Only math functions are visible to the program; everything else arrives as arguments.
    namespace = {"__builtins__": {}, **PY_FUNCTIONS}
    exec(compile(source, filename, "exec"), namespace)
    return TinyProgram(source, namespace["epoch"], PY_LOSS[loss][1])


def tiny_program(network: Network, loss: str, mode: str = "full") -> TinyProgram:
    """The compiled tiny-net epoch for this architecture, loss and mode ("full" or "online").

    Compiled once per architecture and cached: writing and compiling the source takes ~1 ms,
    an epoch of 2-2-1 XOR a few microseconds.
    """
    if not tiny_supported(network, loss) or mode not in ("full", "online"):
        raise ValueError(f"tiny_program: no tiny form for {network}, loss {loss!r}, mode {mode!r}")
    acts = tuple(f.name for f in network.activations)
    return _compile(network.sizes, acts, loss, mode)


def _tiny_source(sizes, acts, loss, mode) -> str:
    """Python source of one epoch. Only validated ints and names from the tables above go in."""
    if not all(type(s) is int and s > 0 for s in sizes):
        raise ValueError(f"sizes must be positive ints; got {sizes!r}")
    names = _TinyNames(sizes)
    online = mode == "online"
    params = [f"p{i}" for i in range(names.n_params)]
    inputs = [names.a(0, i) for i in range(sizes[0])] + [f"y{j}" for j in range(sizes[-1])]
    body = (_forward_lines(names, acts) + _loss_lines(names, acts[-1], loss, online)
            + _backward_lines(names, acts) + _gradient_lines(names, online))
    lines = ["def epoch(params, data, scale, limit):",
             f"    {_wrap(params)} = params",
             "    total = 0.0",
             "    ok = True",
             "    outputs = []"]
    if not online:
        lines.append(f"    {' = '.join('g' + p[1:] for p in params)} = 0.0")
    lines.append(f"    for {', '.join(inputs)} in data:")
    lines += ["        " + line for line in body]
    if not online:
        lines.append("    # one full-batch step (scale = learning rate x loss factor / n)")
        lines += [f"    {p} -= scale * g{p[1:]}" for p in params]
    lines.append(f"    norm2 = {_wrap([f'{p} * {p}' for p in params], ' + ')}")
    lines.append(f"    return total, ok, outputs, {_wrap(params)}, norm2")
    return "\n".join(lines) + "\n"


class _TinyNames:
    """Variable names of the generated program: p<i> parameters, a<layer>_<unit> and so on."""

    def __init__(self, sizes):
        self.sizes, self.L = sizes, len(sizes) - 1
        self.offsets, start = [], 0  # where each layer's [W; b] block starts in theta
        for m, o in zip(sizes[:-1], sizes[1:]):
            self.offsets.append(start)
            start += (m + 1) * o
        self.n_params = start

    def w(self, layer, i, j):
        """The parameter W[i, j] of a layer (1-based); row i == fan_in is the bias."""
        return f"p{self.offsets[layer - 1] + i * self.sizes[layer] + j}"

    @staticmethod
    def a(layer, i):
        return f"a{layer}_{i}"


def _forward_lines(names, acts) -> list[str]:
    sizes, lines = names.sizes, []
    for layer in range(1, names.L + 1):
        fan_in, forward = sizes[layer - 1], PY_ACTIVATION[acts[layer - 1]][0]
        lines.append(f"# layer {layer} ({acts[layer - 1]}): z = a @ W + b, a = f(z)")
        for j in range(sizes[layer]):
            terms = [f"{names.a(layer - 1, i)} * {names.w(layer, i, j)}" for i in range(fan_in)]
            lines.append(f"z{layer}_{j} = {' + '.join(terms + [names.w(layer, fan_in, j)])}")
            lines.append(f"{names.a(layer, j)} = {forward.format(z=f'z{layer}_{j}')}")
    outputs = [names.a(names.L, j) for j in range(sizes[-1])]
    return lines + [f"outputs += ({', '.join(outputs)},)"]


def _loss_lines(names, output, loss, online) -> list[str]:
    value, L = PY_LOSS[loss][0], names.L
    fused = LOSSES[loss].fused_output == output  # bce + sigmoid: dL/dz is e itself
    slope = None if fused else PY_ACTIVATION[output][1]
    lines, terms = ["# loss and the output delta dL/dz (the loss factor is kept in scale)"], []
    for j in range(names.sizes[-1]):
        e, z, a = f"e{j}", f"z{L}_{j}", names.a(L, j)
        lines.append(f"{e} = {a} - y{j}")
        lines.append(f"d{L}_{j} = {e}" + ("" if slope is None else " * " + slope.format(z=z, a=a)))
        terms.append(value.format(e=e, z=z, y=f"y{j}"))
    lines += [f"v = {' + '.join(terms)}", "total += v"]
    return lines + (["if not v <= limit:", "    ok = False"] if online else [])


def _backward_lines(names, acts) -> list[str]:
    sizes, lines = names.sizes, []
    for layer in range(names.L, 1, -1):
        slope = PY_ACTIVATION[acts[layer - 2]][1]
        lines.append(f"# layer {layer - 1}: delta = (delta_next @ W_next.T) * f'(z)")
        for i in range(sizes[layer - 1]):
            back = " + ".join(f"d{layer}_{j} * {names.w(layer, i, j)}" for j in range(sizes[layer]))
            z, a = f"z{layer - 1}_{i}", names.a(layer - 1, i)
            factor = "" if slope is None else " * " + slope.format(z=z, a=a)
            lines.append(f"d{layer - 1}_{i} = ({back}){factor}")
    return lines


def _gradient_lines(names, online) -> list[str]:
    """Full batch sums the gradients over samples; online mode steps after every sample."""
    sizes = names.sizes
    lines = ["# gradients: dL/dW[i, j] = a_prev[i] * delta[j], dL/db[j] = delta[j]"]
    for layer in range(names.L, 0, -1):
        fan_in = sizes[layer - 1]
        for i in range(fan_in + 1):
            for j in range(sizes[layer]):
                d, p = f"d{layer}_{j}", names.w(layer, i, j)
                grad = d if i == fan_in else f"{d} * {names.a(layer - 1, i)}"
                lines.append(f"{p} -= scale * ({grad})" if online else f"g{p[1:]} += {grad}")
    return lines


def _wrap(items: list[str], sep: str = ", ", per_line: int = 8) -> str:
    """Join generated names in brackets, breaking long lists over lines."""
    rows = [sep.join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "(" + (sep.rstrip() + "\n        ").join(rows) + ")"


# ---------------------------------------------------------------------------------------
# Steppers: epochs of a kernel, as nnlab.train's loop asks for them
#
# Each has the interface of train.ReferenceStepper (epoch, norm2, save, restore, copy_params,
# flush, history); train.Training chooses one and runs the stop rules around it.


class TinyStepper:
    """Epochs of the compiled plain-Python program, on a tuple of Python floats."""

    engine = "tiny"

    def __init__(self, network, flat, X, Y, settings, log):
        mode, loss = settings["mode"], settings["loss"]
        program = tiny_program(network, loss, mode)
        self.run_epoch = program.epoch
        self.flat, self.log, self.n, self.shape = flat, log, len(X), Y.shape
        self.theta = tuple(flat.theta.tolist())
        self._norm2 = float(np.vdot(flat.theta, flat.theta))
        self.data = tuple(map(tuple, np.hstack([X, Y]).tolist()))
        # The program takes one step size: learning rate x dL/da factor, / n for a full batch.
        per = self.n if mode == "full" else 1
        self.scale = settings["learning_rate"] * (program.loss_factor / per)
        self.pending, self.cap = [], log.block * Y.size

    def epoch(self, limit):
        total, ok, outputs, self.theta, self._norm2 = self.run_epoch(
            self.theta, self.data, self.scale, limit)
        self.pending += outputs
        if len(self.pending) >= self.cap:
            self.flush()
        return total / self.n, ok

    def norm2(self) -> float:
        return self._norm2

    def save(self, into):
        return self.theta, self._norm2  # a tuple is immutable: keeping it is the copy

    def restore(self, saved) -> None:
        self.theta, self._norm2 = saved

    def copy_params(self) -> Params:
        self.flat.theta[:] = self.theta
        return self.flat.to_params()

    def flush(self) -> None:
        if self.pending:
            self.log.add(np.array(self.pending).reshape((-1,) + self.shape))
            self.pending = []

    def history(self, name, trained):
        return None


class NumpyStepper:
    """Epochs of the NumPy kernel on the flat parameter vector, any mode and optimiser.

    With dropout every batch gets fresh masks from ``network.dropout_masks``, drawn from a
    generator seeded with ``dropout_seed`` in the reference loop's order (one draw per batch,
    after the shuffle), so both engines see the same masks.
    """

    engine = "numpy"

    def __init__(self, network, flat, X, Y, loss_fn, settings, log, test, track_gradients):
        dtype = flat.theta.dtype
        self.network, self.flat, self.loss_fn, self.log = network, flat, loss_fn, log
        self.X, self.Y, self.settings = X, Y, settings
        self.theta = flat.theta
        self.grad = np.empty_like(self.theta)
        self.grad_blocks = flat.views(self.grad)
        step = make_optimizer(settings["optimizer"], settings["learning_rate"], self.theta.size,
                              l2=settings["l2"], weight_mask=flat.weight_mask(),
                              momentum=settings["momentum"], dtype=dtype)
        self.update = functools.partial(step, self.theta, self.grad)
        self.rng = np.random.default_rng(settings["shuffle_seed"])
        self.dropout = settings.get("dropout", 0.0)  # recorded only when on
        self.dropout_rng = np.random.default_rng(settings.get("dropout_seed", 0))
        self.kernels: dict[int, Kernel] = {}
        self.buffer = np.empty((log.block,) + Y.shape)
        self.rows, self.row = list(self.buffer), 0
        self.test, self.track = test, track_gradients
        self.records = {"test_loss": [], "test_accuracy": [], "grad_norms": []}
        if settings["mode"] == "full" and test is None and not track_gradients and not self.dropout:
            # The hot loop: one batch, no per-epoch branching. Plain gradient descent has the
            # kernel scale its gradients by the learning rate, so the update is one call.
            plain = settings["optimizer"] == "sgd" and settings["l2"] == 0
            if plain and scales_gradients(loss_fn):
                self.kernels[len(X)] = Kernel(network, loss_fn, flat, len(X), dtype,
                                              grad_scale=settings["learning_rate"])
                self.update = functools.partial(np.subtract, self.theta, self.grad, self.theta)
            self.kern = self._kernel(len(X))
            self.kern.load(X, Y)
            self.out = self.kern.output
            self.epoch = self._full_epoch

    def _kernel(self, size) -> Kernel:
        if size not in self.kernels:
            self.kernels[size] = Kernel(self.network, self.loss_fn, self.flat, size,
                                        self.theta.dtype, dropout=bool(self.dropout))
        return self.kernels[size]

    def _full_epoch(self, limit):
        value = self.kern.step(self.grad_blocks)
        copyto(self.rows[self.row], self.out)
        self.row += 1
        if self.row == len(self.rows):
            self.flush()
        self.update()
        return value, True

    def epoch(self, limit):
        if self.test:
            loss, acc = loss_and_accuracy(self.network, self.flat.to_params(), *self.test,
                                          self.loss_fn.name)
            self.records["test_loss"].append(loss)
            self.records["test_accuracy"].append(acc)
        n = len(self.X)
        row, total, ok = self.rows[self.row], 0.0, True
        for rows in batches(self.settings["mode"], n, self.settings["batch_size"], self.rng):
            kern = self._kernel(n if rows is None else len(rows))
            if rows is None:
                kern.load(self.X, self.Y)
                rows = slice(None)
            else:
                kern.load(self.X[rows], self.Y[rows])
            if self.dropout:  # this batch's masks, (n, units) each, into the (units, n) buffers
                masks = dropout_masks(self.network, kern.n, self.dropout, self.dropout_rng)
                for M, mask in zip(kern.M, masks):
                    copyto(M, mask.T)
            value = kern.step(self.grad_blocks)
            total += value * kern.n
            row[rows] = kern.output
            if self.track:
                norms = [np.linalg.norm(g[:-1]) for g in self.grad_blocks]
            if not value <= limit:
                ok = False  # the epoch diverged: its remaining batches do not matter
                break
            self.update()
        if self.track:
            self.records["grad_norms"].append(norms)
        self.row += 1
        if self.row == len(self.rows):
            self.flush()
        return total / n, ok

    def norm2(self) -> float:
        return float(dot(self.theta, self.theta))

    def save(self, into):
        if into is None:
            into = np.empty_like(self.theta)
        copyto(into, self.theta)
        return into

    def restore(self, saved) -> None:
        np.copyto(self.theta, saved)

    def copy_params(self) -> Params:
        return self.flat.to_params()

    def flush(self) -> None:
        if self.row:
            self.log.add(self.buffer[:self.row])
            self.row = 0

    def history(self, name, trained):
        if name.startswith("test") and self.test is None or name == "grad_norms" and not self.track:
            return None
        return np.array(self.records[name], dtype=np.float64)[:trained]


# ---------------------------------------------------------------------------------------
# Plotting grids


@functools.lru_cache(maxsize=8)
def _grid_buffers(sizes, acts, nx, ny, dtype):
    """Buffers of a grid evaluation and each layer's activation bound to them (kept per shape)."""
    n = nx * ny
    A = [np.ones((s + 1, n), dtype) for s in sizes[1:-1]]
    Z = [np.empty((s, n), dtype) for s in sizes[1:]]
    outs = [a[:-1] for a in A] + [Z[-1]]
    return A, Z, [forward_call(f, z, out) for f, z, out in zip(acts, Z, outs)]


def predict_grid(network: Network, params: Params, xs, ys, *, dtype=np.float32) -> np.ndarray:
    """The network's first output on every point of the grid ``xs`` x ``ys``, shape (ny, nx).

    ``grid[i, j]`` is the output at ``(xs[j], ys[i])`` (the layout contour plots expect).
    For a 2-input net the first layer is separable, ``z = x W[0] + y W[1] + b``, so it is two
    small products and one broadcast add; buffers are kept between calls, so a slider that
    redraws a 100x100 decision boundary pays about a millisecond. A network that adds input
    features of its own (the playground's ``FeatureNetwork``) gets them from its
    ``check_inputs``, as ``forward`` does. float32 by default: a picture does not need 16 digits.
    """
    if network.n_inputs != 2:
        raise ValueError(f"network: predict_grid needs a network with 2 inputs; "
                         f"got one with {network.n_inputs}")
    with one_blas_thread():
        return _predict_grid(network, network.check_params(params), xs, ys, dtype)


def _predict_grid(network, params, xs, ys, dtype):
    xs, ys = np.asarray(xs, dtype).ravel(), np.asarray(ys, dtype).ravel()
    nx, ny = len(xs), len(ys)
    A, Z, forwards = _grid_buffers(network.sizes, network.activations, nx, ny, np.dtype(dtype))
    W, b = params[0]
    first = Z[0].reshape(-1, ny, nx)
    if network.sizes[0] == 2:
        np.add(np.multiply.outer(W[1].astype(dtype), ys)[:, :, None],
               (np.multiply.outer(W[0].astype(dtype), xs) + b.astype(dtype)[:, None])[:, None, :],
               out=first)
    else:  # the network computes extra columns from (x, y): the first layer sees them all
        points = np.c_[np.tile(xs, ny), np.repeat(ys, nx)].astype(np.float64)
        inputs = network.check_inputs(points).astype(dtype)
        np.dot(np.vstack([W, b]).T.astype(dtype), np.vstack([inputs.T, np.ones(nx * ny, dtype)]),
               out=Z[0])
    for layer, forward in enumerate(forwards):
        if layer:
            W, b = params[layer]
            np.dot(np.vstack([W, b]).T.astype(dtype), A[layer - 1], out=Z[layer])
        forward()
    return Z[-1][0].reshape(ny, nx).copy()
