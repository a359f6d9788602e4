"""Lesson 1, one neuron: a weighted sum and a sigmoid draw one straight line.

A single sigmoid neuron on the four corners of the unit square,

    z = w1*x1 + w2*x2 + b,        y_hat = sigmoid(z),

has the decision boundary y_hat = 0.5, i.e. z = 0: the straight line w1*x1 + w2*x2 + b = 0.
``evaluate`` scores one neuron against a truth table (AND, OR, XOR); ``scan_lines`` tries many
random lines and reports the best score found and which of the 16 possible truth tables a
line can draw at all (14: every one except XOR and its opposite).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import checks
from ..activations import sigmoid
from ..network import Network, Params
from ..view import code, latex, live
from ..view.tables import _round_output

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
    w1, w2, b = (checks.typed_number(v, name) for v, name in ((w1, "w1"), (w2, "w2"), (b, "b")))
    labels = target_table(target)
    z = CORNERS @ np.array([w1, w2]) + b
    outputs = sigmoid(z)[:, None]
    return NeuronResult(w1, w2, b, target, labels, z, outputs)


def output_text(value: float) -> str:
    """An output in running text: 3 decimals, more where 3 would round it to 0, 0.5 or 1."""
    rounded = _round_output(value)
    return f"{rounded:.3f}" if round(rounded, 3) == rounded else repr(rounded)


def line_equation(w1: float, w2: float, b: float) -> str:
    """The neuron's boundary w1*x1 + w2*x2 + b = 0 solved for x2 (LaTeX, no dollars)."""
    if w2 != 0:
        slope, offset = -w1 / w2, -b / w2
        if slope == 0:
            return f"x_2 = {latex.number(offset, 3)}"
        factor = {"1": "", "-1": "-"}.get(latex.number(slope, 3), latex.number(slope, 3) + r"\,")
        rest = latex.plus(offset, 3) if latex.number(abs(offset), 3) != "0" else ""
        return f"x_2 = {factor}x_1{rest}"
    if w1 != 0:
        return f"x_1 = {latex.number(-b / w1, 3)}"
    return ""  # no line: z = b everywhere


def working(result: NeuronResult) -> str:
    """The sum and sigmoid at each corner, as a LaTeX ``aligned`` block (no dollars)."""
    lines = []
    for (x1, x2), z, out in zip(CORNERS, result.z, result.outputs[:, 0]):
        lines.append(
            rf"(x_1, x_2) = ({x1:g}, {x2:g}):\quad z &= {latex.factor(result.w1)}\cdot {x1:g}"
            rf" + {latex.factor(result.w2)}\cdot {x2:g}{latex.plus(result.b)} = {latex.number(z)},"
            rf"\quad \sigma(z) = {latex.probability(out)}")
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


def live_frame(result: NeuronResult, title: str = "the neuron's line") -> dict:
    """Lesson 01's live picture of one neuron: its line over the four corners (the shading
    is its output) and its outputs table."""
    return live.frame(
        live.boundary_panel("line", NETWORK, result.params, result.X, result.labels,
                            extent=EXTENT, resolution=60, title=title),
        live.table_panel("outputs", result.X, result.outputs, result.Y,
                         title=f"outputs on {result.target}"))


def code_markdown() -> str:
    """The code behind the numbers above: ``evaluate`` and the registry's ``sigmoid``."""
    return "\n\n".join([code.function_block(evaluate), code.function_block(sigmoid)])
