"""Lesson 4, why XOR sometimes gets stuck: many random starts, and maps of how often they win.

``Starts`` is N random starts of one setting trained side by side (``nnlab.train_many``);
``Grid`` is a learning rate x init range sweep (``nnlab.sweep``) drawn as success maps.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from .. import verdicts
from ..datasets import xor
from ..losses import LOSSES, PAIRINGS
from ..many import ManyRuns, SweepResult, sweep, train_many
from ..network import Network
from ..run import OVERSHOOT_FACTOR
from ..view import code

LOSS_LABELS = {name: LOSSES[name].menu_label for name in PAIRINGS["sigmoid"]}
# The learning-rate slider's stops (log-spaced, as in lesson 3).
LEARNING_RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0,
                  10.0, 15.0, 20.0)

# "Converged" thresholds that mean the same thing for each loss, from the one rule of every
# lesson (verdicts.loss_threshold): the loss of outputs each 0.1 from their targets (squared
# error 0.1^2 = 0.01; half of it; cross-entropy -ln(0.9) = 0.105).
MATCHED_THRESHOLDS = {loss: verdicts.loss_threshold(loss) for loss in ("mse", "half_mse", "bce")}
WIDTHS = (2, 3, 4)
INIT_RANGES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)  # weights drawn from (-r, r)
START_COUNTS = (20, 50, 100, 200, 500)
MANY_EPOCHS = (500, 1000, 2000, 4000)
BIAS_RANGE = (-0.5, 0.5)


@dataclass(frozen=True)
class Starts:
    """N random starts (weight seeds 0..N-1) of one XOR setting, full-batch gradient descent.

    Weights are drawn from (-init_range, init_range), biases from ``bias_range``. Two
    ``Starts`` that differ only in the loss or the width begin from the same seeds.
    """

    hidden: int = 2
    loss: str = "mse"
    learning_rate: float = 2.0
    init_range: float = 2.0
    starts: int = 100
    epochs: int = 1000
    bias_range: tuple[float, float] = BIAS_RANGE

    def __post_init__(self):
        if self.loss not in MATCHED_THRESHOLDS:
            raise ValueError(f"loss must be one of {', '.join(MATCHED_THRESHOLDS)}; "
                             f"got {self.loss!r}")
        if not (isinstance(self.init_range, (int, float)) and 0 <= self.init_range < math.inf):
            raise ValueError(f"init_range must be a finite number >= 0; got {self.init_range!r}")
        for name in ("hidden", "starts", "epochs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1; got {value!r}")
            object.__setattr__(self, name, int(value))
        object.__setattr__(self, "learning_rate", float(self.learning_rate))
        object.__setattr__(self, "init_range", float(self.init_range))
        object.__setattr__(self, "bias_range", tuple(float(v) for v in self.bias_range))

    @property
    def threshold(self) -> float:
        return MATCHED_THRESHOLDS[self.loss]

    @property
    def network(self) -> Network:
        return Network([2, self.hidden, 1], activation="sigmoid", output="sigmoid")

    def replace(self, **changes) -> "Starts":
        return replace(self, **changes)


@functools.lru_cache(maxsize=48)
def train_starts(starts: Starts) -> ManyRuns:
    """Train all starts of ``starts`` on XOR at once (cached: the same setting is free twice)."""
    data = xor()
    X, Y = data.X, data.Y
    r = starts.init_range
    return train_many(starts.network, X, Y, seeds=np.arange(starts.starts), loss=starts.loss,
                      learning_rate=starts.learning_rate, epochs=starts.epochs,
                      weight_range=(-r, r), bias_range=starts.bias_range,
                      threshold=starts.threshold)


def starts_stats(runs: ManyRuns) -> dict:
    """How the starts did: shares converged / stuck / diverged and epochs to converge.

    "stuck" counts every start that neither converged nor diverged; it splits into
    "plateau" (``verdicts.on_plateau``, and not every case right at the end) and "slow"
    (still falling when the budget ran out). Both are None when the loss was not recorded."""
    converged = runs.converged & ~runs.diverged  # (a net that converged, then blew up)
    epochs = runs.converged_at[converged]
    quantiles = (np.percentile(epochs, [10, 50, 90]) if len(epochs)
                 else np.full(3, np.nan))
    rest = ~converged & ~runs.diverged
    plateau = (None if runs.loss is None else
               int((rest & ~runs.solved & verdicts.on_plateau(runs.loss)).sum()))
    return {
        "starts": runs.K,
        "converged": int(converged.sum()),
        "share": float(converged.mean()),
        # The shared rule: blew up, or overshot (loss above 2x its first) and never converged.
        "stuck": int(rest.sum()),  # on a plateau, or too slow
        "plateau": plateau,
        "slow": None if plateau is None else int(rest.sum()) - plateau,
        "diverged": int(runs.diverged.sum()),
        "solved at the end": int(runs.solved.sum()),
        "median epochs": float(quantiles[1]),
        "epochs 10-90 %": (float(quantiles[0]), float(quantiles[2])),
    }


def stats_rows(labelled: dict[str, ManyRuns], label: str = "setting") -> list[dict]:
    """One table row per labelled ``ManyRuns`` (for ``tables.markdown_table``)."""
    rows = []
    for name, runs in labelled.items():
        s = starts_stats(runs)
        low, high = s["epochs 10-90 %"]
        rows.append({
            label: name,
            "converged": f"{s['converged']} of {s['starts']} ({s['share']:.0%})",
            "median epochs to converge": "-" if math.isnan(s["median epochs"])
            else f"{s['median epochs']:.0f}",
            "10-90 % of them": "-" if math.isnan(low) else f"{low:.0f}-{high:.0f}",
            "not converged": s["stuck"],
            "diverged": s["diverged"],
        })
    return rows


def starts_sentence(runs: ManyRuns, starts: Starts) -> str:
    """One markdown sentence reading a ``ManyRuns``."""
    s = starts_stats(runs)
    text = (f"**{s['converged']} of {s['starts']} starts converged** ({s['share']:.0%}): their "
            f"{starts.loss} loss went below {starts.threshold:.3g} (its value when every "
            f"output is {verdicts.TOLERANCE:g} from its target) within {starts.epochs} epochs")
    if s["converged"]:
        text += f", after {s['median epochs']:.0f} epochs for the median one"
    if s["stuck"]:
        text += (f". {s['stuck']} did not get there (stuck on a plateau, or still too slow "
                 f"when the budget ran out)")
    if s["diverged"]:
        text += (f"{' and' if s['stuck'] else '.'} {s['diverged']} diverged (a step overshot: the loss rose above "
                 f"{OVERSHOOT_FACTOR:g} times its start and never converged, or the numbers "
                 f"blew up)")
    return text + f"; {s['solved at the end']} answer all four cases right at the end."


def _count(n: int, one: str, many: str) -> str:
    """``none`` + plural verb, ``1`` + singular, ``n`` + plural: "none diverged", "1 was"."""
    return f"none {many}" if n == 0 else f"{n} {one if n == 1 else many}"


def outcomes(stats: dict) -> str:
    """The starts sorted three ways, every count named (a zero too): converged, stuck on a
    plateau, diverged, and the slow ones when there are any. Markdown, one sentence."""
    k, c, d = stats["starts"], stats["converged"], stats["diverged"]
    plateau, slow = stats["plateau"], stats["slow"]
    if plateau is None:  # no loss curves: stuck and slow cannot be told apart
        middle = f"{_count(stats['stuck'], 'did', 'did')} not get there"
    else:
        middle = f"{_count(plateau, 'got', 'got')} stuck on a plateau"
    converged = "none" if c == 0 else f"all {c}" if c == k else f"{c}"
    text = (f"Of the {k} starts, {converged} converged, {middle} and "
            f"{_count(d, 'diverged', 'diverged')}")
    if slow:
        text += f"; {_count(slow, 'was', 'were')} still falling, slowly, when the budget ran out"
    return text + "."


def reading_markdown(runs: ManyRuns) -> str:
    """What the band and the histogram of one setting show, read from its own counts."""
    s = starts_stats(runs)
    k, c = s["starts"], s["converged"]
    if c == k:
        bars = (f"The histogram shows *when* each of the {k} starts crossed the threshold: "
                "every one converged.")
    elif c == 0:
        bars = "The histogram is empty: no start crossed the threshold."
    else:
        bars = (f"The histogram shows *when* the {c} converged starts crossed the threshold; "
                f"the other {k - c} are not in it.")
    why = []
    if s["plateau"]:
        why.append(f"A stuck start is not merely slow: its loss flattens out and stays there "
                   f"(over the last tenth of the budget it fell by less than "
                   f"{100 * verdicts.PLATEAU_CHANGE:g} %, with some case still wrong).")
    if s["slow"]:
        why.append("A slow start's loss was still falling at the end: more epochs would take it "
                   "further.")
    if s["diverged"]:
        why.append(f"A diverged start overshot: a step pushed its loss above "
                   f"{OVERSHOOT_FACTOR:g} times its start and it never converged after, or its "
                   f"numbers blew up.")
    median = float(np.sort(runs.final_loss)[len(runs.final_loss) // 2])  # NaN (blown up) last
    return " ".join([
        "**Reading it.** The band is the middle of the crowd: half of the starts have a loss "
        "inside the dark band at each epoch, 80 % inside the light one. Here the median start "
        f"ends at a loss of {median:.3g}.", outcomes(s), bars, *why])


@dataclass(frozen=True)
class Grid:
    """A learning rate x init range sweep: ``seeds`` starts per cell, trained in ``chunks``
    rounds (each round adds a few seeds to every cell, so the map sharpens as it fills)."""

    learning_rates: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
    init_ranges: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)
    seeds: int = 20
    epochs: int = 2000
    chunks: int = 3

    @property
    def runs(self) -> int:
        return len(self.learning_rates) * len(self.init_ranges) * self.seeds

    @property
    def chunk_size(self) -> int:
        cells = len(self.learning_rates) * len(self.init_ranges)
        return cells * max(1, math.ceil(self.seeds / self.chunks))


DEFAULT_GRID = Grid()
BIG_GRID = Grid(learning_rates=(0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0),
                init_ranges=(0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0),
                seeds=50, epochs=4000, chunks=5)
_SWEEPS: dict[tuple, SweepResult] = {}
_SWEEPS_KEPT = 16


def run_sweep(grid: Grid, hidden: int = 2, loss: str = "mse",
              on_progress: Callable[[int, int, SweepResult], None] | None = None) -> SweepResult:
    """Sweep ``grid`` for a 2-``hidden``-1 XOR net and ``loss`` (threshold matched to the
    loss). ``on_progress(done, total, partial)`` is called after every round; a sweep done
    before is returned at once (with one final ``on_progress`` call)."""
    # Rounds change only the order of training, not the results: they are not in the key.
    key = (replace(grid, chunks=1), int(hidden), loss)
    if key in _SWEEPS:
        result = _SWEEPS[key]
        if on_progress is not None:
            on_progress(result.total, result.total, result)
        return result
    data = xor()
    X, Y = data.X, data.Y
    network = Starts(hidden=hidden, loss=loss).network
    result = sweep(network, X, Y, learning_rates=grid.learning_rates,
                   weight_ranges=grid.init_ranges, seeds=grid.seeds, bias_range=BIAS_RANGE,
                   loss=loss, epochs=grid.epochs, threshold=MATCHED_THRESHOLDS[loss],
                   chunk_size=grid.chunk_size, on_progress=on_progress)
    if len(_SWEEPS) >= _SWEEPS_KEPT:
        _SWEEPS.pop(next(iter(_SWEEPS)))
    _SWEEPS[key] = result
    return result


STATIC_MAPS = ((2, "mse"), (2, "bce"), (3, "mse"), (4, "mse"))


def static_maps(grid: Grid = DEFAULT_GRID) -> dict[str, SweepResult]:
    """The default grid for a few (hidden units, loss) choices, named for tabs; computed in
    one round each (no progress to show), and shared with ``run_sweep``'s cache."""
    return {f"{LOSS_LABELS[loss]}, {hidden} hidden units":
            run_sweep(replace(grid, chunks=1), hidden, loss) for hidden, loss in STATIC_MAPS}


def map_args(result: SweepResult, title: str | None = None) -> dict:
    """Keyword arguments for ``plots.convergence_map``: share of starts converged per cell."""
    ranges = [f"±{r:g}" for r in result.weight_ranges[:, 1]]
    name = LOSS_LABELS.get(result.loss_name, result.loss_name)
    hidden = result.network.sizes[1]
    return dict(
        row_values=[float(v) for v in result.learning_rates], col_values=ranges,
        cells=result.fraction_converged, row_title="learning rate",
        col_title="weight init range", value_title="converged",
        title=title or (f"share of {result.seeds.size} starts converged: {hidden} hidden units, "
                        f"{name}, {result.epochs} epochs"),
    )


def rules_markdown() -> str:
    """The rules that sort the starts above, from nnlab's source: the threshold every loss
    shares, the overshoot test, what counts as diverged, and what counts as stuck."""
    return "\n\n".join(code.function_block(fn, title=f"`{code.qualified_name(fn)}`")
                       for fn in (verdicts.loss_threshold, verdicts.overshot_at,
                                  verdicts.diverged, verdicts.on_plateau))
