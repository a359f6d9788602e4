"""Lesson 2, backpropagation by hand: the 2-2-1 net's nine numbers through one step.

Every number of one backpropagation step is shown next to its formula. The arithmetic is
``nnlab.nine`` (``Nine.step`` keeps every intermediate number); this kit only checks the numbers
a learner types, lays them out as tables and LaTeX, and carries an online walk through the four
inputs from step to step (``Walk``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Mapping

import numpy as np

from .. import checks
from ..losses import LOSSES
from ..network import Network
from ..nine import TABLE_START, XOR_ROWS, Nine, Step9
from ..view import code, latex, live

# The four inputs of XOR, in the order of ``nine.XOR_ROWS``.
INPUTS = np.array([[x1, x2] for x1, x2, _ in XOR_ROWS], dtype=float)

NINE_NAMES = tuple(f.name for f in fields(Nine))
NINE_LATEX = {"w11": "w_{11}", "w21": "w_{21}", "b1": "b_1", "w12": "w_{12}",
              "w22": "w_{22}", "b2": "b_2", "v1": "v_1", "v2": "v_2", "c": "c"}
NINE_LIMIT = 50.0  # a sigmoid is flat long before: larger numbers teach nothing
RATE_LIMIT = 100.0
ROW_LABELS = tuple(f"({x1}, {x2})" for x1, x2, _ in XOR_ROWS)
LOSS_LABELS = {name: LOSSES[name].label for name in ("half_mse", "mse", "bce")}
# How the page rounds, said once so the prose and the numbers cannot drift apart: steps 1-5
# in significant digits (``latex.number``'s default), the update lines' slope in significant
# digits, the tables in decimals.
STEP_DIGITS = 4
SLOPE_DIGITS = 5
CHANGE_DIGITS = 4  # the update lines' decimals keep this many significant digits of a change
UPDATE_TABLE_DECIMALS = 6
OUTPUT_TABLE_DECIMALS = 4


def nine_from_inputs(values: Mapping[str, float], limit: float = NINE_LIMIT) -> Nine:
    """The nine numbers typed by a learner, checked: all present, finite, within +-limit."""
    missing = [name for name in NINE_NAMES if name not in values]
    if missing:
        raise ValueError(f"missing numbers: {', '.join(missing)}")
    checked = {}
    for name in NINE_NAMES:
        value = values[name]
        number = checks.typed_number(value, name) if value is not None else math.nan
        if not abs(number) <= limit:
            raise ValueError(f"{name} must be a number from {-limit:g} to {limit:g}; "
                             f"got {value!r}")
        checked[name] = number
    return Nine(**checked)


def check_learning_rate(learning_rate) -> float:
    """A learning rate as a float: finite, above 0 and at most ``RATE_LIMIT``."""
    rate = (checks.typed_number(learning_rate, "learning rate")
            if learning_rate is not None else math.nan)
    if not 0 < rate <= RATE_LIMIT:
        raise ValueError(f"learning rate must be above 0 and at most {RATE_LIMIT:g}; "
                         f"got {learning_rate!r}")
    return rate


def xor_row(label: str) -> tuple[int, int, int]:
    """``"(0, 1)"`` -> the XOR row (x1, x2, y) = (0, 1, 1)."""
    if label not in ROW_LABELS:
        raise ValueError(f"input must be one of {', '.join(ROW_LABELS)}; got {label!r}")
    return XOR_ROWS[ROW_LABELS.index(label)]


def forward_rows(nine: Nine) -> list[dict]:
    """The forward pass of every XOR input: every intermediate number, one row each."""
    rows = []
    for x1, x2, y in XOR_ROWS:
        f = nine.forward(x1, x2)
        rows.append({"x1": x1, "x2": x2, "y": y, "z1": f.z1, "h1": f.h1, "z2": f.z2,
                     "h2": f.h2, "z_out": f.z_out, "y_hat": f.y_hat})
    return rows


def update_rows(step: Step9, learning_rate: float) -> list[dict]:
    """One row per parameter: before, gradient, the change -eta*gradient, after."""
    grads = step.gradients()
    return [{"parameter": name, "before": getattr(step.before, name),
             "gradient": getattr(grads, name),
             "change": -learning_rate * getattr(grads, name),
             "after": getattr(step.after, name)} for name in NINE_NAMES]


def max_gap(a: Nine, b: Nine) -> float:
    """The largest difference between two sets of nine numbers."""
    return max(abs(getattr(a, n) - getattr(b, n)) for n in NINE_NAMES)


def _block(lines: list[str]) -> str:
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$"


def _loss_line(loss: str, y_hat: float, y: float, value: float) -> str:
    if loss == "half_mse":
        return rf"L &= \tfrac12(\hat y - y)^2 = \tfrac12({latex.probability(y_hat)} - {y})^2 = {latex.number(value)}"
    if loss == "mse":
        return rf"L &= (\hat y - y)^2 = ({latex.probability(y_hat)} - {y})^2 = {latex.number(value)}"
    if loss == "bce":
        return (rf"L &= -\big[y\log\hat y + (1-y)\log(1-\hat y)\big]"
                rf" = {latex.number(value)}")
    raise ValueError(f"loss must be one of {', '.join(LOSS_LABELS)}; got {loss!r}")


def _delta_line(loss: str, y_hat: float, y: float, delta: float) -> str:
    yh, slope = latex.probability(y_hat), rf"{latex.probability(y_hat)}\,(1 - {latex.probability(y_hat)})"
    if loss == "half_mse":
        return (rf"\delta_\text{{out}} &= (\hat y - y)\,\hat y(1-\hat y)"
                rf" = ({yh} - {y})\cdot {slope} = {latex.number(delta)}")
    if loss == "mse":
        return (rf"\delta_\text{{out}} &= 2(\hat y - y)\,\hat y(1-\hat y)"
                rf" = 2\,({yh} - {y})\cdot {slope} = {latex.number(delta)}")
    return (rf"\delta_\text{{out}} &= \hat y - y = {yh} - {y} = {latex.number(delta)}"
            r"\quad\text{(the sigmoid's slope cancels)}")


def update_decimals(change: float) -> int:
    """Decimals that show ``change`` to ``CHANGE_DIGITS`` significant digits (4 to 10 of them)."""
    if change == 0 or not math.isfinite(change):
        return 4
    return min(10, max(4, CHANGE_DIGITS - 1 - math.floor(math.log10(abs(change)))))


def _significant(text: str) -> int:
    """Significant digits of a number written in fixed point: ``0.0006090`` has 4."""
    return len(text.lstrip("-").replace(".", "").lstrip("0"))


def update_note(step: Step9, learning_rate: float) -> str:
    """How step 6's lines are rounded, read from this step's own changes: the decimals they
    use and the fewest significant digits any change keeps."""
    grads = step.gradients()
    changes = [learning_rate * getattr(grads, name) for name in NINE_NAMES]
    decimals = sorted({update_decimals(c) for c in changes})
    places = (f"{decimals[0]} decimals" if len(decimals) == 1 else
              f"{decimals[0]} to {decimals[-1]} decimals, line by line")
    kept = [_significant(f"{abs(c):.{update_decimals(c)}f}") for c in changes if c != 0]
    if not kept:
        keeps = ""
    elif min(kept) >= CHANGE_DIGITS:
        keeps = (f": enough for every change that is not 0 to keep at least {min(kept)} "
                 f"significant digits")
    elif min(kept) == 0:
        keeps = ": at most 10, so the smallest change here rounds to 0"
    else:
        keeps = (f": at most 10, so the smallest change here keeps only {min(kept)} "
                 f"significant digit{'s' if min(kept) > 1 else ''}")
    return (f"Each line shows the slope rounded to {SLOPE_DIGITS} significant digits (zeros at "
            f"the end left off), then the old number, the change and the new number to the "
            f"same number of decimals ({places}{keeps}), so the subtraction checks by hand.")


def _update_line(name: str, before: float, learning_rate: float, grad: float,
                 after: float) -> str:
    """``w ← before − η·slope = before − change = after``, the last three at one precision,
    so the subtraction checks by hand (4 significant digits for before and after hid the
    change, which once read 0 − 0.1·0.00609 = −0.000608998)."""
    change = learning_rate * grad
    d = update_decimals(change)
    sign = "-" if change >= 0 else "+"
    return (rf"{NINE_LATEX[name]} &\leftarrow {latex.number(before)} - {latex.number(learning_rate)}\cdot"
            rf" {latex.factor(grad, SLOPE_DIGITS)} = {before:.{d}f} {sign} {abs(change):.{d}f}"
            rf" = {_fixed(after, d)}")


def _fixed(value: float, d: int) -> str:
    text = f"{value:.{d}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


NAMING_NOTE = (
    "**Names, not numbers, differ from the loss-table program.** This page writes "
    "$w_{ij}$ for the weight *from input $i$ into hidden neuron $j$*. The loss-table program "
    "names them neuron first: its `w12 = -0.4` is the weight *into neuron 1 from input 2*, "
    "which is $w_{21}$ here, and its `w21 = 0.9` is $w_{12}$ here. The boxes above hold each "
    "of its numbers where it belongs by meaning, so the network is the very same.")


def naming_note(start) -> str:
    """The note on the other program's weight names, for its fixed start ('' otherwise)."""
    return NAMING_NOTE if start == TABLE_START else ""


def step_sections(step: Step9, y: float, learning_rate: float, loss: str) -> dict[str, str]:
    """Every number of one online step with its formula: Markdown with LaTeX blocks.

    Keys: "forward", "output error", "output gradients", "hidden errors",
    "hidden gradients", "update". ``y`` is the target of the step's input.
    """
    f, n = step.forward, step.before
    if f is None:
        raise ValueError("step_sections shows an online step on one input, not a batch step")
    x1, x2 = f.x1, f.x2
    forward = [
        rf"z_1 &= w_{{11}}x_1 + w_{{21}}x_2 + b_1 = {latex.factor(n.w11)}\cdot {x1:g}"
        rf" + {latex.factor(n.w21)}\cdot {x2:g}{latex.plus(n.b1)} = {latex.number(f.z1)}",
        rf"h_1 &= \sigma(z_1) = \frac{{1}}{{1 + e^{{-z_1}}}} = {latex.probability(f.h1)}",
        rf"z_2 &= w_{{12}}x_1 + w_{{22}}x_2 + b_2 = {latex.factor(n.w12)}\cdot {x1:g}"
        rf" + {latex.factor(n.w22)}\cdot {x2:g}{latex.plus(n.b2)} = {latex.number(f.z2)}",
        rf"h_2 &= \sigma(z_2) = {latex.probability(f.h2)}",
        rf"z_\text{{out}} &= v_1 h_1 + v_2 h_2 + c = {latex.factor(n.v1)}\cdot {latex.probability(f.h1)}"
        rf" + {latex.factor(n.v2)}\cdot {latex.probability(f.h2)}{latex.plus(n.c)} = {latex.number(f.z_out)}",
        rf"\hat y &= \sigma(z_\text{{out}}) = {latex.probability(f.y_hat)}",
        _loss_line(loss, f.y_hat, y, step.loss),
    ]
    d = step.delta_out
    output_grads = [
        rf"\frac{{\partial L}}{{\partial v_1}} &= \delta_\text{{out}}\,h_1 = {latex.factor(d)}"
        rf"\cdot {latex.probability(f.h1)} = {latex.number(step.dv1)}",
        rf"\frac{{\partial L}}{{\partial v_2}} &= \delta_\text{{out}}\,h_2 = {latex.factor(d)}"
        rf"\cdot {latex.probability(f.h2)} = {latex.number(step.dv2)}",
        rf"\frac{{\partial L}}{{\partial c}} &= \delta_\text{{out}} = {latex.number(step.dc)}",
    ]
    hidden = [
        rf"\delta_1 &= \delta_\text{{out}}\,v_1\,h_1(1-h_1) = {latex.factor(d)}\cdot {latex.factor(n.v1)}"
        rf"\cdot {latex.probability(f.h1)}\,(1 - {latex.probability(f.h1)}) = {latex.number(step.delta_h1)}",
        rf"\delta_2 &= \delta_\text{{out}}\,v_2\,h_2(1-h_2) = {latex.factor(d)}\cdot {latex.factor(n.v2)}"
        rf"\cdot {latex.probability(f.h2)}\,(1 - {latex.probability(f.h2)}) = {latex.number(step.delta_h2)}",
    ]
    hidden_grads = []
    for j, delta in ((1, step.delta_h1), (2, step.delta_h2)):
        for i, x in ((1, x1), (2, x2)):
            grad = getattr(step, f"dw{i}{j}")
            hidden_grads.append(
                rf"\frac{{\partial L}}{{\partial w_{{{i}{j}}}}} &= \delta_{j}\,x_{i}"
                rf" = {latex.factor(delta)}\cdot {x:g} = {latex.number(grad)}")
        hidden_grads.append(rf"\frac{{\partial L}}{{\partial b_{j}}} &= \delta_{j}"
                            rf" = {latex.number(getattr(step, f'db{j}'))}")
    grads = step.gradients()
    update = [_update_line(name, getattr(n, name), learning_rate, getattr(grads, name),
                           getattr(step.after, name)) for name in NINE_NAMES]
    return {
        "forward": _block(forward),
        "output error": _block([_delta_line(loss, f.y_hat, y, d)]),
        "output gradients": _block(output_grads),
        "hidden errors": _block(hidden),
        "hidden gradients": _block(hidden_grads),
        "update": _block(update),
    }


def output_first_gap(nine: Nine, x1: float, x2: float, y: float, learning_rate: float,
                     loss: str = "half_mse") -> float:
    """How far the outputs move if v1, v2, c are updated *before* the hidden errors use them.

    The largest difference, over the four XOR inputs, between the outputs after a correct
    step (every slope taken at the old numbers) and after that out-of-order step.
    """
    right = nine.step(x1, x2, y, learning_rate, loss)
    g = right.gradients()
    early = nine.descend(Nine(0, 0, 0, 0, 0, 0, g.v1, g.v2, g.c), learning_rate)
    f = right.forward
    d1 = right.delta_out * early.v1 * f.h1 * (1 - f.h1)
    d2 = right.delta_out * early.v2 * f.h2 * (1 - f.h2)
    hidden = Nine(d1 * x1, d1 * x2, d1, d2 * x1, d2 * x2, d2, 0, 0, 0)
    wrong = early.descend(hidden, learning_rate)
    return max(abs(a - b) for a, b in zip(right.after.outputs(), wrong.outputs()))


@dataclass(frozen=True)
class Walk:
    """Online training one input at a time: where it started, where it is, what comes next."""

    start: Nine
    current: Nine
    steps: int = 0  # steps taken so far
    position: int = 0  # index into XOR_ROWS of the next input

    @classmethod
    def resume(cls, saved: "Walk | None", start: Nine) -> "Walk":
        """``saved`` if it began at ``start``, else a fresh walk from ``start``."""
        if isinstance(saved, cls) and saved.start == start:
            return saved
        return cls(start, start)

    def advance(self, step: Step9) -> "Walk":
        """The walk after taking ``step``; the next input is the one after the step's."""
        if step.forward is None or step.before != self.current:
            raise ValueError("advance: the step must be an online step from the current numbers")
        done = next(i for i, (x1, x2, _) in enumerate(XOR_ROWS)
                    if (x1, x2) == (step.forward.x1, step.forward.x2))
        return Walk(self.start, step.after, self.steps + 1, (done + 1) % len(XOR_ROWS))

    @property
    def next_label(self) -> str:
        return ROW_LABELS[self.position]


@dataclass(frozen=True)
class OnlineStep:
    """One checked online step: the settings it came from and every number of it."""

    walk: Walk  # where the walk stands before this step (walk.current == step.before)
    x1: int
    x2: int
    y: int
    learning_rate: float
    loss: str
    step: Step9

    @property
    def label(self) -> str:
        return f"({self.x1}, {self.x2})"


def online_step(numbers: Mapping[str, float], saved: Walk | None, row: str,
                learning_rate: float, loss: str) -> OnlineStep:
    """Check a learner's settings and take one step from where the walk stands.

    ``numbers`` are the nine typed numbers (the walk's start); ``saved`` is the walk so
    far, kept only if it began at those numbers; ``row`` is an input label like "(0, 1)".
    Raises ValueError, naming the setting, for anything that cannot be used.
    """
    walk = Walk.resume(saved, nine_from_inputs(numbers))
    x1, x2, y = xor_row(row)
    rate = check_learning_rate(learning_rate)
    if not isinstance(loss, str) or loss not in LOSS_LABELS:
        raise ValueError(f"loss must be one of {', '.join(LOSS_LABELS)}; got {loss!r}")
    return OnlineStep(walk, x1, x2, y, rate, loss, walk.current.step(x1, x2, y, rate, loss))


def outputs_rows(before: Nine, after: Nine) -> list[dict]:
    """The output for every XOR input before and after a step, and how far it moved."""
    rows = []
    for (x1, x2, y), old, new in zip(XOR_ROWS, before.outputs(), after.outputs()):
        rows.append({"x1": x1, "x2": x2, "target": y, "y_hat before": old,
                     "y_hat after": new, "closer to the target?":
                     "yes" if abs(new - y) < abs(old - y) else "no"})
    return rows


def step_frame(network: Network, step: Step9, x1: float, x2: float) -> dict:
    """Lesson 02's live picture of one step: the network before and after it, side by side,
    each neuron showing its activation for the input (x1, x2)."""
    x = (x1, x2)
    return live.frame(
        live.network_panel("before", network, step.before.to_params(), x=x,
                           title="the network before the step"),
        live.network_panel("after", network, step.after.to_params(), x=x,
                           title="the network after the step"))


# The nine-number net's code, in the order a step runs it.
STEP_CODE = (Nine.forward, Nine.gradient, Nine.descend)


def step_code_markdown(step: Step9) -> str:
    """``Nine.forward``, ``Nine.gradient`` and ``Nine.descend`` from nnlab's source, each line
    that computes a named number followed by the number it produced on this step's input."""
    if step.forward is None:
        raise ValueError("step: an online step on one input (a batch step has no one input)")
    values = {**asdict(step.forward), **{f.name: getattr(step, f.name) for f in fields(Step9)
                                          if isinstance(getattr(step, f.name), float)}}
    blocks = []
    for fn in STEP_CODE:
        text = code.annotated(code.source(fn), values)
        blocks.append(code.block(text, title=f"`{code.qualified_name(fn)}`",
                                 first_line=code.first_line_of(fn)))
    return "\n\n".join(blocks)
