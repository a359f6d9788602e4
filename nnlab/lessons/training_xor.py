"""Lesson 3, training XOR: named set-ups, the run they produce, and how to read it.

A ``Setup`` holds every setting of one XOR training run (network, start, loss, learning rate,
update mode, epochs, retries) as a frozen dataclass, so it can key a cache and be compared.
A ``Preset`` gives a setup the name a learner sees ("fixed start, learning rate 2.0"); the
lessons show names, never seeds or file names.

    setup = PRESETS[FIXED_START].setup
    run = setup.train(X, Y)              # one nnlab.train call, with replay snapshots
    diagnose(run, X, Y).status           # "converged", "learning", "stuck", "bouncing", "diverged"

Two starts:
    "fixed"   the nine numbers ``nine.TABLE_START`` (they fit a 2-2-1 net only; with any other
              hidden width the start is drawn by ``Init`` and ``start_note`` says so)
    "random"  ``Init("uniform", seed, weight_range, bias_range)``; retries draw fresh weights
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
import zlib
from dataclasses import dataclass, replace

import numpy as np

from .. import checks, verdicts
from ..activations import HIDDEN_ACTIVATIONS
from ..datasets import xor
from ..init import Init
from ..losses import LOSSES, PAIRINGS
from ..network import Network, Params, forward
from ..nine import TABLE_START
from ..train import MODES, ReferenceStepper, Run, Training, train
from ..view import code, live
from .programs import xor_fixed_start

STARTS = ("fixed", "random")
XOR_LOSSES = PAIRINGS["sigmoid"]  # the output is one sigmoid unit
HIDDEN_RANGE = (1, 8)
# A loss more than this many times its starting value means a step overshot badly (the one
# rule of nnlab.verdicts, which train_many and every lesson use too).
OVERSHOOT_FACTOR = verdicts.OVERSHOOT_FACTOR
# Share of rising epochs, over the last tenth of a run, that counts as bouncing.
BOUNCE_SHARE = 0.3
SNAPSHOTS = 100  # about this many replay points per run
# What the controls offer, and the words a learner sees for each library name.
LEARNING_RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0,
                  10.0, 15.0, 20.0)  # a log-spaced slider
EPOCH_CHOICES = (100, 250, 500, 1000, 2000, 4001, 8001)  # 4001 = epochs 0 to 4000
LOSS_LABELS = {name: LOSSES[name].menu_label for name in XOR_LOSSES}
MODE_LABELS = {"full": "full batch (1 step per epoch)", "minibatch": "mini-batch (2 steps)",
               "online": "online (4 steps, one per case)"}
START_LABELS = {"fixed": "the fixed nine numbers", "random": "random, uniform ranges"}
# The unit square with a margin, so the four XOR corner points are drawn whole.
UNIT_SQUARE = (-0.2, 1.2, -0.2, 1.2)


def xor_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR rows as X (4, 2) and Y (4, 1), in the order 00, 01, 10, 11."""
    data = xor()
    return data.X, data.Y


@dataclass(frozen=True)
class Setup:
    """Every setting of one XOR training run (2 inputs, ``hidden`` units, 1 sigmoid output)."""

    hidden: int = 2
    activation: str = "sigmoid"
    loss: str = "mse"
    learning_rate: float = 2.0
    epochs: int = 4001
    mode: str = "full"
    batch_size: int = 2
    start: str = "fixed"
    seed: int = 0
    weight_range: tuple[float, float] = (-2.0, 2.0)
    bias_range: tuple[float, float] = (-0.5, 0.5)
    retries: int = 0
    threshold: float | None = None  # None: the loss of outputs 0.1 from their targets
    stop_at_threshold: bool = False

    def __post_init__(self):
        low, high = HIDDEN_RANGE
        hidden = self.hidden
        if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or not (
            low <= hidden <= high
        ):
            raise ValueError(f"hidden must be a whole number from {low} to {high}; got {hidden!r}")
        if self.activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}; "
                             f"got {self.activation!r}")
        if self.loss not in XOR_LOSSES:
            raise ValueError(f"loss must be one of {', '.join(XOR_LOSSES)}; got {self.loss!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {self.mode!r}")
        if self.start not in STARTS:
            raise ValueError(f"start must be one of {', '.join(STARTS)}; got {self.start!r}")
        for name in ("weight_range", "bias_range"):
            value = getattr(self, name)
            try:
                pair = tuple(float(v) for v in value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a pair (low, high); got {value!r}")
            if len(pair) != 2 or not (math.isfinite(pair[0]) and math.isfinite(pair[1])) or (
                pair[0] > pair[1]
            ):
                raise ValueError(f"{name} must be a finite pair (low, high) with low <= high; "
                                 f"got {value!r}")
            object.__setattr__(self, name, pair)
        # A seed the page refused is named, never quietly clamped to 0.
        checks.seed(self.seed, "seed")
        for name in ("hidden", "epochs", "batch_size", "seed", "retries"):
            object.__setattr__(self, name, int(getattr(self, name)))
        object.__setattr__(self, "learning_rate", float(self.learning_rate))
        if self.retries and not self.uses_random_start:
            raise ValueError("retries: a retry draws new weights, so it needs a random start "
                             "(the fixed nine numbers would repeat the same run)")

    @property
    def network(self) -> Network:
        return Network([2, self.hidden, 1], activation=self.activation, output="sigmoid")

    @property
    def key(self) -> str:
        """A short name of these settings, the same in every process (``hash`` is not: it
        mixes in the address of None, which the default threshold is)."""
        return f"{zlib.crc32(repr(self).encode()):08x}"

    @property
    def loss_threshold(self) -> float:
        """The loss below which a run counts as converged: ``threshold`` if given, else the
        one rule of every lesson (``verdicts.loss_threshold``: the loss of outputs that are
        each 0.1 from their targets; a bound on the mean, not on every output)."""
        return verdicts.loss_threshold(self.loss) if self.threshold is None else self.threshold

    @property
    def uses_random_start(self) -> bool:
        """True unless the fixed nine numbers apply (start "fixed" on a 2-2-1 net)."""
        return not (self.start == "fixed" and self.hidden == 2)

    @property
    def init(self) -> Init:
        return Init("uniform", seed=self.seed, weight_range=self.weight_range,
                    bias_range=self.bias_range)

    def start_params(self) -> Params | Init:
        """The nine numbers for the fixed 2-2-1 start, else the ``Init`` recipe."""
        return self.init if self.uses_random_start else TABLE_START.to_params()

    @property
    def start_note(self) -> str:
        """Why the start is not the fixed nine numbers although "fixed" was asked for ('' if
        it is)."""
        if self.start == "fixed" and self.hidden != 2:
            return (f"The fixed nine numbers fit 2 hidden units only; with {self.hidden} the "
                    f"start is drawn at random (weight seed {self.seed}, weights in "
                    f"{_span(self.weight_range)}, biases in {_span(self.bias_range)}).")
        return ""

    def snapshot_epochs(self, count: int = SNAPSHOTS) -> list[int]:
        """About ``count`` evenly spaced epochs (0 and the last one included) to replay."""
        step = max(1, (self.epochs - 1) // count)
        return sorted(set(range(0, self.epochs, step)) | {self.epochs - 1})

    def _options(self) -> dict:
        return dict(loss=self.loss, learning_rate=self.learning_rate, epochs=self.epochs,
                    mode=self.mode, batch_size=self.batch_size,
                    threshold=self.loss_threshold,
                    stop_at_threshold=self.stop_at_threshold,
                    snapshot_epochs=self.snapshot_epochs())

    def train(self, X, Y) -> Run:
        """Train from this setup's start, keeping snapshots for the epoch scrubber."""
        return train(self.network, self.start_params(), X, Y, retries=self.retries,
                     **self._options())

    def training(self, X, Y, params: Params) -> Training:
        """One attempt of this setup from ``params``, to advance a few epochs at a time
        (``Training``): advanced to the end it is, bit for bit, that attempt of ``train``."""
        return Training(self.network, params, X, Y, **self._options())

    def replace(self, **changes) -> "Setup":
        return replace(self, **changes)


def unused_start_controls(start: str, hidden: int) -> str:
    """Why the weight seed, init ranges and retries do nothing right now ('' when they act):
    the fixed nine numbers on a 2-2-1 net are not drawn from anything."""
    if start == "fixed" and hidden == 2:
        return ("*Weight seed, init ranges and retries are hidden: the fixed start uses the "
                "same nine numbers every time, so they would change nothing. Pick the random "
                "start (or another number of hidden units) to use them.*")
    return ""


START_CONTROLS = ("seed", "weight_range", "bias_range", "retries")


def active_controls(values: dict) -> dict:
    """The control values that act: under the fixed start the seed, init ranges and retries
    are hidden (``unused_start_controls``), so whatever they hold last is left out rather
    than refused or used."""
    if unused_start_controls(values.get("start"), values.get("hidden")):
        return {k: v for k, v in values.items() if k not in START_CONTROLS}
    return dict(values)


def runs_by_loss(runs: dict[str, Run]) -> list[tuple[dict[str, Run], float]]:
    """The runs grouped by loss, each group with its convergence threshold: one chart per
    loss, since two losses are different numbers."""
    groups: dict[str, dict[str, Run]] = {}
    for label, run in runs.items():
        groups.setdefault(run.loss_name, {})[label] = run
    return [(group, run_threshold(next(iter(group.values())))) for group in groups.values()]


def loss_title(runs: dict[str, Run]) -> str:
    """'cross-entropy (bce) per epoch': the title of a chart of runs of one loss."""
    name = next(iter(runs.values())).loss_name
    return f"{LOSS_LABELS.get(name, name)} per epoch"


def _span(pair) -> str:
    return f"[{pair[0]:g}, {pair[1]:g}]"


@dataclass(frozen=True)
class Preset:
    """A setup under the name a learner sees, with one sentence on what it shows."""

    name: str
    about: str
    setup: Setup


FIXED_START = "fixed start, learning rate 2.0"
RANDOM_RETRIES = "random start, online steps, retries"

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(FIXED_START,
               "The nine fixed starting numbers, mean squared error, one full-batch step per "
               "epoch at learning rate 2.0, epochs 0 to 4000: the same loss table every time.",
               Setup(hidden=2, activation="sigmoid", loss="mse", learning_rate=2.0,
                     epochs=4001, mode="full", start="fixed")),
        Preset(RANDOM_RETRIES,
               "Weights drawn uniformly from [-2, 2] and biases from [-0.5, 0.5], one update "
               "per sample, half squared error at learning rate 3; a start that has not "
               "converged within 1000 epochs is thrown away and redrawn.",
               Setup(hidden=2, activation="sigmoid", loss="half_mse", learning_rate=3.0,
                     epochs=1000, mode="online", start="random", seed=0,
                     weight_range=(-2.0, 2.0), bias_range=(-0.5, 0.5), retries=9,
                     stop_at_threshold=True)),
    )
}


def preset(name: str) -> Preset:
    """Look a preset up by its name; an unknown name fails with the list of names."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of: {'; '.join(PRESETS)}; got {name!r}")
    return PRESETS[name]


# ---------------------------------------------------------------------------------------------
# Reading a run
# ---------------------------------------------------------------------------------------------


def table_every(epochs: int) -> int:
    """A round spacing giving about 8 rows for a loss table (500 for epochs 0..4000)."""
    raw = max(1.0, (epochs - 1) / 8)
    magnitude = 10 ** math.floor(math.log10(raw))
    for nice in (1, 2, 2.5, 5, 10):
        if nice * magnitude >= raw:
            return max(1, int(nice * magnitude))
    return int(10 * magnitude)


def loss_table(run: Run, every: int | None = None, digits: int = 4) -> list[dict]:
    """Rows {"epoch", "loss"} at epochs 0, every, 2*every, ... (the loss rounded to
    ``digits``), the way the printed loss tables of the XOR programs read."""
    every = table_every(len(run.loss) if run.loss is not None else 1) if every is None else every
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
        raise ValueError(f"every must be a whole number >= 1; got {every!r}")
    return [{"epoch": int(e), "loss": round(float(run.loss[e]), digits)}
            for e in range(0, len(run.loss), every) if np.isfinite(run.loss[e])]


def loss_table_markdown(rows: list[dict], digits: int = 4) -> str:
    """A loss table as a two-row markdown table (epochs across, losses below)."""
    if not rows:
        return "_no epochs to show_"
    head = "| epoch | " + " | ".join(str(r["epoch"]) for r in rows) + " |"
    rule = "|---|" + "---:|" * len(rows)
    body = "| loss | " + " | ".join(f"{r['loss']:.{digits}f}" for r in rows) + " |"
    return "\n".join((head, rule, body))


def final_outputs(run: Run, X) -> np.ndarray:
    """The trained network's outputs on X, shape (n,) for the single XOR output."""
    return forward(run.network, run.params, X)[:, 0]


def all_attempts(run: Run) -> tuple[Run, ...]:
    """Every attempt of a run with retries (the run itself when there were none)."""
    return run.attempts or (run,)


def attempt_runs(run: Run) -> dict[str, Run]:
    """{"attempt 1": Run, ...} for overlaying every attempt's loss curve."""
    attempts = all_attempts(run)
    if len(attempts) == 1:
        return {"this run": run}
    return {f"attempt {i}": a for i, a in enumerate(attempts, start=1)}


def attempts_table(run: Run) -> list[dict]:
    """One row per attempt: its number, weight draw, epochs trained, final loss, verdict."""
    rows = []
    for i, a in enumerate(all_attempts(run), start=1):
        final = float(a.loss[-1]) if len(a.loss) else float("nan")
        rows.append({
            "attempt": i,
            "epochs trained": a.epochs,
            "final loss": round(final, 5) if np.isfinite(final) else None,
            "converged": attempt_outcome(a),
        })
    return rows


# The table's words for the two causes of divergence in nnlab.verdicts.
DIVERGED_CAUSES = {"blew up": "the numbers blew up", "overshoot": "a step overshot"}


def attempt_outcome(run: Run) -> str:
    """The attempts table's "converged" cell: ``run.verdict``, the rule the callout above the
    table reads, so an overshoot says "diverged" in both places."""
    verdict = run.verdict
    if verdict.status == "converged":
        return f"yes, at epoch {verdict.epoch}"
    if verdict.diverged:
        return f"diverged at epoch {verdict.epoch} ({DIVERGED_CAUSES[verdict.cause]})"
    return "no"


def scrub_epochs(run: Run) -> list[int]:
    """Epochs the scrubber can replay exactly: stored snapshots that also have outputs."""
    epochs = sorted(e for e in run.snapshots if e < run.epochs)
    return epochs or [0]


def replay(run: Run, epoch: int):
    """(outputs, params) at ``epoch``: the outputs recorded in that epoch and the parameters
    at its start (from the nearest snapshot at or before it). No training happens."""
    if run.outputs is None or not len(run.outputs):
        raise ValueError("replay: this run kept no per-epoch outputs")
    epoch = int(epoch)
    if not 0 <= epoch < len(run.outputs):
        raise ValueError(f"epoch must lie in 0..{len(run.outputs) - 1}; got {epoch}")
    return run.outputs[epoch, :, 0], run.params_at(epoch)


def live_frame(run: Run, X, Y, *, threshold: float, epoch: int | None = None,
               resolution: int = 60, points: int | None = None) -> dict:
    """Lesson 03's live pictures of ``run``: loss and accuracy curves of every attempt, the
    decision boundary and the network of its current parameters, the outputs table."""
    runs = attempt_runs(run)
    at = f" at epoch {run.epochs}" if epoch is not None else ""
    outputs = forward(run.network, run.params, X)[:, 0]
    curves = dict(points=points) if points else {}
    return live.frame(
        live.curves_panel("loss", runs, "loss", title=f"{run.loss_name} loss",
                          y_title="loss", log=True, log_toggle=True, threshold=threshold,
                          **curves),
        live.curves_panel("accuracy", runs, "accuracy", title="accuracy",
                          y_title="cases right", percent=True, **curves),
        live.boundary_panel("boundary", run.network, run.params, X, Y, extent=UNIT_SQUARE,
                            resolution=resolution, title=f"decision boundary{at}"),
        live.network_panel("network", run.network, run.params, title=f"the network{at}"),
        live.table_panel("outputs", X, outputs, Y, title=f"outputs{at or ' after training'}"),
        epoch=run.epochs if epoch is not None else None,
        columns=[["loss", "accuracy", "network"], ["boundary", "outputs"]])


@functools.cache
def explorer(resolution: int = 30, points: int = 120):
    """For a static page: every learning rate x loss from the fixed start on XOR, as live
    frames (~1 s to compute, ~0.5 MB; kept once per process). Returns (controls, frames)
    for ``LiveView.offer``."""
    X, Y = xor_arrays()
    base = PRESETS[FIXED_START].setup
    controls = [
        live.explore_control("learning_rate", "learning rate",
                             [(f"{lr:g}", f"{lr:g}") for lr in LEARNING_RATES],
                             f"{base.learning_rate:g}"),
        live.explore_control("loss", "loss", [(k, v) for k, v in LOSS_LABELS.items()],
                             base.loss, kind="select"),
    ]
    frames = {}
    for lr in LEARNING_RATES:
        for loss in LOSS_LABELS:
            run = base.replace(learning_rate=lr, loss=loss).train(X, Y)
            frames[f"{lr:g}|{loss}"] = live_frame(run, X, Y, threshold=run_threshold(run),
                                                  resolution=resolution, points=points)
    return controls, frames


# ---------------------------------------------------------------------------------------------
# What happened: converged, still learning, stuck, bouncing, diverged
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnosis:
    """What a run did, said for a learner. ``kind`` is a marimo callout kind."""

    status: str  # "converged", "learning", "stuck", "bouncing", "diverged"
    kind: str  # "success", "info", "warn", "danger"
    message: str
    epoch: int | None = None  # converged at / diverged at


def run_threshold(run: Run) -> float:
    """The convergence threshold a run was trained with (the shared rule's, if none)."""
    return verdicts.run_threshold(run)


def diagnose(run: Run, X=None, Y=None, threshold: float | None = None) -> Diagnosis:
    """Sort a run into converged / still learning / stuck / bouncing / diverged.

    Converged and diverged are ``run.verdict`` (``nnlab.verdicts``: the rules ``train_many``
    and every lesson use): diverged covers a blow-up and a loss that jumped above twice its
    first epoch's value in a run that converged at no epoch (with a sigmoid output the numbers
    stay bounded, but such a jump means the steps overshoot). Only the rest is read from the
    curve's tail: bouncing, stuck on a plateau, or still learning. (``X`` and ``Y`` are
    accepted for older callers and not needed.)
    """
    threshold = run_threshold(run) if threshold is None else threshold
    lr = run.settings.get("learning_rate")
    name = run.loss_name
    verdict = run.verdict
    rule = (f"the {name} loss fell below {threshold:.3g}, its value when every output is "
            f"{verdicts.TOLERANCE:g} from its target")
    if verdict.cause == "blew up":
        return Diagnosis(
            "diverged", "danger",
            f"**Training diverged at epoch {run.diverged_at}:** the learning rate ({lr:g}) is "
            f"too large: each step overshoots and the numbers blow up. The charts stop at the "
            f"last sane epoch; try a smaller learning rate.", run.diverged_at)
    loss = np.asarray(run.loss, dtype=float)
    if not len(loss):
        return Diagnosis("stuck", "warn", "No epoch was trained.")
    if verdict.cause == "overshoot":
        e = verdict.epoch
        return Diagnosis(
            "diverged", "danger",
            f"**Training diverged at epoch {e}:** the learning rate ({lr:g}) is too large for "
            f"{name}: {verdicts.overshoot_words(run)}. It ends at {loss[-1]:.4g}, accuracy "
            f"{run.accuracy[-1]:.0%}. Try a smaller learning rate.", e)
    if verdict.status == "converged":
        bumped = _overshoot_aside(verdict)
        return Diagnosis(
            "converged", "success",
            f"**Converged at epoch {run.converged_at}:** {rule}{bumped}. After {run.epochs} "
            f"epochs the loss is {loss[-1]:.4g} and {run.accuracy[-1]:.0%} of the four cases "
            f"are right.", run.converged_at)
    tail = loss[-max(2, len(loss) // 10):]
    rising = float(np.mean(np.diff(tail) > 0)) if len(tail) > 1 else 0.0
    if rising > BOUNCE_SHARE:
        return Diagnosis(
            "bouncing", "warn",
            f"**The loss keeps bouncing** (it rose in {rising:.0%} of the last epochs): the "
            f"learning rate ({lr:g}) is too large to settle into the valley. Final {name} "
            f"loss {loss[-1]:.4g}, accuracy {run.accuracy[-1]:.0%}.")
    if run.accuracy[-1] < 1.0 and verdicts.on_plateau(loss):
        return Diagnosis(
            "stuck", "warn",
            f"**Stuck on a plateau:** over the last tenth of the run the {name} loss barely "
            f"moved ({loss[-1]:.4g}, accuracy {run.accuracy[-1]:.0%}). Either the steps are too "
            f"small to cross a flat stretch (raise the learning rate or the epochs) or this "
            f"start leads into a poor valley (try another weight seed, or retries).")
    return Diagnosis(
        "learning", "info",
        f"**Still learning:** after {run.epochs} epochs the {name} loss is {loss[-1]:.4g}, "
        f"not yet converged (that needs a loss below {threshold:.3g}, its value when every "
        f"output is {verdicts.TOLERANCE:g} from its target); accuracy {run.accuracy[-1]:.0%}. More epochs or a "
        f"larger learning rate would take it further.")


def _overshoot_aside(verdict) -> str:
    """An aside for a converged run that also overshot: the rule counts it converged whether
    the overshoot came before (a recovery) or after (a later step went wrong)."""
    at = verdict.overshot_at
    if at is None:
        return ""
    if at < verdict.epoch:
        return f" (after an overshoot at epoch {at} it recovered)"
    return (f" (a later step overshot at epoch {at}: the loss rose above {OVERSHOOT_FACTOR:g} "
            "times its start, but a run that converged counts as converged)")


def after_convergence(run: Run, Y) -> str:
    """What "converged" promises about the outputs, for this run: the rule bounds the mean
    loss, so at the converged epoch one output may still be more than 0.1 from its target;
    the sentence gives the farthest one then, and the bound the mean puts on every output."""
    Y = np.asarray(Y, dtype=float)
    threshold, n = run_threshold(run), Y.size
    text = (f"Converged means the mean {run.loss_name} loss over the {n} cases fell below "
            f"{threshold:.3g}, its value when every output is exactly "
            f"{verdicts.TOLERANCE:g} from its target. That bounds the mean, not each output")
    c = run.converged_at
    if c is not None and run.outputs is not None and c < len(run.outputs):
        far = np.abs(run.outputs - Y).reshape(len(run.outputs), -1).max(axis=1)
        text += f": at epoch {c} the farthest output was {far[c]:.3f} from its target"
        if far[c] > verdicts.TOLERANCE:
            within = np.flatnonzero(far[c:] <= verdicts.TOLERANCE)
            text += (f", and all {n} were within {verdicts.TOLERANCE:g} only from epoch "
                     f"{c + int(within[0])}" if len(within) else
                     f", and they were never all within {verdicts.TOLERANCE:g} in this run")
    bound = verdicts.worst_output_distance(run.loss_name, n, threshold)
    text += (f". While the mean stays below {threshold:.3g}, no output can be more than "
             f"{bound:.2g} from its target")
    if bound < 0.5:
        text += " (so every output is on the right side of 0.5 and the accuracy cannot rise"
        text += " any more)"
    if run.stopped == "threshold":
        return (text + ". Had it trained on, each step would still push the outputs closer "
                "to 0 and 1, so the loss would keep shrinking, ever more slowly.")
    return (text + ", but each step still pushes the outputs closer to 0 and 1, so the loss "
            "keeps shrinking, ever more slowly.")


def summary(run: Run) -> str:
    """One markdown line: final loss, epochs trained, accuracy, attempts."""
    if not len(run.loss):
        return "no epochs trained"
    attempts = len(all_attempts(run))
    tries = f" (attempt {attempts}, after {attempts - 1} redraws)" if attempts > 1 else ""
    return (f"final {run.loss_name} loss **{float(run.loss[-1]):.4f}** after {run.epochs} "
            f"epochs{tries}, accuracy {run.accuracy[-1]:.0%}")


# ---------------------------------------------------------------------------------------------
# Pre-computed scenarios for pages without a kernel
# ---------------------------------------------------------------------------------------------


def scenarios(X, Y) -> dict[str, dict[str, Run]]:
    """Runs for a static page: three learning rates from the fixed start, mean squared error
    vs cross-entropy from that same start, and the retry preset. Tab name -> {label: Run}."""
    base = PRESETS[FIXED_START].setup
    out = {}
    for label, lr in (("0.1", 0.1), ("2.0", 2.0), ("10", 10.0)):
        name = f"learning rate {label}"
        out[name] = {name: base.replace(learning_rate=lr).train(X, Y)}
    out["MSE vs BCE, same start"] = {
        "mse": out["learning rate 2.0"]["learning rate 2.0"],
        "bce": base.replace(loss="bce").train(X, Y),
    }
    out[RANDOM_RETRIES] = attempt_runs(PRESETS[RANDOM_RETRIES].setup.train(X, Y))
    return out


# ---------------------------------------------------------------------------------------------
# The code behind the page
# ---------------------------------------------------------------------------------------------

def loop_markdown() -> str:
    """nnlab's training loop as the lessons teach it: one epoch (forward, loss, backward, update)
    and the loop around it that applies the stop rules."""
    return "\n\n".join([
        code.function_block(ReferenceStepper.epoch, title="one epoch: `ReferenceStepper.epoch`"),
        code.function_block(Training.advance, title="the loop and its stop rules: `Training.advance`",
                            collapsed=True),
    ])


def program_markdown() -> str:
    """The whole fixed-start run as one plain-Python program (no nnlab, no NumPy)."""
    return code.block(code.source(xor_fixed_start), title="a complete program, plain Python")


def program_lines() -> int:
    return len(code.source(xor_fixed_start).splitlines())


def program_output() -> str:
    """What the plain program prints when the page runs it."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        xor_fixed_start.main()
    return printed.getvalue()


def program_losses(printed: str) -> list[str]:
    """The loss column the program printed, as text (compared digit for digit with nnlab's)."""
    return re.findall(r"loss (\d+\.\d+)", printed)


def program_comparison(X, Y, printed: str) -> list[dict]:
    """The plain program's printed losses beside nnlab's for the same fixed start, row by row."""
    run = PRESETS[FIXED_START].setup.train(X, Y)
    ours = [f"{row['loss']:.4f}" for row in loss_table(run, every=500)]
    theirs = program_losses(printed)
    return [{"epoch": 500 * i, "plain program": p, "nnlab.train": n,
             "same digits": "yes" if p == n else "NO"}
            for i, (p, n) in enumerate(zip(theirs, ours))]
