"""The verdicts the lessons print about a run, each decided by one rule used everywhere.

A lesson that says "converged", "diverged", "dead" or "WRONG" teaches a cause. These rules
live here, once, so ``train``, ``train_many``/``sweep`` and every lesson say the same thing
about the same numbers:

- **Converged**: the loss fell below the value it takes when *every output is TOLERANCE
  (0.1) away from its target*: 0.1^2 = 0.01 for squared error, half of that for half squared
  error, -ln(1 - 0.1) = 0.105 for cross-entropy (``loss_threshold``). One distance, whatever
  the loss, so cross-entropy's outputs at 0.001 / 0.999 and squared error's at 0.02 / 0.98
  both count as converged.
- **Diverged**: the numbers blew up (``train``'s size rule: the weights grew 1000-fold, or
  the loss became NaN or huge), or the loss rose above ``OVERSHOOT_FACTOR`` (2) times its
  first epoch's value and the run never converged at any epoch: a step overshot. (A run
  that converged, before or after an overshoot, is converged.) With a sigmoid output the
  loss stays bounded, so an overshoot that jumps from 0.7 to 2.5 and then freezes is
  divergence, not a plateau. Both rules measure outputs against 0/1 targets, so a
  regression run (an unbounded output such as identity, any real target) gets neither: only a blow-up, which
  its unbounded loss reaches when it truly diverges, is a verdict on it.
- **Stuck on a plateau** (for a run that neither converged nor diverged): over the last
  tenth of its epochs the loss fell by less than 1 % (``on_plateau``); otherwise the run is
  still learning, only slowly.
- **Symmetric, not dead**: hidden units that are all exact copies of each other (same
  incoming weights and bias) get the same gradient and stay copies; when they started that
  way, that is the symmetry problem of the start, even when their ReLU slope is also 0.
- **Gradient check**: a relative error below ``GRAD_AGREE`` agrees; a larger one is blamed
  on the step size when it changes with the step the way the step's own errors do (it falls
  like eps^2 when eps shrinks: the step sees curvature; it rises when eps shrinks and falls
  when eps grows, like 1/eps: rounding), and on the backward pass (WRONG) when it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from . import checks
from .activations import get_activation
from .diagnostics import LayerHealth
from .gradcheck import check_gradients
from .losses import get_loss
from .network import Network, Params, gradients
from .run import OVERSHOOT_FACTOR

# ---------------------------------------------------------------------------------------------
# Converged
# ---------------------------------------------------------------------------------------------

TOLERANCE = 0.1  # converged: every output within this distance of its target


def loss_threshold(loss: str, tolerance: float = TOLERANCE) -> float:
    """The ``loss`` of outputs that are each exactly ``tolerance`` from their 0/1 targets."""
    tolerance = checks.number(tolerance, "tolerance", low=0, high=1, low_open=True,
                              high_open=True)
    # One output at 1 - tolerance for a target of 1, through the loss's own formula
    # (squared error 0.01, half of it, cross-entropy -ln 0.9 for 0.1): no per-loss table.
    # Softmax: the right class at 1 - tolerance, the rest sharing tolerance (-ln 0.9 too).
    loss_fn = get_loss(loss)  # an unknown name fails here, with the list of names
    if loss_fn.targets_sum_to_one:  # softmax: the distribution's other classes share tolerance
        a, y = np.array([[1.0 - tolerance, tolerance]]), np.array([[1.0, 0.0]])
        z = np.log(a)
    else:  # one sigmoid output, its logit z
        a, y = np.array([[1.0 - tolerance]]), np.array([[1.0]])
        z = np.log(a) - np.log1p(-a)
    return round(float(loss_fn.fn(z, a, y)[0]), 12)


def worst_output_distance(loss: str, outputs: int, threshold: float) -> float:
    """How far one sigmoid output can be from its 0/1 target while the mean ``loss`` over
    ``outputs`` outputs is still below ``threshold``: the rule bounds the mean, not every
    output, so one output may carry the whole budget (the others exactly right). With XOR's
    four outputs and the shared thresholds: 0.2 for squared error (half or not), 0.34 for
    cross-entropy."""
    outputs = checks.whole(outputs, "outputs", low=1)
    threshold = checks.positive(threshold, "threshold")
    loss_fn = get_loss(loss)
    if loss_fn.targets_sum_to_one:
        raise ValueError(f"worst_output_distance: a loss of one sigmoid output; got {loss!r}")

    def one(distance: float) -> float:  # the loss of one output ``distance`` below target 1
        a = np.array([[1.0 - distance]])
        return float(loss_fn.fn(np.log(a) - np.log1p(-a), a, np.array([[1.0]]))[0])

    budget, low, high = outputs * threshold, 0.0, 1.0 - 1e-15
    if one(high) <= budget:
        return 1.0
    for _ in range(100):  # the loss grows with the distance: bisect
        mid = (low + high) / 2
        low, high = (mid, high) if one(mid) < budget else (low, mid)
    return low


def converged_rule(loss: str, tolerance: float = TOLERANCE) -> str:
    """The rule in words, for the page: '... below 0.01 (every output within 0.1 ...)'."""
    return (f"its loss fell below {loss_threshold(loss, tolerance):.3g}, the {loss} loss "
            f"when every output is {tolerance:g} away from its target")


# ---------------------------------------------------------------------------------------------
# Diverged
# ---------------------------------------------------------------------------------------------



def overshot_at(loss) -> np.ndarray | int | None:
    """The first epoch whose loss is above ``OVERSHOOT_FACTOR`` x epoch 0's.

    ``loss`` is one run's curve (returns an epoch or None) or (epochs, K) curves (returns
    (K,) epochs, -1 for never). NaN epochs (after a blow-up) do not count."""
    curves = np.asarray(loss, dtype=np.float64)
    one = curves.ndim == 1
    curves = curves[:, None] if one else curves
    first = np.empty((curves.shape[1],), dtype=np.int64)
    first[:] = -1
    if len(curves) > 1:
        with np.errstate(invalid="ignore"):
            over = curves[1:] > OVERSHOOT_FACTOR * curves[0]
        some = over.any(axis=0)
        first[some] = 1 + over[:, some].argmax(axis=0)
    if one:
        return int(first[0]) if first[0] >= 0 else None
    return first


def diverged(converged_at, blew_up_at, overshot) -> np.ndarray:
    """The divergence rule on per-run arrays (-1 = never): blew up, or overshot and never
    converged."""
    converged_at, blew_up_at, overshot = (np.asarray(a) for a in (converged_at, blew_up_at,
                                                                  overshot))
    return (blew_up_at >= 0) | ((overshot >= 0) & (converged_at < 0))


@dataclass(frozen=True)
class Verdict:
    """What one run did: "converged", "diverged" or "not converged", with the epoch and cause."""

    status: str
    epoch: int | None = None  # converged at / diverged at
    cause: str | None = None  # for "diverged": "blew up" or "overshoot"
    overshot_at: int | None = None  # an overshoot, also one the run recovered from

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


def converged_at(run) -> int | None:
    """The run's convergence epoch: ``run.converged_at`` when it was trained with a threshold,
    else the first epoch whose loss is below ``loss_threshold`` (the same rule, read from
    the curve)."""
    if run.settings.get("threshold") is not None or not len(run.loss):
        return run.converged_at
    below = np.flatnonzero(np.asarray(run.loss) < loss_threshold(run.loss_name))
    return int(below[0]) if len(below) else None


def of_run(run) -> Verdict:
    """The verdict on a ``Run`` (from ``train``)."""
    over = overshot_at(run.loss) if len(run.loss) else None
    if run.diverged_at is not None:
        return Verdict("diverged", run.diverged_at, "blew up", over)
    if get_activation(run.network.output).bounds is None:  # regression: no 0/1 targets
        return Verdict("not converged", overshot_at=over)
    converged = converged_at(run)
    if converged is not None:
        return Verdict("converged", converged, None, over)
    if over is not None:
        return Verdict("diverged", over, "overshoot", over)
    return Verdict("not converged")


def run_threshold(run) -> float:
    """The loss ``run`` had to fall below to converge: the threshold it was trained with, else
    the shared ``loss_threshold``."""
    threshold = run.settings.get("threshold")
    return loss_threshold(run.loss_name) if threshold is None else threshold


def overshoot_words(run) -> str:
    """Why ``run`` diverged by an overshoot, in the rule's own terms, for a sentence on a page:
    "a step overshot, and the loss jumped from 0.6953 at epoch 0 to 1.881 at epoch 4 (more
    than 2 times its start); the run never converged (its loss never fell below 0.1054)".
    Every lesson says it with these words, so no page words the rule differently."""
    verdict = run.verdict
    if verdict.cause != "overshoot":
        raise ValueError(f"overshoot_words: the run's verdict is {verdict.status!r}"
                         f"{f' ({verdict.cause})' if verdict.cause else ''}, not an overshoot")
    e = verdict.epoch
    return (f"a step overshot, and the loss jumped from {run.loss[0]:.4g} at epoch 0 to "
            f"{run.loss[e]:.4g} at epoch {e} (more than {OVERSHOOT_FACTOR:g} times its start); "
            f"the run never converged (its loss never fell below {run_threshold(run):.4g})")


def statuses(converged_at, blew_up_at, overshot) -> np.ndarray:
    """``of_run``'s status for many runs at once (arrays, -1 = never)."""
    converged_at = np.asarray(converged_at)
    out = np.where(converged_at >= 0, "converged", "not converged").astype(object)
    out[diverged(converged_at, blew_up_at, overshot)] = "diverged"
    return out


# ---------------------------------------------------------------------------------------------
# Stuck on a plateau
# ---------------------------------------------------------------------------------------------

PLATEAU_CHANGE = 0.01  # stuck: over the last tenth of the run the loss fell by less than 1 %


def on_plateau(loss) -> np.ndarray | bool:
    """Whether a run that has not converged is stuck rather than slow: over the last tenth of
    its epochs (at least two) its loss fell by less than ``PLATEAU_CHANGE`` of its value.

    ``loss`` is one run's curve (returns a bool) or (epochs, K) curves (returns (K,) bools).
    The caller decides which runs to ask about: a converged or diverged run is neither."""
    curves = np.asarray(loss, dtype=np.float64)
    one = curves.ndim == 1
    curves = curves[:, None] if one else curves
    if not len(curves):
        flat = np.ones(curves.shape[1], dtype=bool)
    else:
        tail = curves[-max(2, len(curves) // 10):]
        with np.errstate(invalid="ignore"):
            flat = (tail[0] - tail[-1]) / np.maximum(tail[0], 1e-12) < PLATEAU_CHANGE
    return bool(flat[0]) if one else flat


# ---------------------------------------------------------------------------------------------
# Dead units or a symmetric start
# ---------------------------------------------------------------------------------------------


def symmetric_layers(params: Params) -> list[int]:
    """1-based numbers of the hidden layers (of 2 units or more) whose units are exact
    copies: every unit has the same incoming weights and bias."""
    out = []
    for layer, (W, b) in enumerate(params[:-1], start=1):
        block = np.vstack([np.asarray(W), np.asarray(b)[None, :]])
        if block.shape[1] > 1 and np.all(block == block[:, :1]):
            out.append(layer)
    return out


def unit_trouble(report: Sequence[LayerHealth], initial: Params, final: Params) -> dict:
    """Which cause to name per hidden layer: {layer: "symmetric"} for a layer whose units
    started as copies and still are (its "dead" or "saturated" units are that), else the
    report's dead/saturated stand. Returns {layer number: "symmetric"}."""
    still = set(symmetric_layers(final))
    return {layer: "symmetric" for layer in symmetric_layers(initial) if layer in still
            and any(h.layer == layer for h in report)}


def symmetry_message(layers: Sequence[tuple[int, int]]) -> str:
    """One sentence for every symmetric hidden layer, given as (layer number, units) pairs."""
    if len(layers) == 1:
        (layer, units), = layers
        which = f"The {units} units of hidden layer {layer}"
    else:
        numbers = [str(layer) for layer, _ in layers]
        which = (f"In hidden layers {', '.join(numbers[:-1])} and {numbers[-1]}, the units of "
                 "each layer")
    return (f"{which} started as exact copies of each other and still are: each gets the "
            "same gradient, so they can never differ. That is the symmetry of the start (all "
            "weights equal), not dead or saturated units: a random start breaks it")


# ---------------------------------------------------------------------------------------------
# Gradient check
# ---------------------------------------------------------------------------------------------

GRAD_AGREE = 1e-6  # below: agrees (a correct pass at a good step gives ~1e-9 or less)
GRAD_WRONG = 1e-2  # a wrong formula: 1e-2 and up, at every step size
STEP_FACTOR = 10.0  # the neighbouring steps compared with the chosen one
# Rounding error goes like 1/eps: ~STEP_FACTOR-fold worse at eps/10, better at 10 eps. Its
# noise can shrink the rise to ~2x; a flat (wrong-formula) error moves only a few per cent. So
# rounding needs a rise of half or more at eps/10 and a 3-fold fall at 10 eps.
ROUNDING_RISE = 1.5
ROUNDING_FALL = 3.0


@dataclass(frozen=True)
class GradVerdict:
    """One array's gradient check at step ``eps``, with its errors one step either side."""

    array: str  # "W1", "b2", ...
    error: float  # at eps
    smaller_step: float  # at eps / STEP_FACTOR
    larger_step: float  # at eps * STEP_FACTOR
    verdict: str  # "agrees", "step too large", "step too small", "WRONG", "unclear"


def grad_verdict(error: float, smaller_step: float, larger_step: float) -> str:
    """The rule for one array. Truncation error falls like eps^2, so 10x smaller steps cut it
    ~100-fold; rounding error goes like 1/eps, so it rises at the smaller step and falls at
    the larger one; a wrong formula does neither."""
    if error < GRAD_AGREE:
        return "agrees"
    if smaller_step < error / STEP_FACTOR:
        return "step too large"
    if _rounding(error, smaller_step, larger_step):
        return "step too small"
    return "WRONG" if error >= GRAD_WRONG else "unclear"


def _rounding(error: float, smaller_step: float, larger_step: float) -> bool:
    """Rounding's signature: clearly worse at the smaller step AND clearly better at the
    larger one. A falling error at the larger step alone is no proof: a wrong formula's
    error can drop there too (a 10x step moves far enough to change it), yet stays flat at
    the smaller step, where rounding would have made it rise."""
    return (smaller_step > ROUNDING_RISE * error
            and larger_step < error / ROUNDING_FALL)


def gradient_verdicts(network: Network, params: Params, X, Y, loss: str = "mse", *,
                      eps: float = 1e-5,
                      backward: Callable = gradients) -> list[GradVerdict]:
    """Every array's relative error at ``eps`` and at 10x smaller and larger steps, judged by
    ``grad_verdict``."""
    eps = checks.positive(eps, "eps")
    checks_at = [check_gradients(network, params, X, Y, loss, eps=e, backward=backward)
                 for e in (eps, eps / STEP_FACTOR, eps * STEP_FACTOR)]
    out = []
    for layer, errors in enumerate(zip(*(c.layer_errors for c in checks_at)), start=1):
        for k, kind in enumerate(("W", "b")):
            at, smaller, larger = (e[k] for e in errors)
            out.append(GradVerdict(f"{kind}{layer}", at, smaller, larger,
                                   grad_verdict(at, smaller, larger)))
    return out


def gradient_summary(rows: Sequence[GradVerdict], eps: float) -> tuple[str, str]:
    """(callout kind, markdown) for a table of ``gradient_verdicts``."""
    worst = max(r.error for r in rows)
    wrong = [r.array for r in rows if r.verdict == "WRONG"]
    if wrong:
        return "danger", (
            f"**Failed:** {', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong at "
            f"every step size (relative error about {max(r.error for r in rows if r.verdict == 'WRONG'):.0e} "
            f"at ε = {eps:g}, ε/10 and 10ε). An error that does not shrink with the step is "
            "a formula in this backward pass, not the referee.")
    if any(r.verdict == "step too large" for r in rows):
        return "warn", (
            f"**The step is too large, not the code:** the worst relative error is {worst:.1e}, "
            f"and with a 10x smaller step it falls about 100-fold, as the central "
            f"difference's ε² error does: at ε = {eps:g} the difference sees the curvature of "
            "the loss. Try ε = 1e-5.")
    if any(r.verdict == "step too small" for r in rows):
        return "warn", (
            f"**The step is too small, not the code:** the worst relative error is {worst:.1e}, "
            "and it rises when ε shrinks and falls when ε grows: the two losses agree in "
            "almost every digit, so their difference is mostly rounding. Try ε = 1e-5.")
    if any(r.verdict == "unclear" for r in rows):
        return "warn", (f"**Unclear:** the worst relative error is {worst:.1e}, too large to "
                        "agree, yet not the flat 1e-2 and up of a wrong formula.")
    return "success", f"**Passed:** the worst relative error is {worst:.1e}."


def gradient_rows(rows: Sequence[GradVerdict], eps: float) -> list[dict]:
    """A lesson table: the error at the chosen step and either side, and the verdict."""
    return [{"array": r.array, f"error at ε = {eps:g}": f"{r.error:.1e}",
             f"at ε/10": f"{r.smaller_step:.1e}", f"at 10ε": f"{r.larger_step:.1e}",
             "verdict": r.verdict} for r in rows]
