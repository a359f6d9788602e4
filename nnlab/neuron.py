"""One neuron, and the nine-number net written out number by number (lessons 1 and 2).

Lesson 1 looks at a single sigmoid neuron on the four corners of the unit square,

    z = w1*x1 + w2*x2 + b,        y_hat = sigmoid(z),

whose decision boundary (y_hat = 0.5, i.e. z = 0) is the straight line w1*x1 + w2*x2 + b = 0.
``evaluate`` scores one neuron against a truth table (AND, OR, XOR); ``scan_lines`` tries many
random lines and reports the best score found and which of the 16 possible truth tables a
line can draw at all (14: every one except XOR and its opposite).

Lesson 2 shows one backpropagation step of the 2-2-1 net with every number written next to
its formula. The arithmetic is ``nnlab.xor9`` (``Nine.step`` keeps every intermediate number);
this module only validates the numbers a learner types, lays the numbers out as tables and
LaTeX, and carries an online walk through the four inputs from step to step (``Walk``).

NumPy and the standard library only: no marimo, no Altair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Mapping

import numpy as np

from . import live
from .tables import _round_output
from .network import Network, Params
from .xor9 import TABLE_START, XOR_ROWS, Nine, Step9

# ---------------------------------------------------------------------------------------------
# Lesson 1: one neuron, one line
# ---------------------------------------------------------------------------------------------

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TARGETS: dict[str, tuple[int, int, int, int]] = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "XOR": (0, 1, 1, 0),
}
NETWORK = Network([2, 1])  # one sigmoid neuron: plots.boundary_chart draws its line
EXTENT = (-0.25, 1.25, -0.25, 1.25)  # the unit square with a margin, for the charts
SCAN_GAIN = 8.0  # |w| of the scanned lines: steep enough that the shading shows the sides
MAX_LINES = 200_000


def target_table(name: str) -> np.ndarray:
    """The targets (0/1) of a truth table at the corners (0,0), (0,1), (1,0), (1,1)."""
    if not isinstance(name, str) or name not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}; got {name!r}")
    return np.array(TARGETS[name], dtype=np.int64)


def _finite(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}")
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return number


def _whole(name: str, value, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a float like 20000.0 is fine), else ValueError."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not (ok and math.isfinite(value) and float(value).is_integer() and low <= value <= high):
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}; "
                         f"got {value!r}")
    return int(value)


def neuron_params(w1: float, w2: float, b: float) -> Params:
    """The neuron as the one-layer params ``[(W, b)]`` of ``NETWORK``."""
    return [(np.array([[w1], [w2]], dtype=float), np.array([b], dtype=float))]


@dataclass(frozen=True, eq=False)
class NeuronResult:
    """One neuron on the four corners: pre-activations, outputs and verdicts."""

    w1: float
    w2: float
    b: float
    target: str
    labels: np.ndarray  # (4,) the truth table's targets
    z: np.ndarray  # (4,) pre-activations
    outputs: np.ndarray  # (4, 1) sigmoid(z)

    X = CORNERS

    @property
    def Y(self) -> np.ndarray:
        return self.labels[:, None].astype(float)

    @property
    def params(self) -> Params:
        return neuron_params(self.w1, self.w2, self.b)

    @property
    def right(self) -> np.ndarray:
        """Per corner: is the output on the target's side of 0.5?"""
        return (self.outputs[:, 0] > 0.5) == (self.labels == 1)

    @property
    def correct(self) -> int:
        return int(self.right.sum())

    @property
    def wrong_corners(self) -> list[tuple[int, int]]:
        return [(int(x1), int(x2)) for (x1, x2), ok in zip(CORNERS, self.right) if not ok]


def evaluate(w1: float, w2: float, b: float, target: str = "XOR") -> NeuronResult:
    """Run the neuron sigmoid(w1*x1 + w2*x2 + b) on the four corners, scored on ``target``."""
    w1, w2, b = _finite("w1", w1), _finite("w2", w2), _finite("b", b)
    labels = target_table(target)
    z = CORNERS @ np.array([w1, w2]) + b
    outputs = (1.0 / (1.0 + np.exp(-z)))[:, None]
    return NeuronResult(w1, w2, b, target, labels, z, outputs)


def _num(value: float, digits: int = 4) -> str:
    """A number for LaTeX: ``digits`` significant digits, 10^k instead of e-notation."""
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return "0" if text == "-0" else text


def _probability(value: float, digits: int = 4) -> str:
    """A sigmoid's output: never "1" or "0", which it cannot reach. 0.9999546 shows as
    0.99995 (as many digits as it takes), and one within 1e-10 of 1 as "> 0.9999999999"."""
    text = _num(value, digits)
    if text not in ("1", "0"):
        return text
    if text == "1":
        gap = 1.0 - value
        if gap < 1e-10:
            return r"> 0.9999999999"
        decimals = 1 - math.floor(math.log10(gap))  # two digits past the run of nines
        return f"{value:.{decimals}f}".rstrip("0")
    return _num(value, digits)  # tiny outputs already read like 4.54 x 10^-5


def output_text(value: float) -> str:
    """An output in running text: 3 decimals, more where 3 would round it to 0, 0.5 or 1."""
    rounded = _round_output(value)
    return f"{rounded:.3f}" if round(rounded, 3) == rounded else repr(rounded)


def _factor(value: float, digits: int = 4) -> str:
    """A number as a factor in a product: negatives in parentheses."""
    text = _num(value, digits)
    return f"({text})" if text.startswith("-") else text


def _plus(value: float, digits: int = 4) -> str:
    """`` + v`` or `` - |v|`` for the last term of a sum."""
    text = _num(abs(value), digits)
    return f" - {text}" if value < 0 and text != "0" else f" + {text}"


def line_equation(w1: float, w2: float, b: float) -> str:
    """The neuron's boundary w1*x1 + w2*x2 + b = 0 solved for x2 (LaTeX, no dollars)."""
    if w2 != 0:
        slope, offset = -w1 / w2, -b / w2
        if slope == 0:
            return f"x_2 = {_num(offset, 3)}"
        factor = {"1": "", "-1": "-"}.get(_num(slope, 3), _num(slope, 3) + r"\,")
        rest = _plus(offset, 3) if _num(abs(offset), 3) != "0" else ""
        return f"x_2 = {factor}x_1{rest}"
    if w1 != 0:
        return f"x_1 = {_num(-b / w1, 3)}"
    return ""  # no line: z = b everywhere


def working(result: NeuronResult) -> str:
    """The sum and sigmoid at each corner, as a LaTeX ``aligned`` block (no dollars)."""
    lines = []
    for (x1, x2), z, out in zip(CORNERS, result.z, result.outputs[:, 0]):
        lines.append(
            rf"(x_1, x_2) = ({x1:g}, {x2:g}):\quad z &= {_factor(result.w1)}\cdot {x1:g}"
            rf" + {_factor(result.w2)}\cdot {x2:g}{_plus(result.b)} = {_num(z)},"
            rf"\quad \sigma(z) = {_probability(out)}")
    return r"\begin{aligned}" + r"\\ ".join(lines) + r"\end{aligned}"


@dataclass(frozen=True)
class LineScan:
    """The scores of many random lines on one truth table."""

    target: str
    n_lines: int
    seed: int
    counts: tuple[int, ...]  # counts[k]: how many lines got exactly k of the 4 corners right
    best: int  # the best score found
    best_line: tuple[float, float, float]  # (w1, w2, b): of the lines with that score, the
    # one farthest from its nearest corner (the clearest picture)
    tables: frozenset  # every truth table (tuple of four 0/1) some line drew

    @property
    def missing_tables(self) -> list[tuple[int, ...]]:
        """The truth tables of four corners that no scanned line drew."""
        every = {tuple(int(c) for c in f"{i:04b}") for i in range(16)}
        return sorted(every - self.tables)


def random_lines(n_lines: int, seed: int = 0) -> np.ndarray:
    """``n_lines`` random lines near the unit square as rows (w1, w2, b).

    Each line has a direction drawn uniformly and passes through a point drawn uniformly
    from the square [-0.25, 1.25]^2, so lines missing all four corners are included too.
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2 * np.pi, n_lines)
    through = rng.uniform(-0.25, 1.25, (n_lines, 2))
    w = SCAN_GAIN * np.column_stack([np.cos(angle), np.sin(angle)])
    b = -np.einsum("ij,ij->i", w, through)
    return np.column_stack([w, b])


def scan_lines(target: str = "XOR", n_lines: int = 20_000, seed: int = 0) -> LineScan:
    """Score ``n_lines`` random lines on a truth table: the best score and every table drawn.

    A line's answer at a corner is 1 on the side where w1*x1 + w2*x2 + b > 0 (output
    above 0.5), else 0.
    """
    labels = target_table(target)
    n_lines = _whole("the number of lines", n_lines, 1, MAX_LINES)
    seed = _whole("seed", seed, 0, 2**63 - 1)
    lines = random_lines(n_lines, seed)
    z = CORNERS @ lines[:, :2].T + lines[:, 2]  # (4, lines)
    answers = z > 0
    scores = (answers == (labels[:, None] == 1)).sum(axis=0)
    best = int(scores.max())
    margin = np.where(scores == best, np.abs(z).min(axis=0), -1.0)
    codes = np.unique(answers.T.astype(np.int64) @ np.array([8, 4, 2, 1]))
    tables = frozenset(tuple(int(c) for c in f"{code:04b}") for code in codes.tolist())
    w1, w2, b = (float(v) for v in lines[int(np.argmax(margin))])
    return LineScan(target, n_lines, seed,
                    tuple(np.bincount(scores, minlength=5).tolist()), best, (w1, w2, b), tables)


def table_name(table) -> str:
    """``(0, 1, 1, 0)`` -> ``"0110"``, with the name of the table where it has one."""
    code = "".join(str(int(t)) for t in table)
    names = {"".join(map(str, v)): k for k, v in TARGETS.items()}
    names.update({"1001": "XNOR", "1110": "NAND", "1000": "NOR"})
    return f"{code} ({names[code]})" if code in names else code


# A 2-2-1 net that solves XOR by hand: h1 is OR, h2 is NAND, the output is h1 AND h2.
XOR_BY_HAND_NETWORK = Network([2, 2, 1])
XOR_BY_HAND: Params = [
    (np.array([[10.0, -10.0], [10.0, -10.0]]), np.array([-5.0, 15.0])),
    (np.array([[10.0], [10.0]]), np.array([-15.0])),
]

# ---------------------------------------------------------------------------------------------
# Lesson 2: the nine numbers, one backpropagation step written out
# ---------------------------------------------------------------------------------------------

NINE_NAMES = tuple(f.name for f in fields(Nine))
NINE_LATEX = {"w11": "w_{11}", "w21": "w_{21}", "b1": "b_1", "w12": "w_{12}",
              "w22": "w_{22}", "b2": "b_2", "v1": "v_1", "v2": "v_2", "c": "c"}
NINE_LIMIT = 50.0  # a sigmoid is flat long before: larger numbers teach nothing
RATE_LIMIT = 100.0
ROW_LABELS = tuple(f"({x1}, {x2})" for x1, x2, _ in XOR_ROWS)
LOSS_LABELS = {"half_mse": "half squared error", "mse": "squared error",
               "bce": "cross-entropy"}


def nine_from_inputs(values: Mapping[str, float], limit: float = NINE_LIMIT) -> Nine:
    """The nine numbers typed by a learner, checked: all present, finite, within +-limit."""
    missing = [name for name in NINE_NAMES if name not in values]
    if missing:
        raise ValueError(f"missing numbers: {', '.join(missing)}")
    checked = {}
    for name in NINE_NAMES:
        value = values[name]
        number = _finite(name, value) if value is not None else math.nan
        if not abs(number) <= limit:
            raise ValueError(f"{name} must be a number from {-limit:g} to {limit:g}; "
                             f"got {value!r}")
        checked[name] = number
    return Nine(**checked)


def check_learning_rate(learning_rate) -> float:
    """A learning rate as a float: finite, above 0 and at most ``RATE_LIMIT``."""
    rate = _finite("learning rate", learning_rate) if learning_rate is not None else math.nan
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
        return rf"L &= \tfrac12(\hat y - y)^2 = \tfrac12({_num(y_hat)} - {y})^2 = {_num(value)}"
    if loss == "mse":
        return rf"L &= (\hat y - y)^2 = ({_num(y_hat)} - {y})^2 = {_num(value)}"
    if loss == "bce":
        return (rf"L &= -\big[y\log\hat y + (1-y)\log(1-\hat y)\big]"
                rf" = {_num(value)}")
    raise ValueError(f"loss must be one of {', '.join(LOSS_LABELS)}; got {loss!r}")


def _delta_line(loss: str, y_hat: float, y: float, delta: float) -> str:
    yh, slope = _num(y_hat), rf"{_num(y_hat)}\,(1 - {_num(y_hat)})"
    if loss == "half_mse":
        return (rf"\delta_\text{{out}} &= (\hat y - y)\,\hat y(1-\hat y)"
                rf" = ({yh} - {y})\cdot {slope} = {_num(delta)}")
    if loss == "mse":
        return (rf"\delta_\text{{out}} &= 2(\hat y - y)\,\hat y(1-\hat y)"
                rf" = 2\,({yh} - {y})\cdot {slope} = {_num(delta)}")
    return (rf"\delta_\text{{out}} &= \hat y - y = {yh} - {y} = {_num(delta)}"
            r"\quad\text{(the sigmoid's slope cancels)}")


def update_decimals(change: float) -> int:
    """Decimals that show ``change`` to 4 significant digits (4 to 10 of them)."""
    if change == 0 or not math.isfinite(change):
        return 4
    return min(10, max(4, 3 - math.floor(math.log10(abs(change)))))


def _update_line(name: str, before: float, learning_rate: float, grad: float,
                 after: float) -> str:
    """``w ← before − η·slope = before − change = after``, the last three at one precision,
    so the subtraction checks by hand (4 significant digits for before and after hid the
    change, which once read 0 − 0.1·0.00609 = −0.000608998)."""
    change = learning_rate * grad
    d = update_decimals(change)
    sign = "-" if change >= 0 else "+"
    return (rf"{NINE_LATEX[name]} &\leftarrow {_num(before)} - {_num(learning_rate)}\cdot"
            rf" {_factor(grad, 5)} = {before:.{d}f} {sign} {abs(change):.{d}f}"
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
        rf"z_1 &= w_{{11}}x_1 + w_{{21}}x_2 + b_1 = {_factor(n.w11)}\cdot {x1:g}"
        rf" + {_factor(n.w21)}\cdot {x2:g}{_plus(n.b1)} = {_num(f.z1)}",
        rf"h_1 &= \sigma(z_1) = \frac{{1}}{{1 + e^{{-z_1}}}} = {_num(f.h1)}",
        rf"z_2 &= w_{{12}}x_1 + w_{{22}}x_2 + b_2 = {_factor(n.w12)}\cdot {x1:g}"
        rf" + {_factor(n.w22)}\cdot {x2:g}{_plus(n.b2)} = {_num(f.z2)}",
        rf"h_2 &= \sigma(z_2) = {_num(f.h2)}",
        rf"z_\text{{out}} &= v_1 h_1 + v_2 h_2 + c = {_factor(n.v1)}\cdot {_num(f.h1)}"
        rf" + {_factor(n.v2)}\cdot {_num(f.h2)}{_plus(n.c)} = {_num(f.z_out)}",
        rf"\hat y &= \sigma(z_\text{{out}}) = {_num(f.y_hat)}",
        _loss_line(loss, f.y_hat, y, step.loss),
    ]
    d = step.delta_out
    output_grads = [
        rf"\frac{{\partial L}}{{\partial v_1}} &= \delta_\text{{out}}\,h_1 = {_factor(d)}"
        rf"\cdot {_num(f.h1)} = {_num(step.dv1)}",
        rf"\frac{{\partial L}}{{\partial v_2}} &= \delta_\text{{out}}\,h_2 = {_factor(d)}"
        rf"\cdot {_num(f.h2)} = {_num(step.dv2)}",
        rf"\frac{{\partial L}}{{\partial c}} &= \delta_\text{{out}} = {_num(step.dc)}",
    ]
    hidden = [
        rf"\delta_1 &= \delta_\text{{out}}\,v_1\,h_1(1-h_1) = {_factor(d)}\cdot {_factor(n.v1)}"
        rf"\cdot {_num(f.h1)}\,(1 - {_num(f.h1)}) = {_num(step.delta_h1)}",
        rf"\delta_2 &= \delta_\text{{out}}\,v_2\,h_2(1-h_2) = {_factor(d)}\cdot {_factor(n.v2)}"
        rf"\cdot {_num(f.h2)}\,(1 - {_num(f.h2)}) = {_num(step.delta_h2)}",
    ]
    hidden_grads = []
    for j, delta in ((1, step.delta_h1), (2, step.delta_h2)):
        for i, x in ((1, x1), (2, x2)):
            grad = getattr(step, f"dw{i}{j}")
            hidden_grads.append(
                rf"\frac{{\partial L}}{{\partial w_{{{i}{j}}}}} &= \delta_{j}\,x_{i}"
                rf" = {_factor(delta)}\cdot {x:g} = {_num(grad)}")
        hidden_grads.append(rf"\frac{{\partial L}}{{\partial b_{j}}} &= \delta_{j}"
                            rf" = {_num(getattr(step, f'db{j}'))}")
    grads, eta = step.gradients(), _num(learning_rate)
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


def live_frame(result: NeuronResult, title: str = "the neuron's line") -> dict:
    """Lesson 01's live picture of one neuron: its line over the four corners (the shading
    is its output) and its outputs table."""
    return live.frame(
        live.boundary_panel("line", NETWORK, result.params, result.X, result.labels,
                            extent=EXTENT, resolution=60, title=title),
        live.table_panel("outputs", result.X, result.outputs, result.Y,
                         title=f"outputs on {result.target}"))


def step_frame(network: Network, step: Step9, x1: float, x2: float) -> dict:
    """Lesson 02's live picture of one step: the network before and after it, side by side,
    each neuron showing its activation for the input (x1, x2)."""
    x = (x1, x2)
    return live.frame(
        live.network_panel("before", network, step.before.to_params(), x=x,
                           title="the network before the step"),
        live.network_panel("after", network, step.after.to_params(), x=x,
                           title="the network after the step"))
