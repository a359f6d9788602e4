# /// script
# dependencies = ["anywidget", "traitlets"]
# ///
# (marimo copies this list into the nnlab wheel it bundles with a WASM lesson, so the
# browser installs the widget library for the live views.)
"""Live views: the pictures a control redraws, updated in place in the browser.

An Altair chart that changes is a new chart: the page tears down its Vega view and builds
another (~20-40 ms of the browser's time per chart, every slider move). A live view is an
anywidget that keeps its canvases and redraws them when Python sends new numbers, so a
change costs one small message and a few milliseconds of drawing. Altair stays for the
pictures that do not change with a control.

    view = LiveView()                          # once, in a cell of its own
    mo.ui.anywidget(view)                      # shown once
    view.frame = frame(curves_panel("loss", runs, log=True), ...)   # on every change

A frame is a plain dict of panels, each a dict of numbers (rounded to ``SIG_DIGITS``
significant digits) and words. Every builder here checks its input and never lets a NaN or
infinity through (a run that blew up is cut where it did, and the panel says so);
``frame`` refuses a payload over ``MAX_FRAME_BYTES``. The drawing code is in ``live_js``.

``Player`` is the play / pause / step / reset bar: its JavaScript asks for an epoch
(``target``), Python trains or replays up to it and answers with ``at``.
"""

from __future__ import annotations

import base64
import json
import math
import time
from html import escape
from typing import Callable, Hashable, Mapping, Sequence

import anywidget
import numpy as np
import traitlets

from . import plots
from .live_js import PLAYER_CSS, PLAYER_ESM, VIEW_CSS, VIEW_ESM
from ..network import Network, forward, forward_trace
from .tables import outputs_html
from ..train import Run, Training
from .theme import PALETTE

SIG_DIGITS = plots.SIG_DIGITS
MAX_POINTS = 300  # per curve: about one point per 1.3 px of a 400 px chart
MAX_FRAME_BYTES = 400_000  # one frame as JSON: a change must stay a small message
SEND_PAUSE_S = 0.003  # LiveView.show: long enough for the server to send a frame
MAX_FRAMES_BYTES = 2_500_000  # all pre-computed frames: a static page stays under 3 MB
MAX_RESOLUTION = 120  # boundary image: cells per side


def _pixels(rgb: np.ndarray) -> dict:
    """An RGB image for the page: its size and its bytes in base64. The page paints them
    as they come (no image to decode, so the picture lands in the same frame as the rest)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"rgb: an array (rows, columns, 3); got shape {rgb.shape}")
    return {"w": int(rgb.shape[1]), "h": int(rgb.shape[0]),
            "rgb": base64.b64encode(rgb.tobytes()).decode("ascii")}


def _finite_list(values) -> list:
    """Rounded floats, ``None`` where a value is not finite (the JS leaves a gap)."""
    a = np.asarray(values, dtype=float).ravel()
    return [float(f"{v:.{SIG_DIGITS}g}") if math.isfinite(v) else None for v in a.tolist()]


def curves_panel(name: str, runs, metric: str = "loss", *, title: str, y_title: str,
                 log: bool = False, threshold: float | None = None, test: bool = True,
                 percent: bool = False, log_toggle: bool = False,
                 points: int = MAX_POINTS) -> dict:
    """Curves over epochs of ``metric`` ("loss" or "accuracy") for a Run or {label: Run}.

    Each run is drawn up to its first non-finite value and, if it diverged, up to where it
    blew up (as ``plots.loss_chart`` does); the panel's notes say where it stopped. Test
    curves (``test_loss``, ``test_accuracy``) are dashed.
    """
    if metric not in ("loss", "accuracy"):
        raise ValueError(f"metric: 'loss' or 'accuracy'; got {metric!r}")
    if threshold is not None and not (isinstance(threshold, (int, float, np.floating))
                                      and math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold: a finite number > 0 or None; got {threshold!r}")
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or not (
            2 <= points <= MAX_POINTS):
        raise ValueError(f"points: a whole number from 2 to {MAX_POINTS}; got {points!r}")
    items = plots.labelled_runs(runs)
    many = len(items) > 1
    series, notes, x_max = [], [], 1
    for i, (label, run) in enumerate(items):
        colour = PALETTE[i % len(PALETTE)]
        kinds = [("", getattr(run, metric))]
        if test and getattr(run, f"test_{metric}", None) is not None:
            kinds.append((" (test)", getattr(run, f"test_{metric}")))
        for suffix, values in kinds:
            values = np.asarray(values, dtype=float).ravel()
            drawn = plots.drawable_length(values, blowup=plots._diverged(run))
            note = plots.divergence_note(label, run, drawn, len(values), many)
            if note and not suffix and note not in notes:
                notes.append(note)
            x_max = max(x_max, len(values) - 1)
            epochs = plots.sample_indices(drawn, points)
            name_shown = (label if many else metric) + (suffix if suffix else
                                                        (" (train)" if len(kinds) > 1 else ""))
            series.append({"name": name_shown, "color": colour, "dash": bool(suffix),
                           "x": epochs.tolist(), "y": _finite_list(values[epochs])})
    return {"kind": "curves", "name": name, "title": title, "y_title": y_title,
            "x_title": "epoch", "x_min": 0, "x_max": int(x_max), "x_log": False,
            "log": bool(log), "log_toggle": bool(log_toggle), "threshold": threshold,
            "percent": bool(percent), "y_domain": [0, 1] if percent else None,
            "series": series, "notes": notes, "dots": False}


def lines_panel(name: str, x, lines: Mapping[str, Sequence[float]], *, title: str,
                x_title: str, y_title: str, x_log: bool = False, y_log: bool = False,
                dots: bool = False, width: int | None = None) -> dict:
    """Curves of any quantity over ``x`` (one y per x for every line): an activation over z,
    a gradient check's error over its step size. Points that cannot be drawn (not finite, or
    not > 0 on a log axis) are left out, and the panel's notes say how many."""
    x = np.asarray(x, dtype=float).ravel()
    if len(x) < 2 or not np.isfinite(x).all() or (x_log and (x <= 0).any()):
        raise ValueError(f"x: at least 2 finite values{' > 0' if x_log else ''}; got {x!r}")
    if not lines:
        raise ValueError("lines: give at least one {label: values}")
    series, notes = [], []
    for i, (label, values) in enumerate(lines.items()):
        y = np.asarray(values, dtype=float).ravel()
        if y.shape != x.shape:
            raise ValueError(f"lines[{label!r}]: one value per x ({len(x)}); got {len(y)}")
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(y) | ((y <= 0) if y_log else False)
        if bad.any():
            notes.append(f"{label}: {int(bad.sum())} point{'s' if bad.sum() > 1 else ''} "
                         "left out")
        series.append({"name": str(label), "color": PALETTE[i % len(PALETTE)], "dash": False,
                       "x": _finite_list(x), "y": _finite_list(np.where(bad, np.nan, y))})
    return {"kind": "curves", "name": name, "title": title, "y_title": y_title,
            "x_title": x_title, "x_min": float(x.min()), "x_max": float(x.max()),
            "x_log": bool(x_log), "log": bool(y_log), "log_toggle": False, "threshold": None,
            "percent": False, "y_domain": None, "series": series, "notes": notes,
            "dots": bool(dots), "width": _width(width)}


def band_panel(name: str, curves, *, title: str, metric: str = "loss",
               log: bool = True) -> dict:
    """Many runs' curves as one: the median line with the 25-75 % band (dark) and the
    10-90 % band (light), from ``plots.band_quantiles``."""
    bands = plots.band_quantiles(curves, log=log, max_points=MAX_POINTS)
    x = bands.epochs.tolist()
    return {"kind": "curves", "name": name, "title": title, "y_title": metric,
            "x_title": "epoch", "x_min": 0, "x_max": max(1, int(np.shape(curves)[0]) - 1),
            "x_log": False, "log": bool(log), "log_toggle": False, "threshold": None,
            "percent": False, "y_domain": None, "notes": bands.notes, "dots": False,
            "series": [{"name": "median", "color": PALETTE[0], "dash": False, "x": x,
                        "y": _finite_list(bands.median)}],
            "bands": [{"name": "10-90 %", "lo": _finite_list(bands.q10),
                       "hi": _finite_list(bands.q90), "color": PALETTE[0], "alpha": 0.18},
                      {"name": "25-75 %", "lo": _finite_list(bands.q25),
                       "hi": _finite_list(bands.q75), "color": PALETTE[0], "alpha": 0.35}],
            "width": None}


def bars_panel(name: str, epochs_to_converge, *, title: str, max_epochs: int | None = None,
               bins: int = 30) -> dict:
    """How many runs converged at which epoch (``plots.epochs_bins``): one bar per range of
    epochs; the runs that never did are counted in the subtitle."""
    edges, counts, summary = plots.epochs_bins(epochs_to_converge, max_epochs=max_epochs,
                                               bins=bins)
    return {"kind": "bars", "name": name, "title": title, "subtitle": summary,
            "x_title": "epochs to converge", "y_title": "runs",
            "edges": _finite_list(edges), "counts": [int(n) for n in counts]}


def _width(width) -> int | None:
    if width is None:
        return None
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or not (
            200 <= width <= 1200):
        raise ValueError(f"width: a whole number of pixels from 200 to 1200, or None; "
                         f"got {width!r}")
    return int(width)


def boundary_panel(name: str, network: Network, params, X, labels, *, extent,
                   resolution: int = 60, title: str, X_test=None, labels_test=None) -> dict:
    """The decision boundary of ``plots.boundary_chart`` as numbers: the shaded image, the
    0.5 line and the points (x1, x2, class, is-test)."""
    if (isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer))
            or not 2 <= resolution <= MAX_RESOLUTION):
        raise ValueError(f"resolution: a whole number from 2 to {MAX_RESOLUTION}; "
                         f"got {resolution!r}")
    picture = plots.boundary_picture(network, params, extent, resolution)
    points = []
    for Xs, ls, is_test in ((X, labels, 0), (X_test, labels_test, 1)):
        if Xs is None or len(Xs) == 0:
            continue
        Xs = network.check_inputs(Xs, "X_test" if is_test else "X")
        ids = plots._label_ids(ls, "labels_test" if is_test else "labels")
        if len(ids) != len(Xs):
            raise ValueError(f"labels: one per point ({len(Xs)}); got {len(ids)}")
        points += [[a, b, int(c), is_test] for a, b, c in
                   zip(_finite_list(Xs[:, 0]), _finite_list(Xs[:, 1]), ids.tolist())
                   if a is not None and b is not None]
    probe = forward(network, params, np.asarray(X, dtype=float)[:1]) if len(X) else None
    caption = None
    if probe is not None and not np.isfinite(probe).all():
        caption = "the network's outputs are not finite: nothing to shade"
    elif picture.two and not picture.segments:
        caption = _no_line_caption(network, params, extent)
    return {"kind": "boundary", "name": name, "title": title,
            "extent": _finite_list(plots._check_extent(extent)), "image": _pixels(picture.rgb),
            "contour": [list(s) for s in picture.segments], "points": points,
            "colors": list(PALETTE), "caption": caption}


def _no_line_caption(network: Network, params, extent) -> str | None:
    """Why a two-class picture has no 0.5 line: the output is 0.5 everywhere (a blank white
    square would look like a broken chart), or stays on one side of 0.5 in view."""
    xs, ys, probs = plots.boundary_grid(network, params, extent, 9)
    if np.all(np.abs(probs - 0.5) < 1e-9):
        return "output 0.5 everywhere: no line to draw"
    if np.all(probs > 0.5):
        return "output > 0.5 everywhere: no line in view"
    if np.all(probs < 0.5):
        return "output < 0.5 everywhere: no line in view"
    return None


def network_panel(name: str, network: Network, params, *, title: str, extent=None,
                  resolution: int = 24, x=None) -> dict:
    """The network diagram: layer sizes, every weight and bias (orange positive, blue
    negative, width |w| in the drawing). With ``extent`` (a 2-input net), every hidden and
    output neuron also shows its activation over that part of the input plane; with ``x``
    (one input row), every neuron shows its activation for that input."""
    params = network.check_params(params)
    values = None
    if x is not None:
        trace = forward_trace(network, params, np.asarray(x, dtype=float).reshape(1, -1))
        values = [_finite_list(a[0]) for a in trace.activations]
    maps = None
    if extent is not None:
        maps = [[None] * network.sizes[0]] + [
            [_pixels(rgb) for rgb in layer]
            for layer in plots.neuron_images(network, params, extent=extent, resolution=resolution)]
    weights = [[_finite_list(row) for row in np.asarray(W, dtype=float)] for W, _ in params]
    weights = [[[0.0 if w is None else w for w in row] for row in layer] for layer in weights]
    biases = [[0.0 if b is None else b for b in _finite_list(b)] for _, b in params]
    return {"kind": "network", "name": name, "title": title, "sizes": list(network.sizes),
            "weights": weights, "biases": biases, "names": plots.neuron_names(network.sizes),
            "colors": list(PALETTE), "maps": maps, "values": values}


def table_panel(name: str, X, outputs, Y, *, title: str) -> dict:
    """The outputs table (``tables.outputs_html``): every case, its output and verdict."""
    return {"kind": "table", "name": name, "html": outputs_html(X, outputs, Y, title=title)}


def frame(*panels: dict, epoch: int | None = None,
          columns: Sequence[Sequence[str]] = ()) -> dict:
    """One picture of the view: the panels in order, laid out in ``columns`` (lists of panel
    names, side by side; panels in no column wrap below them). Refuses a frame too large to
    send on every change, or one that carries a non-finite number."""
    for panel in panels:
        if not isinstance(panel, dict) or "kind" not in panel or "name" not in panel:
            raise TypeError(f"panels: dicts made by nnlab.view.live's *_panel functions; "
                            f"got {type(panel).__name__}")
    names = {panel["name"] for panel in panels}
    for column in columns:
        unknown = set(column) - names
        if unknown:
            raise ValueError(f"columns: names of the frame's panels ({', '.join(sorted(names))});"
                             f" got {', '.join(sorted(unknown))}")
    out = {"panels": list(panels), "epoch": epoch, "columns": [list(c) for c in columns]}
    size = len(_json(out))
    if size > MAX_FRAME_BYTES:
        raise ValueError(f"frame: at most {MAX_FRAME_BYTES} bytes of JSON; got {size} "
                         "(draw fewer points or a coarser boundary)")
    return out


def _json(value) -> str:
    # allow_nan=False: a NaN or infinity that slipped past a builder fails here, in Python,
    # instead of reaching the page (where JSON.parse would refuse the whole message).
    return json.dumps(value, allow_nan=False, separators=(",", ":"))


def explore_control(name: str, label: str, options: Sequence[tuple[str, str]], value: str,
                    kind: str = "slider") -> dict:
    """A control the static page offers over pre-computed frames: ``options`` are
    (value, label) pairs; frames are keyed by the chosen values joined with '|'."""
    if kind not in ("slider", "select"):
        raise ValueError(f"kind: 'slider' or 'select'; got {kind!r}")
    options = [(str(v), str(t)) for v, t in options]
    if str(value) not in [v for v, _ in options]:
        raise ValueError(f"value: one of the options' values; got {value!r}")
    return {"name": name, "label": label, "kind": kind, "options": options, "value": str(value)}


def live_only_note(text: str) -> str:
    """HTML shown only on a static copy of a page: a ``LiveView`` that finds no kernel marks
    the document (``data-nnlab-static``), and this note appears. Use it next to controls
    that need Python."""
    return ("<style>.nnlab-live-only{display:none}"
            "html[data-nnlab-static] .nnlab-live-only{display:block}</style>"
            '<p class="nnlab-live-only" style="margin:0;padding:6px 10px;border-radius:6px;'
            'background:#fff4e5;border:1px solid #f0c36d;color:#5c3b00;font-size:13px">'
            f"{escape(text)}</p>")


class LiveView(anywidget.AnyWidget):
    """Pictures redrawn in place: set ``frame`` (from ``frame(...)``) on every change.

    ``frames`` and ``explore`` are for static pages: frames computed in advance, keyed by the
    values of the ``explore`` controls joined with '|'; with no kernel, the widget shows
    those controls and switches between the frames itself.
    """

    _esm = VIEW_ESM
    _css = VIEW_CSS
    frame = traitlets.Dict().tag(sync=True)
    frames = traitlets.Dict().tag(sync=True)
    explore = traitlets.List().tag(sync=True)

    def show(self, frame: dict) -> None:
        """Set ``frame`` and give the server a moment to send it before the cell goes on.

        Under ``marimo run`` the kernel is a thread of the server's process: while the cell
        goes on running Python (a verdict to work out, the next chunk to train), the server
        waits for the GIL before it can pass the new frame to the page. A short sleep
        releases it first. Use this where a cell draws and then keeps working; in lesson 03
        it brought the picture about 9 ms sooner (benchmarks/latency.py, mean of six medians).
        """
        self.frame = frame
        time.sleep(SEND_PAUSE_S)

    @traitlets.validate("frame")
    def _check_frame(self, proposal):
        value = proposal["value"]
        if value and "panels" not in value:
            raise ValueError("frame: a dict made by nnlab.view.live.frame(...)")
        return value

    def offer(self, controls: Sequence[dict], frames: Mapping[str, dict]) -> None:
        """Give the static page ``controls`` (``explore_control``) and their frames."""
        keys = {"|".join(combo) for combo in _combinations([c["options"] for c in controls])}
        missing = keys - set(frames)
        if missing:
            raise ValueError(f"frames: one per combination of the controls' values; "
                             f"missing {sorted(missing)[:3]}")
        size = len(_json(dict(frames)))
        if size > MAX_FRAMES_BYTES:
            raise ValueError(f"frames: at most {MAX_FRAMES_BYTES} bytes of JSON in all; "
                             f"got {size}")
        with self.hold_sync():
            self.frames = dict(frames)
            self.explore = list(controls)


def _combinations(option_lists):
    if not option_lists:
        yield ()
        return
    for value, _ in option_lists[0]:
        for rest in _combinations(option_lists[1:]):
            yield (value,) + rest


class Player(anywidget.AnyWidget):
    """Play / pause / step / reset and an epoch scrubber.

    The page sets ``target`` (and bumps ``serial``) when it wants an epoch shown; Python
    shows it and sets ``at`` and ``ack``; only then does the page ask for the next one. ``run_key``
    names the run the bar is about: setting a new one stops playing.
    """

    _esm = PLAYER_ESM
    _css = PLAYER_CSS
    label = traitlets.Unicode("epoch").tag(sync=True)
    total = traitlets.Int(0).tag(sync=True)
    chunk = traitlets.Int(1).tag(sync=True)
    at = traitlets.Int(0).tag(sync=True)
    target = traitlets.Int(0).tag(sync=True)
    serial = traitlets.Int(0).tag(sync=True)  # the page's request count
    ack = traitlets.Int(0).tag(sync=True)  # the last request Python answered
    run_key = traitlets.Unicode("").tag(sync=True)

    def start(self, run_key: str, total: int, frames_wanted: int = 120) -> None:
        """A new run of ``total`` epochs is on screen (finished): stop, point at its end,
        and play it in about ``frames_wanted`` steps."""
        if isinstance(total, bool) or not isinstance(total, (int, np.integer)) or total < 0:
            raise ValueError(f"total: a whole number of epochs >= 0; got {total!r}")
        with self.hold_sync():
            self.run_key = str(run_key)
            self.total = int(total)
            self.chunk = max(1, math.ceil(int(total) / frames_wanted))
            self.target = int(total)
            self.at = int(total)
            self.ack = self.serial  # requests about the last run are void

    def wanted(self, run_key: str) -> int | None:
        """The epoch the page asked for and has not been answered, if about this run."""
        if self.run_key != str(run_key) or self.serial <= self.ack:
            return None
        return max(0, min(int(self.target), self.total))

    def answered(self, epoch: int) -> None:
        """Tell the page that ``epoch`` is on screen (it may then ask for the next)."""
        with self.hold_sync():
            self.at = int(epoch)
            self.ack = self.serial


class Playback:
    """A run trained again epoch by epoch for the player (Play, Step, the scrubber).

    ``at(key, start, epoch)`` is the run after ``epoch`` epochs of the ``Training`` that
    ``start()`` makes: one Training is kept between calls for the same ``key`` and advanced
    only by the epochs asked for (going back starts a new one). ``Training`` guarantees that
    going forward in steps gives, bit for bit, the run trained in one go.
    """

    def __init__(self):
        self._key = self._training = self._shown = None
        self._cued = None

    def cue(self, key: Hashable, start: Callable[[], Training]) -> None:
        """Name the run the player replays from now on: ``replay`` trains it again.

        The cell that trains a new run cues it here, and the cell that answers the player
        reads it from here rather than from the run's variable: so a control change reruns
        only the cell that trains (which draws the new run itself), not the player's cell.
        """
        self._cued = (key, start)

    def replay(self, epoch: int) -> Run:
        """The cued run after ``epoch`` epochs (see ``at``)."""
        if self._cued is None:
            raise ValueError("replay: no run cued yet (call cue(key, start) first)")
        key, start = self._cued
        return self.at(key, start, epoch)

    def at(self, key: Hashable, start: Callable[[], Training], epoch: int) -> Run:
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
            raise ValueError(f"epoch: a whole number >= 0; got {epoch!r}")
        if self._key != key or epoch < self._training.epoch:
            self._key, self._training = key, start()
            self._shown = self._training.advance(0)
        if epoch > self._training.epoch and not self._training.done:
            self._shown = self._training.advance(int(epoch) - self._training.epoch)
        return self._shown
