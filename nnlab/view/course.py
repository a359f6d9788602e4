"""The course around the lessons: their order, numbers, titles, one-line descriptions and
where to read next, kept in one place.

The welcome page, the previous/next links at the top and bottom of every lesson, and the
tests that check the gallery all read ``LESSONS``. Adding a lesson is one ``Lesson(...)``
entry at its place in that tuple (plus the notebook itself, whose PEP 723 header repeats
the title and description for marimo's gallery; a test keeps the two equal).

Links. The same lesson is reached by three different URLs:

- ``marimo run notebooks/`` (the gallery) serves a lesson at ``?file=NN_name.py``;
- the static site has ``lessons/NN_name.html``, all in one folder;
- the live (WASM) site has ``live/NN_name.html``, all in one folder sharing marimo's assets.

A lesson's Python runs in all three (the static page is rendered by running it at build
time, the live page runs it in Pyodide), so the link is chosen where it is drawn:
``scripts/build_site.py`` sets ``NNLAB_PAGE=static`` while exporting static pages, and a
page running in Pyodide (``sys.platform == "emscripten"``) is a live one. Everything else
is ``marimo run`` / ``marimo edit``. All links are relative, so the site works from any
folder and from ``file://``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from html import escape
from typing import Sequence

# build_site.py sets this variable while it exports the static pages
PAGE_ENV = "NNLAB_PAGE"


@dataclass(frozen=True)
class Reference:
    title: str
    url: str
    why: str  # what in this lesson it takes further


@dataclass(frozen=True)
class Lesson:
    stem: str  # notebook file name without .py, e.g. "01_one_neuron"
    title: str
    description: str  # one line: the gallery card and the site index
    idea: str  # the welcome page's sentence on what the lesson shows
    references: tuple[Reference, ...] = ()

    @property
    def number(self) -> str:
        return self.stem[:2]


_NIELSEN = "http://neuralnetworksanddeeplearning.com/"
_CS231N = "https://cs231n.github.io/"

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "00_welcome", "Welcome to nnlab",
        "What the course teaches, in what order, and how to run, edit and publish it.",
        "The map of the course."),
    Lesson(
        "01_one_neuron", "One neuron",
        "A weighted sum and a sigmoid draw one straight line: enough for AND and OR, never for XOR.",
        "One neuron splits the plane with a straight line, so it can learn AND and OR but "
        "not XOR; two layers can.",
        (Reference("Michael Nielsen, Neural Networks and Deep Learning, chapter 1",
                   _NIELSEN + "chap1.html",
                   "perceptrons, sigmoid neurons and why layers are needed"),
         Reference("CS231n notes: Neural Networks Part 1", _CS231N + "neural-networks-1/",
                   "the neuron model and what one layer can represent"),
         Reference("TensorFlow Playground", "https://playground.tensorflow.org/",
                   "try XOR with no hidden layer, then with one"))),
    Lesson(
        "02_backprop_by_hand", "Backpropagation by hand",
        "The 2-2-1 XOR net's nine numbers through one training step, every number with its formula.",
        "One training step of the 2-2-1 network, worked number by number: the forward pass, "
        "the chain rule backwards, the update.",
        (Reference("Michael Nielsen, Neural Networks and Deep Learning, chapter 2",
                   _NIELSEN + "chap2.html", "the four equations of backpropagation, derived"),
         Reference("CS231n notes: Backpropagation, Intuitions", _CS231N + "optimization-2/",
                   "gradients as local products along a circuit"),
         Reference("Andrej Karpathy, micrograd", "https://github.com/karpathy/micrograd",
                   "the same chain rule as a tiny autograd engine"))),
    Lesson(
        "03_training_xor", "Training XOR",
        "The training loop on the 2-2-1 net: presets, loss and accuracy curves, and a replay of any past epoch.",
        "Repeat the step from lesson 02 and watch the loss fall, stall or blow up, epoch by epoch.",
        (Reference("Michael Nielsen, Neural Networks and Deep Learning, chapter 1",
                   _NIELSEN + "chap1.html#learning_with_gradient_descent",
                   "gradient descent and the learning rate"),
         Reference("CS231n notes: Neural Networks Part 3", _CS231N + "neural-networks-3/",
                   "reading loss curves and choosing a learning rate"))),
    Lesson(
        "04_convergence", "Why XOR sometimes gets stuck",
        "Thousands of random starts at once: how often XOR converges, and how learning rate, loss and width change the odds.",
        "The same network from thousands of random starts: some learn XOR and some get stuck, "
        "and the odds depend on the learning rate, the loss and the width.",
        (Reference("Michael Nielsen, Neural Networks and Deep Learning, chapter 3",
                   _NIELSEN + "chap3.html", "cross-entropy versus squared error, and initialisation"),
         Reference("Gabriel Goh, Why Momentum Really Works (Distill)",
                   "https://distill.pub/2017/momentum/",
                   "how the step size decides between crawling, converging and diverging"),
         Reference("CS231n notes: Neural Networks Part 2", _CS231N + "neural-networks-2/",
                   "weight initialisation"))),
    Lesson(
        "05_playground", "The playground",
        "Pick data, layers, loss and optimiser; compare a pinned run; share settings by link; upload your own CSV.",
        "Everything so far in one place: choose the data, the layers, the loss and the "
        "optimiser, and compare runs.",
        (Reference("TensorFlow Playground", "https://playground.tensorflow.org/",
                   "the same kind of experiments, with other data sets"),
         Reference("Gabriel Goh, Why Momentum Really Works (Distill)",
                   "https://distill.pub/2017/momentum/", "what the momentum optimiser does"),
         Reference("CS231n notes: Neural Networks Part 3", _CS231N + "neural-networks-3/",
                   "SGD, momentum and Adam compared"))),
    Lesson(
        "06_activations", "Activation functions",
        "Sigmoid, tanh and ReLU side by side: vanishing gradients, saturated and dead units.",
        "Sigmoid, tanh and ReLU compared: why gradients vanish in deep sigmoid networks and "
        "how ReLU units die.",
        (Reference("Michael Nielsen, Neural Networks and Deep Learning, chapter 5",
                   _NIELSEN + "chap5.html", "the vanishing gradient problem"),
         Reference("CS231n notes: Neural Networks Part 1, activation functions",
                   _CS231N + "neural-networks-1/#actfun", "sigmoid, tanh, ReLU and their failure modes"))),
    Lesson(
        "07_gradient_check", "Checking backpropagation",
        "Finite differences referee the backward pass and catch a classic derivative bug.",
        "Check backpropagation against finite differences, the test every hand-written "
        "gradient needs.",
        (Reference("CS231n notes: Neural Networks Part 3, gradient checks",
                   _CS231N + "neural-networks-3/#gradcheck", "relative error and what size is fine"),
         Reference("Michael Nielsen, Neural Networks and Deep Learning, chapter 2",
                   _NIELSEN + "chap2.html#in_what_sense_is_backpropagation_a_fast_algorithm",
                   "why backpropagation beats finite differences for training"))),
    Lesson(
        "08_handwriting", "Real handwriting",
        "1,797 scanned digits, a 64-32-10 softmax network, overfitting and its cures, and a pad to draw your own digit.",
        "Real data at last: 64 pixel inputs, ten digits, a network that overfits and two "
        "ways to stop it, and a pad to test it on your own writing.",
        (Reference("Michael Nielsen, Neural Networks and Deep Learning, chapter 3",
                   _NIELSEN + "chap3.html#overfitting_and_regularization",
                   "overfitting, L2 regularisation and dropout"),
         Reference("CS231n notes: Neural Networks Part 2, regularization",
                   _CS231N + "neural-networks-2/#reg", "L2, dropout and how they are used in practice"),
         Reference("UCI Machine Learning Repository: Optical Recognition of Handwritten Digits",
                   "https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits",
                   "where the 8x8 digits come from and how they were made"))),
)


def lesson(stem: str) -> Lesson:
    """The lesson whose notebook is ``stem`` (with or without ``.py``)."""
    stem = stem[:-3] if stem.endswith(".py") else stem
    for item in LESSONS:
        if item.stem == stem:
            return item
    raise ValueError(f"stem: no lesson {stem!r}; known: {', '.join(l.stem for l in LESSONS)}")


def _neighbours(stem: str) -> tuple[Lesson | None, Lesson | None]:
    index = LESSONS.index(lesson(stem))
    before = LESSONS[index - 1] if index > 0 else None
    after = LESSONS[index + 1] if index + 1 < len(LESSONS) else None
    return before, after


def page_kind() -> str:
    """Where this page is drawn: "static" (site export), "live" (Pyodide) or "run"."""
    kind = os.environ.get(PAGE_ENV, "")
    if kind.startswith("static"):
        return "static"
    if sys.platform == "emscripten":
        return "live"
    return "run"


def href(stem: str, kind: str | None = None) -> str:
    """A relative link to lesson ``stem`` from another lesson's page of the same kind."""
    target = lesson(stem)
    kind = page_kind() if kind is None else kind
    if kind == "run":
        return f"?file={target.stem}.py"
    if kind == "static":
        return f"{target.stem}.html"
    if kind == "live":
        return f"{target.stem}.html"
    raise ValueError(f"kind: 'run', 'static' or 'live'; got {kind!r}")


# One compact line (marimo's prose line height would make it 24 px tall): every pixel of it
# is taken from the pictures below it, which lesson 05 fits on a 1280x800 screen.
_NAV_STYLE = ("display:flex;justify-content:space-between;gap:1rem;margin:0;"
              "font-size:14px;line-height:1.25")


def _link(item: Lesson, label: str, kind: str | None, rel: str) -> str:
    return (f'<a class="nnlab-{rel}" rel="{rel}" href="{escape(href(item.stem, kind))}">'
            f"{escape(label)} {item.number} {escape(item.title)}</a>")


def static_banner(stem: str, live: bool | None = None) -> str:
    """The notice at the top of a static copy, linking the interactive version if built."""
    if live is None:
        live = os.environ.get(PAGE_ENV, "") == "static+live"
    link = (f' <a class="nnlab-live-link" href="../live/{escape(lesson(stem).stem)}.html">'
            "Open the interactive version</a>." if live else
            " The interactive version runs with <code>marimo run notebooks/</code>.")
    return ('<div class="nnlab-static-banner" role="note" style="margin:0 0 1rem;'
            "padding:8px 12px;border-radius:6px;background:#fff4e5;border:1px solid #f0c36d;"
            'color:#5c3b00;font-size:14px"><b>Static copy:</b> the controls on this page are frozen, and '
            "the pictures show results computed when the page was built." + link + "</div>")


def top(stem: str, kind: str | None = None) -> str:
    """HTML for a lesson's first cell: the link back to the lesson before it, and on a
    static copy the banner that says so."""
    before, _ = _neighbours(stem)
    kind = page_kind() if kind is None else kind
    left = _link(before, "←", kind, "prev") if before else ""
    banner = static_banner(stem) if kind == "static" else ""
    return banner + (f'<nav class="nnlab-course-nav" style="{_NAV_STYLE}">{left}'
            + (f'<span style="color:#666">lesson {lesson(stem).number} of {len(LESSONS) - 1}</span>'
               if before else "") + "</nav>")


def bottom(stem: str, kind: str | None = None) -> str:
    """HTML for a lesson's last cell: where to read next, then the link to the next lesson."""
    item = lesson(stem)
    _, after = _neighbours(stem)
    parts = []
    if item.references:
        rows = "".join(
            f'<li><a href="{escape(r.url)}" target="_blank" rel="noopener">{escape(r.title)}</a>'
            f": {escape(r.why)}</li>" for r in item.references)
        parts.append(f"<h2>Read further</h2><ul>{rows}</ul>")
    if after:
        parts.append(f'<p style="font-size:16px">Next: {_link(after, "→", kind, "next")}</p>')
    else:
        parts.append("<p>This is the last lesson of the course.</p>")
    return '<div class="nnlab-course-end">' + "".join(parts) + "</div>"


def syllabus(kind: str | None = None, pictures: Sequence[str] | None = None) -> str:
    """HTML list of lessons 01 onwards for the welcome page: number, title (a link) and idea.

    ``pictures``, if given, is one small HTML/SVG picture per lesson, in order."""
    items = LESSONS[1:]
    if pictures is not None and len(pictures) != len(items):
        raise ValueError(f"pictures: one per lesson ({len(items)}); got {len(pictures)}")
    rows = []
    for i, item in enumerate(items):
        picture = f'<div style="flex:0 0 120px">{pictures[i]}</div>' if pictures else ""
        rows.append(
            f'<li style="display:flex;gap:1rem;align-items:center;margin:.6rem 0">{picture}'
            f'<div><b>{item.number}</b> <a href="{escape(href(item.stem, kind))}">'
            f"{escape(item.title)}</a><br>{escape(item.idea)}</div></li>")
    return '<ol class="nnlab-syllabus" style="list-style:none;padding:0">' + "".join(rows) + "</ol>"


def _svg(body: str) -> str:
    return (f'<svg viewBox="0 0 120 72" width="120" height="72" role="img" '
            f'style="background:#f6f7f9;border-radius:6px">{body}</svg>')


def _dots(points: str, colour: str) -> str:
    return "".join(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="4" fill="{colour}"/>'
                   for p in points.split())


def _curve(points: str, colour: str = "#1f77b4") -> str:
    return f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'


# One small picture per lesson from 01 on, in LESSONS order (drawn here, not computed: they are
# icons of each lesson's idea, not results). A new lesson appends one; missing ones are blank.
PICTURES: dict[str, str] = {
    "01_one_neuron": _svg(_dots("25,55 25,18", "#d62728") + _dots("95,18 95,55", "#2ca02c")
                          + '<line x1="20" y1="62" x2="100" y2="10" stroke="#333" stroke-width="2"/>'),
    "02_backprop_by_hand": _svg(
        "".join(f'<circle cx="{x}" cy="{y}" r="7" fill="#fff" stroke="#333"/>'
                for x, y in ((20, 22), (20, 50), (60, 22), (60, 50), (100, 36)))
        + '<path d="M27 22H53M27 50H53M27 24L53 48M27 48L53 24M67 24L93 35M67 48L93 37" '
          'stroke="#999"/><path d="M95 44Q60 70 25 58" fill="none" stroke="#d62728" '
          'stroke-width="2" stroke-dasharray="4 3"/>'),
    "03_training_xor": _svg(_curve("8,10 20,14 32,16 44,20 56,40 68,56 84,60 112,62")),
    "04_convergence": _svg(_curve("8,10 30,30 50,58 112,62") + _curve("8,12 40,40 60,60 112,63", "#2ca02c")
                           + _curve("8,14 50,30 112,31", "#d62728")),
    "05_playground": _svg(_dots("30,20 40,50 85,30", "#2ca02c") + _dots("60,36 20,62 100,60", "#d62728")
                          + '<circle cx="60" cy="36" r="16" fill="none" stroke="#333" stroke-width="2"/>'),
    "06_activations": _svg(_curve("8,60 40,58 60,36 80,14 112,12")
                           + _curve("8,46 60,46 112,6", "#d62728")),
    "07_gradient_check": _svg(
        '<rect x="25" y="20" width="20" height="44" fill="#1f77b4"/>'
        '<rect x="50" y="21" width="20" height="43" fill="#ff7f0e"/>'
        '<rect x="80" y="8" width="20" height="56" fill="#d62728" opacity=".6"/>'),
    "08_handwriting": _svg(
        "".join(f'<rect x="{38 + 8 * c}" y="{8 + 7 * r}" width="7" height="6" fill="#333" '
                f'opacity="{v / 4:.2f}"/>'
                for r, row in enumerate(("0330", "3003", "0003", "0030", "0300", "3000", "3333", "0000"))
                for c, v in enumerate(map(int, row)) if v)),
}


def pictures() -> list[str]:
    """The welcome page's pictures for lessons 01 onwards, in order."""
    return [PICTURES.get(item.stem, _svg("")) for item in LESSONS[1:]]


def live_or_static(live: str, static: str, kind: str | None = None) -> str:
    """Prose that invites the reader to move a control, or on a static copy (where nothing
    moves) the variant that points at the pre-computed results instead."""
    kind = page_kind() if kind is None else kind
    return static if kind == "static" else live
