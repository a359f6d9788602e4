"""Hidden activations side by side: one network, one data set, the same weight seeds.

``compare_activations`` trains the same architecture once per activation and seed, so the
activation is the only thing that changes between two runs with the same seed. By default
each activation starts from its usual initialisation (``MATCHED_INIT``: Xavier for sigmoid
and tanh, He for the ReLU family). Both draw the same standard-normal numbers for a given
seed and only scale them differently, so "the same seed" still means "the same random start".

The helpers below turn runs and unit-health reports (``nnlab.diagnostics``) into the plain
rows and sentences a lesson shows: accuracy per activation, gradient size per layer, and
"3 of 16 units in hidden layer 1 are dead".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

import numpy as np

from .. import verdicts
from ..view import code, live
from ..activations import HIDDEN_ACTIVATIONS, get_activation
from ..diagnostics import LayerHealth, health_messages, unit_health  # noqa: F401 (the lesson shows its sentences)
from ..init import METHODS, Init
from ..network import Network, Params, forward_trace
from ..train import Run, train

# The usual starting scale for each hidden activation (He doubles Xavier's variance because
# a ReLU zeroes about half of its inputs).
MATCHED_INIT = {"sigmoid": "xavier", "tanh": "xavier", "identity": "xavier",
                "relu": "he", "leaky_relu": "he"}
ACCURACY_TARGET = 0.95  # "epochs to 95 % accuracy" in the comparison table


@dataclass(frozen=True, eq=False)
class Comparison:
    """Runs of one architecture, one per (activation, seed); ``runs[name][i]`` used ``seeds[i]``."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    seeds: tuple[int, ...]
    learning_rates: dict[str, float]
    inits: dict[str, Init]  # the recipe per activation (its seed is replaced per run)
    runs: dict[str, tuple[Run, ...]]

    def final_accuracy(self) -> dict[str, np.ndarray]:
        """Training accuracy after the last epoch, per activation, one entry per seed."""
        return {name: np.array([_final(run.accuracy) for run in runs])
                for name, runs in self.runs.items()}

    def final_loss(self) -> dict[str, np.ndarray]:
        return {name: np.array([_final(run.loss) for run in runs])
                for name, runs in self.runs.items()}

    def for_seed(self, seed: int) -> dict[str, Run]:
        """``{activation: run}`` of one seed: the runs that started from the same weights."""
        if seed not in self.seeds:
            raise ValueError(f"seed must be one of {list(self.seeds)}; got {seed!r}")
        i = self.seeds.index(seed)
        return {name: runs[i] for name, runs in self.runs.items()}

    def network(self, activation: str) -> Network:
        return self.runs[activation][0].network

    def table(self, target: float = ACCURACY_TARGET) -> list[dict]:
        """One row per activation: settings, accuracy over the seeds, epochs to ``target``."""
        accuracy, loss = self.final_accuracy(), self.final_loss()
        rows = []
        for name in self.activations:
            reached = [_first_at_least(run.accuracy, target) for run in self.runs[name]]
            hit = [e for e in reached if e is not None]
            rows.append({
                "activation": name,
                "learning rate": f"{self.learning_rates[name]:g}",
                "init": _init_label(self.inits[name]),
                "final accuracy (mean)": f"{100 * np.mean(accuracy[name]):.1f} %",
                "worst start": f"{100 * np.min(accuracy[name]):.1f} %",
                "final loss (mean)": f"{np.mean(loss[name]):.4f}",
                f"epochs to {100 * target:g} %": (
                    f"{int(np.median(hit))}" + ("" if len(hit) == len(reached)
                                                else f" ({len(hit)} of {len(reached)} starts)")
                    if hit else "not reached"),
            })
        return rows


def _final(values) -> float:
    return float(values[-1]) if len(values) else float("nan")


def _first_at_least(values, target) -> int | None:
    hits = np.flatnonzero(np.asarray(values) >= target)
    return int(hits[0]) if hits.size else None


def _init_label(init: Init) -> str:
    if init.method == "uniform":
        return f"uniform W in {init.weight_range}, b in {init.bias_range}"
    if init.method == "normal":
        return f"normal, std {init.std:g}"
    return {"xavier": "Xavier", "he": "He", "zeros": "zeros"}[init.method]


def _per_activation(value, activations, field) -> dict[str, float]:
    if isinstance(value, Mapping):
        missing = [a for a in activations if a not in value]
        if missing:
            raise ValueError(f"{field}: no value for {', '.join(missing)}")
        values = {a: value[a] for a in activations}
    else:
        values = {a: value for a in activations}
    for a, v in values.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (np.isfinite(v) and v > 0):
            raise ValueError(f"{field} must be a positive number; got {v!r} for {a}")
    return {a: float(v) for a, v in values.items()}


def _init_for(init, activation) -> Init:
    if isinstance(init, Init):
        return init
    if init == "matched":
        return Init(MATCHED_INIT[activation])
    if init not in METHODS:
        raise ValueError(f"init must be 'matched', an Init, or one of {', '.join(METHODS)}; "
                         f"got {init!r}")
    return Init(init)


def _check_names(activations) -> tuple[str, ...]:
    if isinstance(activations, str):
        activations = (activations,)
    names = tuple(activations)
    if not names:
        raise ValueError("activations: give at least one hidden activation")
    for name in names:
        get_activation(name, "activation", HIDDEN_ACTIVATIONS)
    if len(set(names)) != len(names):
        raise ValueError(f"activations: each name once, please; got {list(names)}")
    return names


def _check_seeds(seeds) -> tuple[int, ...]:
    seeds = (seeds,) if isinstance(seeds, (int, np.integer)) else tuple(seeds)
    if not seeds or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0
                        for s in seeds):
        raise ValueError(f"seeds must be whole numbers >= 0 (at least one); got {list(seeds)}")
    return tuple(int(s) for s in seeds)


def compare_activations(
    dataset,
    hidden: Sequence[int],
    activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
    seeds: Sequence[int] = (0,),
    *,
    learning_rate: float | Mapping[str, float] = 0.1,
    epochs: int = 1000,
    loss: str | None = None,
    init: str | Init = "matched",
    track_gradients: bool = False,
    dtype=np.float64,
    on_progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Train ``[d, *hidden, k]`` on ``dataset`` once per activation and seed, full batch.

    ``learning_rate`` is one number or ``{activation: rate}``. ``init`` is ``"matched"``
    (``MATCHED_INIT``), a method name, or an ``Init`` whose seed is replaced by each seed.
    Two classes train one sigmoid output with cross-entropy, more classes softmax outputs.
    ``on_progress(done, total)`` is called after every run.
    """
    names, seeds = _check_names(activations), _check_seeds(seeds)
    hidden = tuple(hidden)
    rates = _per_activation(learning_rate, names, "learning_rate")
    two = dataset.n_classes == 2
    output, loss = ("sigmoid" if two else "softmax"), loss or ("bce" if two else "softmax_ce")
    sizes = (dataset.X.shape[1], *hidden, 1 if two else dataset.n_classes)
    inits = {name: _init_for(init, name) for name in names}
    runs: dict[str, tuple[Run, ...]] = {}
    done, total = 0, len(names) * len(seeds)
    for name in names:
        network = Network(sizes, activation=name, output=output)
        trained = []
        for seed in seeds:
            trained.append(train(network, replace(inits[name], seed=seed), dataset.X, dataset.Y,
                                 loss=loss, learning_rate=rates[name], epochs=epochs,
                                 track_gradients=track_gradients, dtype=dtype))
            done += 1
            if on_progress is not None:
                on_progress(done, total)
        runs[name] = tuple(trained)
    return Comparison(sizes, names, seeds, rates, inits, runs)


# ---- gradient size per layer -----------------------------------------------------------

def layer_names(sizes: Sequence[int]) -> list[str]:
    """``layer 1 (input -> hidden 1)``, ..., ``layer L (hidden L-1 -> output)``."""
    n = len(sizes) - 1
    ends = ["input"] + [f"hidden {i}" for i in range(1, n)] + ["output"]
    return [f"layer {i + 1} ({ends[i]} -> {ends[i + 1]})" for i in range(n)]


def _norms(run: Run) -> np.ndarray:
    if run.grad_norms is None:
        raise ValueError("this run has no gradient record; train it with track_gradients=True")
    return np.asarray(run.grad_norms, dtype=float)


def first_to_last(run: Run, epoch: int = 0) -> float:
    """|dL/dW| of the first layer divided by that of the last layer, at ``epoch``."""
    norms = _norms(run)
    if not 0 <= epoch < len(norms):
        raise ValueError(f"epoch must be from 0 to {len(norms) - 1}; got {epoch}")
    last = norms[epoch, -1]
    return float(norms[epoch, 0] / last) if last > 0 else float("inf")


def gradient_rows(runs: Mapping[str, Run], epoch: int = 0) -> list[dict]:
    """One row per layer: each run's weight-gradient norm at ``epoch``, and the ratio row."""
    norms = {label: _norms(run) for label, run in runs.items()}
    sizes = next(iter(runs.values())).network.sizes
    for label, run in runs.items():
        if run.network.sizes != sizes:
            raise ValueError("gradient_rows: every run needs the same layer sizes")
        if not 0 <= epoch < len(norms[label]):
            raise ValueError(f"epoch must be from 0 to {len(norms[label]) - 1} for {label}")
    rows = [{"layer": name, **{label: f"{n[epoch, j]:.2e}" for label, n in norms.items()}}
            for j, name in enumerate(layer_names(sizes))]
    rows.append({"layer": "first layer / last layer",
                 **{label: f"{first_to_last(run, epoch):.1e}" for label, run in runs.items()}})
    return rows


FLAT_CHANGE = 0.05  # a gradient line is flat once it stays within 5 % of its last value
TINY_GRADIENT = 1e-5  # "almost no gradient" for the output layer
LN2 = math.log(2)  # the cross-entropy of answering 0.5 for every point


@dataclass(frozen=True)
class Collapse:
    """How a run's output-layer gradient fell, read from its gradient record."""

    start: float  # |dL/dW| of the output layer at epoch 0
    below_tiny: int | None  # first epoch below TINY_GRADIENT, None if never
    lowest: float  # its smallest value
    lowest_at: int
    end: float  # its last value
    flat_from: int | None  # first epoch from which no layer moves more than FLAT_CHANGE


def gradient_collapse(run: Run) -> Collapse:
    """The output layer's gradient over the epochs, and the epoch every line goes flat."""
    norms = _norms(run)
    out = norms[:, -1]
    tiny = np.flatnonzero(out < TINY_GRADIENT)
    last = norms[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        moving = ~(np.abs(norms - last) <= FLAT_CHANGE * last).all(axis=1)
    still = np.flatnonzero(moving)
    flat_from = 0 if not len(still) else int(still[-1]) + 1
    return Collapse(float(out[0]), int(tiny[0]) if len(tiny) else None, float(out.min()),
                    int(out.argmin()), float(out[-1]),
                    flat_from if flat_from < len(norms) - 1 else None)


def _power(value: float) -> str:
    """1.5e-06 as LaTeX: $1.5 \\times 10^{-6}$ (and 1e-05 as $10^{-5}$)."""
    mantissa, exponent = f"{value:.1e}".split("e")
    if mantissa == "1.0":
        return rf"$10^{{{int(exponent)}}}$"
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"


def sigmoid_story(run: Run, X) -> str:
    """What the deep comparison shows about its sigmoid net, every claim read from this
    run: how far apart its gradient lines start, where its loss ends, when the output
    layer's gradient collapses and the lines go flat, and how alike the last hidden layer's
    outputs are for all points. Markdown, two paragraphs."""
    ratio = first_to_last(run)
    orders = -math.log10(ratio) if 0 < ratio < math.inf else 0.0
    loss, accuracy = _final(run.loss), _final(run.accuracy)
    hidden = len(run.network.sizes) - 2
    fan = (f"In the sigmoid net the lines fan out from the output layer (top) to the first "
           f"layer (bottom): at the start the first layer gets {_power(ratio)} times the output "
           f"layer's gradient" + (f", about {orders:.0f} orders of magnitude less." if orders >= 1.5
                                  else "."))
    if abs(loss - LN2) >= 0.01:  # not stuck at "0.5 for every point"
        return (fan + f" Its loss ends at {loss:.3g} and it classifies {100 * accuracy:.0f} % of "
                f"the points correctly" + (": enough gradient reaches its first layer at these "
                                           "settings for it to learn." if accuracy >= 0.9 else "."))
    c = gradient_collapse(run)
    text = (fan + f" Its loss ends at {loss:.4f}, next to $\\ln 2 \\approx 0.6931$, the loss of "
            f"always answering 0.5.\n\n")
    if c.below_tiny is not None:
        text += (f"Its *output* layer's gradient starts at {_power(c.start)} and falls below "
                 f"{_power(TINY_GRADIENT)} at epoch {c.below_tiny}; the lowest it reaches is "
                 f"{_power(c.lowest)} (epoch {c.lowest_at}).")
    else:
        text += (f"Even its *output* layer's gradient falls, from {_power(c.start)} to "
                 f"{_power(c.lowest)} at epoch {c.lowest_at}.")
    if c.flat_from is not None:
        text += (f" From epoch {c.flat_from} on every line is flat: no layer's gradient moves "
                 f"by more than {100 * FLAT_CHANGE:g} % after it.")
    trace = forward_trace(run.network, run.params, X)
    spread = float(trace.activations[-2].std(axis=0).max())
    first = float(trace.activations[1].std(axis=0).max())
    answers = float(np.abs(trace.activations[-1] - 0.5).max())
    text += (f" The {hidden} sigmoid layers squeeze the points together on the way forward "
             f"as well: over the points, the last hidden layer's outputs vary by only about "
             f"{_power(spread)} (their standard deviation; {first:.2f} in the first hidden "
             f"layer), so the output unit sees nearly the same numbers for every point. All "
             f"it can learn is its bias")
    if answers < 0.01:
        text += (f"; it ends up answering 0.5 everywhere (every answer within "
                 f"{_power(answers)} of it), the errors of the two classes cancel, and almost "
                 f"no gradient is left to send down.")
    else:
        text += "."
    return text


# ---- saturated and dead units ----------------------------------------------------------

@dataclass(frozen=True, eq=False)
class HealthStudy:
    """A network's unit health at its start and after a short training run."""

    network: Network
    init: Init
    start: list[LayerHealth]
    run: Run
    end: list[LayerHealth]

    @property
    def start_params(self) -> Params:
        return self.run.initial_params


def health_study(dataset, hidden: Sequence[int], activation: str, *, weight_scale: float = 1.0,
                 bias_range=(-0.5, 0.5), seed: int = 0, learning_rate: float = 0.1,
                 epochs: int = 300, margin: float = 0.02, share: float = 0.9) -> HealthStudy:
    """Draw W ~ U(-weight_scale, weight_scale), b ~ U(bias_range), count flagged units, train
    ``epochs`` full-batch epochs, and count them again."""
    if isinstance(weight_scale, bool) or not isinstance(weight_scale, (int, float)) or not (
            np.isfinite(weight_scale) and weight_scale >= 0):
        raise ValueError(f"weight_scale must be a finite number >= 0; got {weight_scale!r}")
    init = Init("uniform", seed=seed, weight_range=(-weight_scale, weight_scale),
                bias_range=bias_range)
    comparison = compare_activations(dataset, hidden, (activation,), (seed,),
                                     learning_rate=learning_rate, epochs=epochs, init=init)
    run = comparison.runs[activation][0]
    network = run.network
    start = unit_health(network, run.initial_params, dataset.X, margin=margin, share=share)
    end = unit_health(network, run.params, dataset.X, margin=margin, share=share)
    return HealthStudy(network, init, start, run, end)


def health_rows(report: Sequence[LayerHealth], when: str | None = None) -> list[dict]:
    """One row per hidden layer: units, how many are dead or saturated, and which.
    ``when`` (e.g. "at the start") becomes a first column, so two reports fit one table."""
    rows = []
    for layer in report:
        kind = "dead" if layer.activation == "relu" else (
            "saturated" if layer.activation in ("sigmoid", "tanh") else None)
        flagged = layer.dead if kind == "dead" else layer.saturated
        row = {"when": when} if when is not None else {}
        row.update({
            "hidden layer": layer.layer,
            "units": layer.units,
            "flagged": f"{len(flagged)} {kind}" if kind else f"never flagged ({layer.activation})",
            "which units": ", ".join(str(i + 1) for i in flagged) or "none",
            "points where a unit is saturated or off (mean)":
                f"{100 * float(np.mean(layer.saturated_share)):.0f} %",
        })
        rows.append(row)
    return rows


def flagged_share(report: Sequence[LayerHealth]) -> float:
    """The fraction of all hidden units that are dead or saturated."""
    units = sum(layer.units for layer in report)
    return sum(layer.flagged for layer in report) / units if units else 0.0


def health_scan(dataset, hidden: Sequence[int], activations: Sequence[str],
                weight_scales: Sequence[float], *, bias_range=(-0.5, 0.5),
                seeds: Sequence[int] = (0, 1, 2), margin: float = 0.02,
                share: float = 0.9) -> list[dict]:
    """Share of flagged hidden units at the start, per weight scale (rows) and activation
    (columns), averaged over ``seeds``. Forward passes only: cheap."""
    names, seeds = _check_names(activations), _check_seeds(seeds)
    sizes = (dataset.X.shape[1], *tuple(hidden), 1 if dataset.n_classes == 2 else dataset.n_classes)
    rows = []
    for scale in weight_scales:
        row = {"weights drawn from": f"±{scale:g}"}
        for name in names:
            network = Network(sizes, activation=name,
                              output="sigmoid" if sizes[-1] == 1 else "softmax")
            shares = [flagged_share(unit_health(
                network, Init("uniform", seed=s, weight_range=(-scale, scale),
                              bias_range=bias_range).draw(network),
                dataset.X, margin=margin, share=share)) for s in seeds]
            row[name] = f"{100 * np.mean(shares):.0f} %"
        rows.append(row)
    return rows


# ---- words for the page ------------------------------------------------------------------

def formulas_markdown(names: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu")) -> str:
    """A markdown table: each activation's formula, its derivative and its largest slope."""
    z = np.linspace(-10, 10, 4001)
    lines = ["| activation | $f(z)$ | $f'(z)$ | largest slope |", "|---|---|---|---|"]
    for name in _check_names(names):
        a = get_activation(name)
        lines.append(f"| {name} | ${a.formula}$ | ${a.derivative_formula}$ | "
                     f"{float(a.derivative(z).max()):.3g} |")
    return "\n".join(lines)


def run_notes(runs: Mapping[str, Run]) -> list[str]:
    """A sentence for every run that diverged by ``run.verdict`` (the rule every lesson uses:
    blew up, or overshot and never converged), naming the epoch and the cause."""
    return [diverged_note(label, run) for label, run in runs.items() if run.verdict.diverged]


def diverged_note(label: str, run: Run) -> str:
    """``run_notes``' sentence for one diverged run."""
    verdict, rate = run.verdict, run.settings["learning_rate"]
    if verdict.cause == "blew up":  # the record stops before the epoch that blew up
        return (f"{label}: training diverged at epoch {verdict.epoch}: the learning rate "
                f"{rate:g} is too large for this net; the charts stop at the last finite "
                f"epoch. Try a smaller learning rate.")
    return (f"{label}: training diverged at epoch {verdict.epoch}: "
            f"{verdicts.overshoot_words(run)}. The learning rate {rate:g} is too large for "
            f"this net; try a smaller one.")


def summary_rows(studies: Mapping[str, Mapping[str, Run]]) -> list[dict]:
    """One row per labelled set of runs (e.g. per depth): each run's first-to-last gradient
    ratio at the start and its final training accuracy."""
    rows = []
    for label, runs in studies.items():
        row = {"": label}
        for name, run in runs.items():
            row[f"{name}: first / last layer gradient"] = f"{first_to_last(run):.0e}"
            row[f"{name}: final accuracy"] = f"{100 * _final(run.accuracy):.0f} %"
        rows.append(row)
    return rows


def activation_frame(names: Sequence[str], zrange: float, points: int = 81) -> dict:
    """Lesson 06's live picture of activation functions: f(z) and, beside it, f'(z) for
    each of ``names``, over z from -zrange to zrange."""
    names = _check_names(names)
    if isinstance(zrange, bool) or not isinstance(zrange, (int, float, np.integer, np.floating)) \
            or not (math.isfinite(zrange) and zrange > 0):
        raise ValueError(f"zrange: a finite number > 0; got {zrange!r}")
    z = np.linspace(-float(zrange), float(zrange), points)
    acts = [get_activation(n) for n in names]
    panels = [live.lines_panel("f", z, {a.name: a(z) for a in acts}, title="f(z)",
                               x_title="z", y_title="value"),
              live.lines_panel("slope", z, {a.name: a.derivative(z) for a in acts},
                               title="f'(z)", x_title="z", y_title="slope")]
    for panel in panels:
        _show_relu_under_leaky(panel)
    return live.frame(*panels)


def _show_relu_under_leaky(panel: dict) -> None:
    """ReLU and leaky ReLU coincide for z > 0 (and nearly below): ReLU is drawn first and
    wide, leaky ReLU dashed over it, so both stay visible."""
    names = [s["name"] for s in panel["series"]]
    if "relu" not in names or "leaky_relu" not in names:
        return
    series = list(panel["series"])
    if names.index("relu") > names.index("leaky_relu"):  # ReLU goes underneath
        series.insert(names.index("leaky_relu"), series.pop(names.index("relu")))
    for s in series:
        if s["name"] == "relu":
            s["width"] = 6
        elif s["name"] == "leaky_relu":
            s["dash"] = True
    panel["series"] = series


HEALTH_EXTENT = (-1.6, 1.6, -1.6, 1.6)  # the circles data with a margin


def health_frame(health: HealthStudy, X, labels) -> dict:
    """Lesson 06's live picture of a health study: the network at its start with every
    unit drawn as its output map, the loss over training and the boundary it ends on."""
    return live.frame(
        live.network_panel("start", health.network, health.start_params,
                           extent=HEALTH_EXTENT, resolution=24,
                           title="each unit's output at the start"),
        live.curves_panel("loss", health.run, title=f"loss over the {health.run.epochs} epochs",
                          y_title="loss", log=True, log_toggle=True),
        live.boundary_panel("boundary", health.network, health.run.params, X, labels,
                            extent=HEALTH_EXTENT, resolution=60,
                            title=f"boundary after {health.run.epochs} epochs"),
        columns=[["start"], ["loss", "boundary"]])


def code_markdown(names: Sequence[str]) -> str:
    """The drawn activations as nnlab's registry writes them (value and derivative side by
    side), then the matrix backward pass that multiplies by those derivatives layer by layer."""
    return "\n\n".join([code.formulas_markdown(name) for name in names]
                       + [code.network_markdown(collapsed=True)])
