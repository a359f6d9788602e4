"""Training: the loop, its stop rules, and the record of a run.

What one epoch means here: every training sample is seen once. ``run.loss[e]`` is the mean
loss measured on epoch e's forward passes, *before* that epoch's updates (for full batch,
exactly the loss of the parameters at the start of the epoch), so ``loss[0]`` is the loss of
the initial parameters. ``run.accuracy[e]`` is measured on the same forward passes.

Update modes: ``"full"`` (one update per epoch on all samples), ``"minibatch"`` (batches of
``batch_size``, reshuffled every epoch from ``shuffle_seed``), ``"online"`` (one sample at a
time, in data order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .engine import FlatParams, Kernel
from .init import Init
from .losses import get_loss
from .network import Network, Params, accuracy, forward_trace, predicted_labels
from .optim import check_learning_rate, make_optimizer

MODES = ("full", "minibatch", "online")
# Divergence: a loss this many times above the first epoch's, or parameters whose norm grew
# this many times beyond max(1, their initial norm), counts as exploding.
LOSS_EXPLODE_FACTOR = 1e6
PARAM_EXPLODE_FACTOR = 1e3
# Keep every epoch's outputs when they fit in this many numbers (the XOR lessons replay them).
OUTPUT_HISTORY_LIMIT = 2_000_000


@dataclass(frozen=True, eq=False)
class Run:
    """The record of one training run (arrays are per epoch actually trained)."""

    network: Network
    loss_name: str
    loss: np.ndarray
    accuracy: np.ndarray
    params: Params  # final parameters (the last finite ones if the run diverged)
    initial_params: Params
    settings: dict
    test_loss: np.ndarray | None = None
    test_accuracy: np.ndarray | None = None
    snapshots: dict[int, Params] = field(default_factory=dict)  # epoch -> params before it
    outputs: np.ndarray | None = None  # (epochs, n, k) training outputs, for small problems
    grad_norms: np.ndarray | None = None  # (epochs, layers) norm of dL/dW per layer
    converged_at: int | None = None  # first epoch whose loss is below the threshold
    diverged_at: int | None = None  # first epoch that blew up (it is not in loss)
    stopped: str = "epochs"  # "epochs", "threshold" or "diverged"
    attempts: tuple["Run", ...] = ()  # every attempt when retries were allowed (this one last)

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def converged(self) -> bool:
        return self.converged_at is not None

    def params_at(self, epoch: int) -> Params:
        """Parameters at the start of ``epoch`` from the nearest stored snapshot at or before it."""
        stored = [e for e in self.snapshots if e <= epoch]
        if not stored:
            raise ValueError(f"epoch: no snapshot at or before {epoch}; stored: {sorted(self.snapshots)}")
        return self.snapshots[max(stored)]


def _check_int(value, name, low, high=None):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low or (
        high is not None and value > high
    ):
        allowed = f">= {low}" if high is None else f"from {low} to {high}"
        raise ValueError(f"{name} must be a whole number {allowed}; got {value!r}")
    return int(value)


def train(
    network: Network,
    params: Params | Init,
    X,
    Y,
    *,
    loss: str = "mse",
    learning_rate: float = 0.5,
    epochs: int = 1000,
    mode: str = "full",
    batch_size: int = 32,
    shuffle_seed: int = 0,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    l2: float = 0.0,
    threshold: float | None = None,
    stop_at_threshold: bool = False,
    retries: int = 0,
    X_test=None,
    Y_test=None,
    snapshot_epochs: Sequence[int] = (),
    track_gradients: bool = False,
) -> Run:
    """Train ``network`` from ``params`` (a list of (W, b), or an ``Init`` to draw them).

    With ``retries=N`` and a ``threshold``, a run that never reaches the threshold is
    repeated from freshly drawn weights, up to N more times; every attempt is kept in
    ``run.attempts``.
    """
    loss_fn = get_loss(loss, network.output)
    X = network.check_inputs(X)
    Y = network.check_targets(Y, len(X), loss)
    if len(X) == 0:
        raise ValueError("X: training data has no rows")
    check_learning_rate(learning_rate)
    epochs = _check_int(epochs, "epochs", 1)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    batch_size = _check_int(batch_size, "batch_size", 1)
    retries = _check_int(retries, "retries", 0)
    if threshold is not None and not (isinstance(threshold, (int, float)) and threshold > 0):
        raise ValueError(f"threshold must be a positive number or None; got {threshold!r}")
    if retries and threshold is None:
        raise ValueError("retries: a retry needs a threshold to know when a run has failed")
    if retries and not isinstance(params, Init):
        raise ValueError("retries: pass an Init (not fixed params) so each retry can draw new weights")
    test = None
    if X_test is not None and len(X_test):
        Xt = network.check_inputs(X_test, "X_test")
        test = (Xt, network.check_targets(Y_test, len(Xt), loss, "Y_test"))
    snapshot_epochs = sorted({_check_int(e, "snapshot_epochs", 0, epochs) for e in snapshot_epochs})
    settings = dict(
        sizes=list(network.sizes), activation=network.activation, output=network.output,
        loss=loss, learning_rate=float(learning_rate), epochs=epochs, mode=mode,
        batch_size=batch_size, shuffle_seed=shuffle_seed, optimizer=optimizer,
        momentum=momentum, l2=l2, threshold=threshold, stop_at_threshold=stop_at_threshold,
        retries=retries,
    )
    attempts = []
    for attempt in range(retries + 1):
        start = params.draw(network, attempt) if isinstance(params, Init) else params
        start = network.check_params(start)
        run = _train_once(network, start, X, Y, loss_fn, test, settings, snapshot_epochs,
                          track_gradients)
        attempts.append(run)
        if threshold is None or run.converged:
            break
    if len(attempts) > 1 or retries:
        run = _replace(attempts[-1], attempts=tuple(attempts))
    return run


def _replace(run: Run, **changes) -> Run:
    from dataclasses import replace
    return replace(run, **changes)


def _batches(mode, n, batch_size, rng):
    """Index arrays (or None for all rows) of one epoch's batches, in update order."""
    if mode == "full":
        return [None]
    if mode == "online":
        return [np.array([i]) for i in range(n)]
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def _train_once(network, start, X, Y, loss_fn, test, settings, snapshot_epochs, track_gradients):
    epochs, mode = settings["epochs"], settings["mode"]
    threshold, stop_at = settings["threshold"], settings["stop_at_threshold"]
    flat = FlatParams(network, start)
    theta = flat.theta
    grad = np.empty_like(theta)
    grad_blocks = flat.views(grad)
    # Parameters at the start of this epoch and of the one before: a diverging run keeps
    # the last sane ones.
    backup, previous = theta.copy(), theta.copy()
    step = make_optimizer(settings["optimizer"], settings["learning_rate"], theta.size,
                          l2=settings["l2"], weight_mask=flat.weight_mask(),
                          momentum=settings["momentum"])
    rng = np.random.default_rng(settings["shuffle_seed"])
    kernels: dict[int, Kernel] = {}

    def kernel_for(rows):
        size = len(X) if rows is None else len(rows)
        if size not in kernels:
            kernels[size] = Kernel(network, loss_fn, flat, size)
        kern = kernels[size]
        if rows is None:
            if not getattr(kern, "loaded_all", False):
                kern.load(X, Y)
                kern.loaded_all = True
        else:
            kern.load(X[rows], Y[rows])
        return kern

    n, k = Y.shape
    keep_outputs = epochs * n * k <= OUTPUT_HISTORY_LIMIT
    outputs = np.empty((epochs, n, k)) if keep_outputs else None
    losses = np.empty(epochs)
    accs = np.empty(epochs)
    labels = predicted_labels(Y)
    test_losses = np.empty(epochs) if test else None
    test_accs = np.empty(epochs) if test else None
    norms = np.empty((epochs, network.n_layers)) if track_gradients else None
    snapshots, wanted = {}, set(snapshot_epochs)
    loss_limit = math.inf
    size_limit = (PARAM_EXPLODE_FACTOR * max(1.0, float(np.linalg.norm(theta)))) ** 2
    converged_at = diverged_at = None
    stopped = "epochs"
    trained = epochs

    with np.errstate(all="ignore"):  # divergence is detected and reported, not warned about
        for epoch in range(epochs):
            backup, previous = previous, backup
            np.copyto(backup, theta)
            if not np.vdot(theta, theta) <= size_limit:
                diverged_at = epoch
                break
            if epoch in wanted:
                snapshots[epoch] = flat.to_params()
            if test:
                test_losses[epoch], test_accs[epoch] = _evaluate(network, flat.to_params(), test, loss_fn)
            total = 0.0
            correct = 0
            for rows in _batches(mode, n, settings["batch_size"], rng):
                kern = kernel_for(rows)
                value = kern.step(grad_blocks)
                total += value * kern.n
                if keep_outputs:
                    if rows is None:
                        np.copyto(outputs[epoch], kern.output)
                    else:
                        outputs[epoch, rows] = kern.output
                else:
                    target = labels if rows is None else labels[rows]
                    correct += int(np.count_nonzero(predicted_labels(kern.output) == target))
                if track_gradients:
                    norms[epoch] = [np.linalg.norm(g[:-1]) for g in grad_blocks]
                if not value <= loss_limit:
                    break
                step(theta, grad)
            value = total / n
            if not value <= loss_limit:
                diverged_at = epoch
                break
            losses[epoch] = value
            if not keep_outputs:
                accs[epoch] = correct / n
            if epoch == 0:
                loss_limit = LOSS_EXPLODE_FACTOR * (value + 1.0)
            if threshold is not None and converged_at is None and value < threshold:
                converged_at = epoch
                if stop_at:
                    stopped, trained = "threshold", epoch + 1
                    break
    if diverged_at is not None:
        # Keep the parameters of the last sane epoch, so run.loss[-1] is their loss.
        stopped, trained = "diverged", diverged_at
        np.copyto(theta, previous if diverged_at else backup)
    if keep_outputs:
        outputs = outputs[:trained]
        accs[:trained] = np.mean(predicted_labels(outputs) == labels, axis=1)
    final = flat.to_params()
    if epochs in wanted or stopped == "threshold":
        snapshots[trained] = final
    return Run(
        network=network, loss_name=loss_fn.name, loss=losses[:trained].copy(),
        accuracy=accs[:trained].copy(), params=final, initial_params=start, settings=settings,
        test_loss=None if test is None else test_losses[:trained].copy(),
        test_accuracy=None if test is None else test_accs[:trained].copy(),
        snapshots=snapshots, outputs=outputs,
        grad_norms=None if norms is None else norms[:trained].copy(),
        converged_at=converged_at, diverged_at=diverged_at, stopped=stopped,
    )


def _evaluate(network, params, data, loss_fn):
    X, Y = data
    trace = forward_trace(network, params, X)
    return loss_fn.value(trace.zs[-1], trace.output, Y), accuracy(trace.output, Y)
