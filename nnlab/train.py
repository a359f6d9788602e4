"""Training: the loop and its stop rules (the record of a run is ``nnlab.run``).

Read top to bottom, as the lessons teach it: ``train`` (one attempt, or retries from fresh
weights), ``Training.advance`` (epoch after epoch, with the stop rules: converged, blew up,
out of epochs), ``ReferenceStepper.epoch`` (one epoch: forward, loss, backward, update).
Below them, the machinery: checked settings, the choice of engine, the record of outputs.

What one epoch means here: every training sample is seen once. ``run.loss[e]`` is the mean
loss measured on epoch e's forward passes, *before* that epoch's updates (for full batch,
exactly the loss of the parameters at the start of the epoch), so ``loss[0]`` is the loss of
the initial parameters. ``run.accuracy[e]`` is measured on the same forward passes.

Update modes: ``"full"`` (one update per epoch on all samples), ``"minibatch"`` (batches of
``batch_size``, reshuffled every epoch from ``shuffle_seed``), ``"online"`` (one sample at a
time, in data order).

Engines (``train(..., engine=...)``): ``"reference"`` runs the loop as the lessons teach it,
written out in ``ReferenceStepper.epoch`` below: for each batch, forward, loss and backward
(``network.backprop``), then the plain optimiser's update (``optim.plain_optimizer``). The
default ``"auto"`` runs the same formulas through tuned kernels (``nnlab.fast.steppers``):
straight-line Python for tiny nets (``"tiny"``), a NumPy kernel on one flat parameter vector otherwise
(``"numpy"``). Tests hold every engine to the reference's numbers (1e-12).

Dropout (``dropout=p``, ``dropout_seed=s``): each training batch gets fresh inverted-dropout
masks for the hidden layers (``network.dropout_masks``) drawn from a generator seeded with
``dropout_seed``, so the same seed gives the same run. Dropout is on only for the training
passes (``run.loss`` and ``run.accuracy`` are measured on the dropped passes); the test set
and every prediction afterwards use the whole network. The reference engine and the NumPy
kernel implement it, drawing the same masks in the same order, so they agree to 1e-12;
``engine="auto"`` runs the NumPy kernel whenever ``dropout > 0`` (also for ``float32``), and
``"tiny"`` refuses it (the plain-Python program has no masks). ``dropout=0`` gives exactly the
numbers of a run without it.
"""

from __future__ import annotations

import inspect
import math
from typing import Sequence

import numpy as np

from . import checks
from .fast.steppers import FlatParams, NumpyStepper, TinyStepper, one_blas_thread, tiny_supported
from .init import Init
from .losses import get_loss
from .network import (Network, Params, backprop, check_dropout, dropout_masks, loss_and_accuracy,
                      predicted_labels)
from .optim import MODES, batches, check_optimizer, plain_optimizer, with_weight_decay
from .run import LOSS_EXPLODE_FACTOR, PARAM_EXPLODE_FACTOR, Run

# "auto": the tiny program when the run fits it, else the NumPy kernel.
ENGINES = ("auto", "reference", "numpy", "tiny")
# Upper limits that turn a slip (epochs=10**30) into a message instead of a run that never ends.
MAX_EPOCHS = 100_000_000
MAX_RETRIES = 1000
# Keep every epoch's outputs when they fit in this many numbers (the XOR lessons replay them).
OUTPUT_HISTORY_LIMIT = 2_000_000
# Longer runs keep only each epoch's accuracy, worked out from blocks of about this many outputs.
OUTPUT_BLOCK = 65_536
# When the tiny-net path (plain Python, steppers.tiny_program) is used instead of NumPy: up to
# this many parameters x samples for a full batch, this many parameters for online updates.
# Measured crossovers (python benchmarks/run.py --crossover): a full-batch NumPy epoch costs
# ~25 us however small the net, Python ~0.2 us per parameter and sample, so they meet near
# 130-150; an online NumPy update costs ~25 us per sample, Python meets it near 250 parameters.
TINY_FULL_WORK = 128
TINY_ONLINE_PARAMS = 200


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
    dropout: float = 0.0,
    dropout_seed: int = 0,
    threshold: float | None = None,
    stop_at_threshold: bool = False,
    retries: int = 0,
    X_test=None,
    Y_test=None,
    snapshot_epochs: Sequence[int] = (),
    track_gradients: bool = False,
    dtype=np.float64,
    engine: str = "auto",
) -> Run:
    """Train ``network`` from ``params`` (a list of (W, b), or an ``Init`` to draw them).

    With ``retries=N`` and a ``threshold``, a run that never reaches the threshold is
    repeated from freshly drawn weights, up to N more times; every attempt is kept in
    ``run.attempts``. ``dtype=np.float32`` trades ~7 digits for speed on larger nets
    (recorded numbers stay float64).

    ``engine="reference"`` trains through ``network.backprop`` and the plain optimiser, the
    loop the lessons teach. The default ``"auto"`` computes the same numbers faster: tiny
    problems (a few parameters x samples, sgd, full or online) as straight-line Python
    (``fast.steppers.tiny_program``, or ``engine="tiny"``), everything else through the NumPy
    ``fast.steppers.Kernel`` (``engine="numpy"``). ``run.engine`` says which one ran.

    ``dropout`` (0 <= p < 1) drops each hidden unit of each training sample with probability
    p (inverted dropout, masks from ``dropout_seed``); with p > 0 "auto" runs the NumPy
    kernel, "reference" the loop above, and "tiny" refuses (see the module docstring).
    """
    setup = _Setup(network, X, Y, loss=loss, learning_rate=learning_rate, epochs=epochs,
                   mode=mode, batch_size=batch_size, shuffle_seed=shuffle_seed,
                   optimizer=optimizer, momentum=momentum, l2=l2, dropout=dropout,
                   dropout_seed=dropout_seed, threshold=threshold,
                   stop_at_threshold=stop_at_threshold, retries=retries, X_test=X_test,
                   Y_test=Y_test, snapshot_epochs=snapshot_epochs,
                   track_gradients=track_gradients, dtype=dtype, engine=engine)
    retries = setup.settings["retries"]
    if retries and not isinstance(params, Init):
        raise ValueError("retries: pass an Init (not fixed params) so each retry can draw new weights")
    attempts = []
    for attempt in range(retries + 1):
        start = params.draw(network, attempt) if isinstance(params, Init) else params
        run = Training._of(setup, start).advance(setup.settings["epochs"])
        attempts.append(run)
        if threshold is None or run.converged:
            break
    if len(attempts) > 1 or retries:
        run = _replace(attempts[-1], attempts=tuple(attempts))
    return run


class Training:
    """One training run that goes forward a number of epochs at a time.

    ``Training(network, params, X, Y, epochs=N, ...)`` takes ``train``'s arguments (one
    attempt: no ``retries``); ``advance(k)`` trains the next k epochs and returns the run so
    far. Going 50 then 70 epochs gives, bit for bit, what 120 at once gives: the optimiser's
    running averages, the shuffle stream and the divergence limits carry on. The playground
    streams long runs this way; ``train`` is a Training advanced all the way.
    """

    def __init__(self, network: Network, params: Params | Init, X, Y, **options):
        unknown = set(options) - set(_TRAIN_DEFAULTS)
        if unknown:
            raise ValueError(f"Training has no option {', '.join(sorted(unknown))}; "
                             f"it takes train()'s: {', '.join(_TRAIN_DEFAULTS)}")
        setup = _Setup(network, X, Y, **{**_TRAIN_DEFAULTS, **options})
        if setup.settings["retries"]:
            raise ValueError("retries: a Training is one attempt; use nnlab.train for retries")
        self._start(setup, params.draw(network, 0) if isinstance(params, Init) else params)

    @classmethod
    def _of(cls, setup: _Setup, params: Params) -> "Training":
        training = cls.__new__(cls)
        training._start(setup, params)
        return training

    def _start(self, setup: _Setup, params) -> None:
        self.setup = setup
        network, settings = setup.network, setup.settings
        self.initial = network.check_params(params)
        self.log = _OutputLog(settings["epochs"], setup.Y)
        # Overflow here (a float32 learning rate above float32's range, starting weights whose
        # squared norm is too large for a float) is not warned about: it ends as divergence.
        with np.errstate(all="ignore"):
            self.stepper = _stepper(setup, self.initial, self.log)
            size = _norm(self.stepper)
        # The loop's state, carried from one advance to the next.
        self.epoch = 0  # epochs trained so far
        self.losses, self.snapshots = [], {}
        self.loss_limit = math.inf
        # The size rule on the norm, and on its square (inf when that overflows: see _too_big).
        self.size_limit = PARAM_EXPLODE_FACTOR * max(1.0, size)
        self.size_limit2 = self.size_limit * self.size_limit
        self.converged_at = self.diverged_at = None
        self.stopped = None  # "epochs", "threshold" or "diverged" once the run is over
        self.backup = self.previous = None  # parameters at the start of this and the last epoch

    @property
    def done(self) -> bool:
        return self.stopped is not None

    def advance(self, epochs: int) -> Run:
        """Train up to ``epochs`` more epochs (fewer if the run ends first); the run so far."""
        epochs = checks.whole(epochs, "epochs", 0)
        total = self.setup.settings["epochs"]
        threshold = self.setup.settings["threshold"]
        stop_at = self.setup.settings["stop_at_threshold"]
        stepper, wanted = self.stepper, self.setup.snapshot_epochs
        with one_blas_thread(), np.errstate(all="ignore"):  # divergence is reported, not warned
            while not self.done and epochs > 0:
                epoch = self.epoch
                self.previous, self.backup = self.backup, stepper.save(self.previous)
                if self._too_big():
                    self._diverged(epoch)
                    break
                if epoch in wanted:
                    self.snapshots[epoch] = stepper.copy_params()
                value, ok = stepper.epoch(self.loss_limit)
                if not (ok and value <= self.loss_limit and value < math.inf):
                    self._diverged(epoch)
                    break
                self.losses.append(value)
                self.epoch, epochs = epoch + 1, epochs - 1
                if epoch == 0:
                    self.loss_limit = LOSS_EXPLODE_FACTOR * (value + 1.0)
                if threshold is not None and self.converged_at is None and value < threshold:
                    self.converged_at = epoch
                    if stop_at:
                        self.stopped = "threshold"
                if self.epoch == total and not self.done:
                    self.stopped = "epochs"
        return self._run()

    def _too_big(self) -> bool:
        """The parameter-size rule: their norm grew PARAM_EXPLODE_FACTOR-fold (or is NaN)."""
        norm2 = self.stepper.norm2()
        if norm2 < math.inf:
            return not norm2 <= self.size_limit2
        return not _norm(self.stepper) <= self.size_limit  # the square overflowed (or NaN)

    def _diverged(self, epoch: int) -> None:
        # Keep the parameters of the last sane epoch, so run.loss[-1] is their loss.
        self.diverged_at, self.stopped = epoch, "diverged"
        self.stepper.restore(self.previous if epoch else self.backup)

    def _run(self) -> Run:
        """The record of the epochs trained so far."""
        setup, stepper, trained = self.setup, self.stepper, self.epoch
        stepper.flush()
        final = stepper.copy_params()
        snapshots = dict(self.snapshots)
        # The parameters the record ends on are a snapshot too: where the threshold stopped
        # the run, or where one was asked for (a diverged run: if the end of the run was).
        ends_on = setup.settings["epochs"] if self.stopped == "diverged" else trained
        if self.stopped == "threshold" or ends_on in setup.snapshot_epochs:
            snapshots[trained] = final
        outputs, accs = self.log.result(trained)
        return Run(
            network=setup.network, loss_name=setup.loss_fn.name,
            loss=np.array(self.losses, dtype=np.float64), accuracy=accs, params=final,
            initial_params=self.initial, settings=setup.settings,
            test_loss=stepper.history("test_loss", trained),
            test_accuracy=stepper.history("test_accuracy", trained),
            snapshots=snapshots, outputs=outputs,
            grad_norms=stepper.history("grad_norms", trained),
            converged_at=self.converged_at, diverged_at=self.diverged_at,
            stopped=self.stopped or "epochs", engine=stepper.engine,
        )


class ReferenceStepper:
    """The training loop as the lessons teach it: forward, loss, backward, update.

    Parameters are a list of ``(W, b)`` pairs and the optimiser a plain ``init``/``update`` pair
    over a state, so every number can be printed. ``engine="reference"`` runs this; the other
    engines are tested to give its numbers.
    """

    engine = "reference"

    def __init__(self, setup: _Setup, params: Params, log: "_OutputLog"):
        settings = setup.settings
        self.network, self.loss = setup.network, settings["loss"]
        self.X, self.Y, self.test, self.log = setup.X, setup.Y, setup.test, log
        self.mode, self.batch_size = settings["mode"], settings["batch_size"]
        self.l2, self.track = settings["l2"], setup.track_gradients
        self.optimizer = plain_optimizer(settings["optimizer"], settings["learning_rate"],
                                         momentum=settings["momentum"])
        self.params = params
        self.state = self.optimizer.init(params)
        self.shuffle = np.random.default_rng(settings["shuffle_seed"])
        self.dropout = settings.get("dropout", 0.0)
        self.dropout_rng = np.random.default_rng(settings.get("dropout_seed", 0))
        self.records = {"test_loss": [], "test_accuracy": [], "grad_norms": []}
        self.pending = []  # outputs of the epochs not yet handed to the log

    def epoch(self, limit):
        """One pass over the training data; returns (mean loss before the updates, ok)."""
        if self.test:
            self._record_test()
        total, outputs = 0.0, np.empty_like(self.Y)
        for rows in batches(self.mode, len(self.X), self.batch_size, self.shuffle):
            rows = slice(None) if rows is None else rows
            if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in self.params):
                return total / len(self.X), False  # the last update overflowed: blown up
            # Dropout: this batch's masks, one per hidden layer (None when dropout is 0).
            n_rows = len(self.X) if isinstance(rows, slice) else len(rows)
            masks = dropout_masks(self.network, n_rows, self.dropout, self.dropout_rng)
            # Forward, loss and backward: every layer's z, a, delta and (dL/dW, dL/db).
            result = backprop(self.network, self.params, self.X[rows], self.Y[rows], self.loss,
                              masks)
            total += result.loss * len(result.activations[-1])
            outputs[rows] = result.activations[-1]
            if self.track:
                norms = [np.linalg.norm(dW) for dW, _ in result.grads]
            if not result.loss <= limit:
                return total / len(self.X), False  # blown up: the rest of the epoch is moot
            # Update: the optimiser's step on the gradients (plus weight decay, if any).
            grads = with_weight_decay(result.grads, self.params, self.l2)
            self.params, self.state = self.optimizer.update(self.params, grads, self.state)
        if self.track:
            self.records["grad_norms"].append(norms)
        self.pending.append(outputs)
        if len(self.pending) == self.log.block:
            self.flush()
        return total / len(self.X), True

    def _record_test(self):
        loss, acc = loss_and_accuracy(self.network, self.params, *self.test, self.loss)
        self.records["test_loss"].append(loss)
        self.records["test_accuracy"].append(acc)

    # What the stop rules need: the size of the parameters, a copy to go back to, the record.

    def norm2(self) -> float:
        return float(sum(np.vdot(W, W) + np.vdot(b, b) for W, b in self.params))

    def save(self, into):
        return self.params  # every update makes new arrays: keeping the list is the copy

    def restore(self, saved) -> None:
        self.params = saved

    def copy_params(self) -> Params:
        return [(W.copy(), b.copy()) for W, b in self.params]

    def flush(self) -> None:
        if self.pending:
            self.log.add(np.stack(self.pending))
            self.pending = []

    def history(self, name, trained):
        if name.startswith("test") and self.test is None or name == "grad_norms" and not self.track:
            return None
        return np.array(self.records[name], dtype=np.float64)[:trained]


# ---------------------------------------------------------------------------------------------
# The machinery behind the loop: checked settings, the choice of engine, the record of outputs
# ---------------------------------------------------------------------------------------------


class _Setup:
    """``train``'s arguments checked once: data, loss, test set and the settings record."""

    def __init__(self, network, X, Y, *, loss, learning_rate, epochs, mode, batch_size,
                 shuffle_seed, optimizer, momentum, l2, dropout, dropout_seed, threshold,
                 stop_at_threshold, retries,
                 X_test, Y_test, snapshot_epochs, track_gradients, dtype, engine):
        if not isinstance(network, Network):
            checks.fail("network", "a Network", network)
        self.network = network
        self.loss_fn = get_loss(loss, network.output)
        self.X = network.check_inputs(X)
        self.Y = network.check_targets(Y, len(self.X), loss)
        if len(self.X) == 0:
            checks.fail("X", "training data with at least one row", self.X)
        check_optimizer(optimizer, learning_rate, l2=l2, momentum=momentum)
        if dtype not in (np.float32, np.float64, "float32", "float64") and not (
                isinstance(dtype, np.dtype) and dtype in (np.float32, np.float64)):
            checks.fail("dtype", "np.float32 or np.float64", dtype)
        epochs = checks.whole(epochs, "epochs", 1, MAX_EPOCHS)
        checks.one_of(mode, "mode", MODES)
        batch_size = checks.whole(batch_size, "batch_size", 1)
        checks.seed(shuffle_seed, "shuffle_seed")
        retries = checks.whole(retries, "retries", 0, MAX_RETRIES)
        if threshold is not None:
            threshold = checks.positive(threshold, "threshold")
        checks.flag(stop_at_threshold, "stop_at_threshold")
        checks.flag(track_gradients, "track_gradients")
        self.engine = checks.one_of(engine, "engine", ENGINES)
        dropout = check_dropout(dropout)
        checks.seed(dropout_seed, "dropout_seed")
        if dropout and engine == "tiny":
            checks.fail("engine", "'auto', 'numpy' or 'reference' with dropout > 0 (the tiny "
                        "program has no dropout)", engine)
        if engine == "reference" and np.dtype(dtype) != np.float64:
            checks.fail("dtype", "np.float64 with engine='reference' (it computes in float64)",
                        dtype)
        if retries and threshold is None:
            raise ValueError("retries: a retry needs a threshold to know when a run has failed")
        self.test = None
        if X_test is not None and np.size(X_test):
            Xt = network.check_inputs(X_test, "X_test")
            self.test = (Xt, network.check_targets(Y_test, len(Xt), loss, "Y_test"))
        if isinstance(snapshot_epochs, (str, bytes)) or not np.iterable(snapshot_epochs):
            checks.fail("snapshot_epochs", "a list of epochs", snapshot_epochs)
        self.snapshot_epochs = {checks.whole(e, "snapshot_epochs", 0, epochs)
                                for e in snapshot_epochs}
        self.track_gradients = track_gradients
        self.settings = dict(
            sizes=list(network.sizes), activation=network.activation, output=network.output,
            loss=loss, learning_rate=float(learning_rate), epochs=epochs, mode=mode,
            batch_size=batch_size, shuffle_seed=shuffle_seed, optimizer=optimizer,
            momentum=momentum, l2=l2, threshold=threshold, stop_at_threshold=stop_at_threshold,
            retries=retries, dtype=np.dtype(dtype).name,
        )
        if dropout:  # recorded only when on, so runs without dropout keep their old settings
            self.settings.update(dropout=dropout, dropout_seed=dropout_seed)


def _stepper(setup: _Setup, params: Params, log: "_OutputLog"):
    """The engine that runs the epochs: the one asked for, or for "auto" the fastest that fits."""
    network, settings, engine = setup.network, setup.settings, setup.engine
    if engine == "reference":
        return ReferenceStepper(setup, params, log)
    flat = FlatParams(network, params, np.dtype(settings["dtype"]))
    plain = _tiny_plain(setup)
    if engine == "tiny" and not plain:
        checks.fail("engine", "'tiny' only for sgd without l2, full or online mode, float64, no "
                    "test set or gradient tracking, element-wise units and mse, half_mse or bce",
                    engine)
    mode, n = settings["mode"], len(setup.X)
    small = (network.n_params * n <= TINY_FULL_WORK if mode == "full"
             else mode == "online" and network.n_params <= TINY_ONLINE_PARAMS)
    if engine == "tiny" or engine == "auto" and plain and small:
        return TinyStepper(network, flat, setup.X, setup.Y, settings, log)
    return NumpyStepper(network, flat, setup.X, setup.Y, setup.loss_fn, settings, log,
                        setup.test, setup.track_gradients)


def _tiny_plain(setup: _Setup) -> bool:
    """Whether the plain-Python tiny-net program can run this setup at all (any size)."""
    settings = setup.settings
    return (settings["mode"] in ("full", "online") and settings["optimizer"] == "sgd"
            and settings["l2"] == 0 and not settings.get("dropout")
            and settings["dtype"] == "float64" and setup.test is None
            and not setup.track_gradients and tiny_supported(setup.network, settings["loss"]))


def _norm(stepper) -> float:
    """The parameters' norm, also when its square overflows (starting weights ~1e200)."""
    norm2 = stepper.norm2()
    if norm2 < math.inf:
        return math.sqrt(norm2)
    flat = np.concatenate([np.concatenate([W.ravel(), b.ravel()])
                           for W, b in stepper.copy_params()]).astype(np.float64)
    top = float(np.max(np.abs(flat)))
    if not top < math.inf:
        return math.inf  # inf or NaN parameters
    with np.errstate(all="ignore"):
        return top * math.sqrt(float(np.sum((flat / top) ** 2)))


# train()'s keyword arguments and their defaults: the one place Training takes them from.
_TRAIN_DEFAULTS = {name: p.default for name, p in inspect.signature(train).parameters.items()
                   if p.kind is p.KEYWORD_ONLY}


class _OutputLog:
    """Every epoch's training outputs (n, k), or, for long runs, only each epoch's accuracy.

    Engines hand over outputs in blocks of epochs; accuracy is worked out a block at a time
    (one vectorised call instead of a few per epoch).
    """

    def __init__(self, epochs: int, Y: np.ndarray):
        n, k = Y.shape
        self.keep = epochs * n * k <= OUTPUT_HISTORY_LIMIT
        self.block = max(1, min(epochs, OUTPUT_BLOCK // (n * k)))  # epochs per block
        self.shape = (n, k)
        self.labels = predicted_labels(Y)
        self.blocks, self.accuracy = [], []

    def add(self, outputs: np.ndarray) -> None:
        """Outputs of consecutive epochs, shape (epochs, n, k)."""
        self.accuracy.append(np.mean(predicted_labels(outputs) == self.labels, axis=1))
        if self.keep:
            self.blocks.append(np.array(outputs, dtype=np.float64))

    def result(self, trained: int):
        accuracy = np.concatenate(self.accuracy)[:trained] if self.accuracy else np.empty(0)
        if not self.keep:
            return None, accuracy
        outputs = np.concatenate(self.blocks) if self.blocks else np.empty((0,) + self.shape)
        return outputs[:trained], accuracy


def _replace(run: Run, **changes) -> Run:
    from dataclasses import replace
    return replace(run, **changes)
