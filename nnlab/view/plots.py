# /// script
# dependencies = ["altair"]
# ///
# (marimo copies this list into the nnlab wheel it bundles with a WASM lesson, so the
# browser installs Altair for the charts; numpy comes with Pyodide itself.)
"""Charts for the lessons: every Altair chart nnlab draws, built from run records and arrays.

This is the only module that imports Altair. It takes nnlab objects (``Network``, params,
``Run``) and plain NumPy arrays, and returns Altair charts; it knows nothing about marimo.

Conventions every chart here keeps:

* One look: class 0 blue, class 1 orange, further classes (and runs, layers, activations)
  from the colour-blind-safe Tableau 10 scheme; positive weights orange, negative blue
  (a positive weight pushes towards class 1); axis titles always written out.
* Chart data are plain dicts (``alt.Chart({"values": rows})``), never ``alt.Data(values=...)``,
  which validates every row and was ~20x slower in a lesson. Floats are rounded to
  ``SIG_DIGITS`` significant digits and long curves are sampled down to ``MAX_POINTS``
  epochs (first and last kept, exact values at the sampled epochs).
* Non-finite numbers never reach a chart. A diverged run is cut where it blows up and the
  title says so ("training diverged at epoch N"); empty input gives an empty chart with a note.
* Heat maps (decision boundary, neuron maps) are PNG data URLs drawn with ``mark_image``:
  ~4x cheaper to build and ~10x smaller than a grid of rects.
* Charts display as the plain Vega-Lite mime type (compact JSON, no re-validation); charts
  meant to sit in one row go through ``side_by_side`` (one view) rather than a page layout.
"""

from __future__ import annotations

import base64
import functools
import itertools
import struct
import zlib
from typing import Mapping, NamedTuple, Sequence

import altair as alt
import numpy as np
from altair.utils.schemapi import debug_mode

from ..activations import get_activation
from ..network import Network, forward, forward_trace, predicted_labels
from .tables import TABLE_ROWS_MAX, TONES, outputs_layout, outputs_table  # noqa: F401 (re-exported)
from .theme import BLUE, DARK, GREY, ORANGE, PALETTE, WARNING  # noqa: F401 (re-exported)

# ---------------------------------------------------------------------------------------------
# Theme (the colours shared with the HTML tables live in theme.py)
# ---------------------------------------------------------------------------------------------

EMPTY = "#E6E6E6"  # cells not computed yet
WIDTH, HEIGHT = 420, 260  # line charts
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.VEGALITE_VERSION.split('.')[0]}+json"
BOUNDARY_SIZE = 320  # the decision-boundary square
FONT = dict(labelFontSize=12, titleFontSize=13)
TITLE_SIZE = 15
SIG_DIGITS = 5
# Per line: about one point per 2.8 px of a default-width chart, finer than the eye follows
# on a curve; every point costs the browser time on each redraw (300 points made lesson
# 03's slider -> repaint ~20 ms slower).
MAX_POINTS = 150
MAX_ROWS = 2400  # per chart: many overlaid lines get fewer points each (size stays < 300 KB)
SHADE = 0.75  # boundary shading: how far from white towards the class colour at certainty
SHADE_DISCRETE = 0.45  # the same for the discretised view (lighter: the points must show)
# A diverged run is cut where its value first exceeds this many times its first value: the
# blow-up before the overflow would otherwise crush the rest of the curve to a flat line.
BLOWUP_FACTOR = 10.0
TEXT_CELLS_MAX = 144  # convergence maps with at most this many cells print their numbers
POINT_SIZE, POINT_SIZE_FEW = 50, 130  # boundary points (area in px^2); few points: larger
SHORT_RUN = 40  # curves shorter than this many epochs also show their points
WEIGHT_LABELS_MAX = 16  # network_chart prints weights as numbers up to this many


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


PALETTE_RGB = np.array([_rgb(c) for c in PALETTE])


CURVE_LABEL_WIDTH = 48  # px for a curve chart's y labels: room for "0.0001"


def _axis(title, **options):
    return alt.Axis(title=title, **FONT, **options)


def _legend(title, **options):
    return alt.Legend(title=title, labelFontSize=12, titleFontSize=12, **options)


def _title(text: str, notes: Sequence[str] = (), colour: str = WARNING):
    """A chart title; ``notes`` (empty ones dropped) become its subtitle lines."""
    notes = [n for n in notes if n]
    if notes:
        return alt.Title(text, subtitle=notes, fontSize=TITLE_SIZE, anchor="start",
                         subtitleColor=colour, subtitleFontSize=12)
    return alt.Title(text, fontSize=TITLE_SIZE, anchor="start")


def _data(rows: list) -> dict:
    # A plain dict: Altair passes it through without validating every row.
    return {"values": rows}


def _built_fast(chart_function):
    """Build with Altair's per-object validation off, and display without re-validating.

    By default Altair validates every object it creates (each ``alt.Scale``, ``alt.X``,
    mark and title) against the Vega-Lite schema: ~1-7 ms apiece, 30-150 ms per chart here.
    Displaying a chart validates the whole spec once more (~12 ms for a decision boundary),
    and marimo then serialises it again without validation, so that pass is pure delay on
    every slider move. Our builders' specs are validated whole by the tests instead
    (``chart.to_dict()`` validates as usual).
    """

    @functools.wraps(chart_function)
    def build(*args, **kwargs):  # (a global switch: fine for marimo's one kernel thread)
        with debug_mode(False):
            chart = chart_function(*args, **kwargs)
        # An instance attribute (SchemaBase.__setattr__ would store it in the spec).
        object.__setattr__(chart, "_repr_mimebundle_", functools.partial(_displayed, chart))
        return chart

    return build


def _displayed(chart, *args, **kwargs):
    """Altair's ``_repr_mimebundle_`` minus the validation (see ``_built_fast``).

    Under Altair's default renderer the spec goes out as the plain Vega-Lite mime type
    (rendered natively by marimo and JupyterLab) rather than as an HTML page: marimo
    then sends compact JSON instead of an indented copy, under half the bytes to send,
    escape and parse on every slider move. Any other renderer the user enabled is honoured.
    """
    with debug_mode(False):  # (also skips checking the small objects to_dict creates)
        spec = chart.to_dict(validate=False, context={"pre_transform": False})
    if alt.renderers.active == "default":
        return {VEGALITE_MIME: spec}
    renderer = alt.renderers.get()
    return renderer(spec) if renderer else None


_names = itertools.count(1)


def _hover(field: str):
    """A nearest-point hover selection on ``field``, with a name unique in the session (two
    charts side by side must not share it)."""
    return alt.selection_point(name=f"nnlab_hover_{next(_names)}", nearest=True,
                               on="pointerover", fields=[field], empty=False, clear="pointerout")


def _shown_on_hover(hover, on: float) -> alt.OpacityValue:
    # Channel objects throughout this module rather than alt.when(...) dicts or bare
    # "field:Q" strings: Altair turns those into channels through from_dict (~7 ms a call).
    return alt.OpacityValue(0, condition={"param": hover.name, "value": on, "empty": False})


_ROUND = f"%.{SIG_DIGITS}g"


def _r(value) -> float:
    """``value`` rounded to SIG_DIGITS significant digits (short in JSON)."""
    return float(_ROUND % value)


def _rlist(values) -> list:
    return [float(_ROUND % v) for v in np.asarray(values, dtype=float).ravel().tolist()]


def sample_indices(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """At most ``max_points`` evenly spread indices of ``range(n)``, first and last included."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, max_points)).astype(np.int64))


# ---------------------------------------------------------------------------------------------
# Curves over epochs: loss, accuracy, gradient norms
# ---------------------------------------------------------------------------------------------


def drawable_length(values, blowup: bool) -> int:
    """How many leading values can be drawn: up to the first non-finite one and, for a
    diverged run (``blowup``), up to the first one past ``BLOWUP_FACTOR`` x the first."""
    v = np.asarray(values, dtype=float).ravel()
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(v)
        if blowup and len(v) and np.isfinite(v[0]):
            bad |= np.abs(v) > BLOWUP_FACTOR * max(abs(v[0]), 1e-12)
    return int(np.argmax(bad)) if bad.any() else len(v)


def labelled_runs(runs) -> list:
    if isinstance(runs, Mapping):
        items = [(str(label), run) for label, run in runs.items()]
    else:
        items = [("run", runs)]
    if not items:
        raise ValueError("runs: give a Run or a non-empty dict {label: Run}")
    for label, run in items:
        if not hasattr(run, "loss"):
            raise ValueError(f"runs: {label!r} is not a training Run (got {type(run).__name__})")
    return items


def _diverged(run) -> bool:
    return getattr(run, "diverged_at", None) is not None


def divergence_note(label, run, drawn, length, many) -> str:
    """The note for a run that blew up, or whose values stop being finite, else ''."""
    diverged_at = getattr(run, "diverged_at", None)
    if diverged_at is None and drawn == length:
        return ""
    who = f"{label}: " if many else ""
    at = diverged_at if diverged_at is not None else drawn
    note = f"{who}training diverged at epoch {at}"
    if drawn < length:
        note += f" (not drawn from epoch {drawn} on)"
    return note


def _curve_rows(series, log):
    """Rows {epoch, value, group, style, key} for ``series`` = [(group, style, values)].

    Every series is drawn at the same sampled epochs (plus its own last epoch), so the
    hover rule finds all of them at one epoch. Many lines share ``MAX_ROWS`` between them.
    """
    longest = max((len(v) for _, _, v in series), default=0)
    per_line = max(100, min(MAX_POINTS, MAX_ROWS // max(1, len(series))))
    sampled = sample_indices(longest, per_line)
    rows, keys = [], []
    for i, (group, style, values) in enumerate(series):
        values = np.asarray(values, dtype=float)
        n = len(values)
        if not n:
            continue
        epochs = sampled[sampled < n]
        if epochs[-1] != n - 1:
            epochs = np.append(epochs, n - 1)
        picked = values[epochs]
        keep = np.isfinite(picked)
        if log:
            keep &= picked > 0
        key = f"s{i}"
        keys.append((key, f"{group} {style}".strip()))
        for e, v in zip(epochs[keep].tolist(), _rlist(picked[keep])):
            rows.append({"epoch": e, "value": v, "group": group, "style": style, "key": key})
    return rows, keys


def _line_chart(rows, keys, *, y_title, log, groups, group_title, styles, title, notes,
                y_domain=None, extra=()):
    """Lines coloured by ``group`` and dashed by ``style``, with a hover rule and tooltip."""
    x = alt.X("epoch:Q", axis=_axis("epoch"))
    if log:
        scale = alt.Scale(type="log")
    else:
        scale = alt.Scale(domain=y_domain) if y_domain else alt.Undefined
    # One label width for every curve chart, so charts stacked on a page (loss over
    # accuracy) put the same epoch at the same x.
    y = alt.Y("value:Q", axis=_axis(y_title, minExtent=CURVE_LABEL_WIDTH), scale=scale)
    color = alt.Color("group:N", scale=alt.Scale(domain=groups, range=list(PALETTE[:len(groups)])),
                      legend=_legend(group_title) if len(groups) > 1 else None)
    dash_range = {"train": [1, 0], "test": [6, 4]}
    dash = alt.StrokeDash(
        "style:N",
        scale=alt.Scale(domain=styles, range=[dash_range.get(s, [1, 0]) for s in styles]),
        legend=_legend(None) if len(styles) > 1 else None)
    base = alt.Chart()  # the data sit once on the layer: Altair deep-copies sub-charts
    short = max((r["epoch"] for r in rows), default=0) < SHORT_RUN
    # A run of a few epochs shows its points too (a one-epoch line would be invisible).
    lines = base.mark_line(strokeWidth=2, clip=True,
                           point=alt.OverlayMarkDef(size=30, filled=True) if short else False
                           ).encode(y, color, dash)
    hover = _hover("epoch")
    tooltip = [alt.Tooltip("epoch:Q", title="epoch")] + [
        alt.Tooltip(f"{key}:Q", title=label, format=".5g") for key, label in keys]
    rule = (base.transform_pivot("key", value="value", groupby=["epoch"])
            .mark_rule(color=GREY, strokeWidth=1)
            .encode(_shown_on_hover(hover, 0.7), tooltip=tooltip)
            .add_params(hover))
    # Two layers sharing x: each extra layer or repeated channel costs milliseconds of
    # validation; the hover rule's tooltip lists every line's value at that epoch.
    return alt.LayerChart(layer=[lines, rule, *extra], data=_data(rows),
                          encoding=alt.SharedEncoding(x=x), width=WIDTH, height=HEIGHT,
                          title=_title(title, notes))


def _threshold_layers(threshold, log, last_epoch):
    """A dotted horizontal line at ``threshold`` across the epochs, labelled at its left."""
    if threshold is None:
        return ()
    if not (np.isfinite(threshold) and (threshold > 0 or not log)):
        raise ValueError(f"threshold must be a finite number (> 0 on a log scale); "
                         f"got {threshold!r}")
    # x is shared with the curves (epoch), so the line runs from epoch 0 to the last one.
    data = _data([{"epoch": 0, "end": int(last_epoch), "threshold": _r(threshold),
                   "label": f"threshold {threshold:g}"}])
    y = alt.Y("threshold:Q")
    rule = alt.Chart(data).mark_rule(color=GREY, strokeDash=[2, 3]).encode(y, alt.X2("end:Q"))
    text = alt.Chart(data).mark_text(align="left", baseline="bottom", dx=3, dy=-2, color=GREY,
                                     fontSize=11).encode(y, alt.Text("label:N"))
    return rule, text


def _metric_chart(runs, metric, *, log, threshold, test, title, y_title, scale, y_domain):
    items = labelled_runs(runs)
    many = len(items) > 1
    series, notes, styles = [], [], ["train"]
    for label, run in items:
        train = np.asarray(getattr(run, metric), dtype=float) * scale
        test_values = getattr(run, f"test_{metric}", None) if test else None
        parts = [("train", train)]
        if test_values is not None:
            parts.append(("test", np.asarray(test_values, dtype=float) * scale))
            styles = ["train", "test"]
        blowup = metric == "loss" and _diverged(run)
        drawn = min(drawable_length(v, blowup) for _, v in parts)
        series += [(label, style, v[:drawn]) for style, v in parts]
        notes.append(divergence_note(label, run, drawn, len(train), many))
        if not len(train):
            notes.append(f"{label + ': ' if many else ''}no epochs to show")
    rows, keys = _curve_rows(series, log)
    longest = max((len(v) for _, _, v in series), default=0)
    if log and any(np.any(np.asarray(v)[np.isfinite(v)] <= 0) for _, _, v in series):
        notes.append("values <= 0 are not drawn on the log scale")
    groups = [label for label, _ in items]
    return _line_chart(rows, keys, y_title=y_title, log=log, groups=groups, group_title="run",
                       styles=styles, title=title, notes=notes, y_domain=y_domain,
                       extra=_threshold_layers(threshold, log, max(0, longest - 1)))


@_built_fast
def loss_chart(runs, *, log: bool = False, threshold: float | None = None, test: bool = True,
               title: str | None = None) -> alt.LayerChart:
    """Training (solid) and test (dashed) loss per epoch of one Run or a dict {label: Run}.

    ``loss[e]`` is the loss before epoch e's updates, so epoch 0 is the starting loss.
    Hover shows every line's value at the nearest epoch.
    """
    items = labelled_runs(runs)
    names = sorted({getattr(run, "loss_name", "loss") for _, run in items})
    y_title = f"{'/'.join(names)} loss" + (" (log scale)" if log else "")
    return _metric_chart(runs, "loss", log=log, threshold=threshold, test=test,
                         title=title or "loss per epoch", y_title=y_title, scale=1.0,
                         y_domain=None)


@_built_fast
def accuracy_chart(runs, *, test: bool = True, title: str | None = None) -> alt.LayerChart:
    """Training (solid) and test (dashed) accuracy per epoch on a real 0-100 % axis."""
    return _metric_chart(runs, "accuracy", log=False, threshold=None, test=test,
                         title=title or "accuracy per epoch", y_title="accuracy (%)",
                         scale=100.0, y_domain=[0, 100])


@_built_fast
def gradient_chart(run, *, title: str | None = None) -> alt.LayerChart:
    """The size (norm of dL/dW) of each layer's weight gradient per epoch, on a log scale."""
    norms = getattr(run, "grad_norms", None)
    if norms is None:
        raise ValueError("gradient_chart: this run has no grad_norms; train it with "
                         "track_gradients=True")
    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 2:
        raise ValueError(f"grad_norms must be (epochs, layers); got shape {norms.shape}")
    sizes = getattr(getattr(run, "network", None), "sizes", None)
    labels = _layer_labels(norms.shape[1] if sizes is None else len(sizes) - 1)
    drawn = drawable_length(np.max(np.abs(norms), axis=1) if norms.size else [], False)
    notes = [divergence_note("", run, drawn, len(norms), False)]
    series = [(labels[j], "", norms[:drawn, j]) for j in range(norms.shape[1])]
    rows, keys = _curve_rows(series, log=True)
    if np.any(norms[:drawn] == 0):
        notes.append("zero gradients are not drawn on the log scale")
    if not len(norms):
        notes.append("no epochs to show")
    return _line_chart(rows, keys, y_title="gradient norm |dL/dW| (log scale)", log=True,
                       groups=labels, group_title="layer", styles=[""],
                       title=title or "gradient size per layer", notes=notes)


def _layer_labels(n_layers: int) -> list[str]:
    names = ["input"] + (["hidden"] if n_layers == 2 else
                         [f"hidden {i}" for i in range(1, n_layers)]) + ["output"]
    return [f"layer {i + 1} ({names[i]}->{names[i + 1]})" for i in range(n_layers)]


# ---------------------------------------------------------------------------------------------
# Many seeds: bands, sweep maps, epochs to converge
# ---------------------------------------------------------------------------------------------


def _row_quantiles(values: np.ndarray, qs: Sequence[float]):
    """Linear-interpolated quantiles of every row, ignoring NaN; also the count per row."""
    ordered = np.sort(values, axis=1)  # NaN sorts last
    count = np.sum(~np.isnan(values), axis=1)
    out = []
    for q in qs:
        pos = q * (count - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, count - 1)
        vlo = np.take_along_axis(ordered, lo[:, None], 1)[:, 0]
        vhi = np.take_along_axis(ordered, hi[:, None], 1)[:, 0]
        out.append(vlo + (vhi - vlo) * (pos - lo))
    return out, count


class Bands(NamedTuple):
    """Quantiles of many runs' curves at sampled epochs (NaN-free), and notes on what was
    left out."""

    epochs: np.ndarray
    q10: np.ndarray
    q25: np.ndarray
    median: np.ndarray
    q75: np.ndarray
    q90: np.ndarray
    count: np.ndarray  # runs counted at each epoch
    runs: int
    notes: list


def band_quantiles(curves, *, log: bool = True, max_points: int = MAX_POINTS) -> Bands:
    """The numbers behind ``band_chart`` (and the live view's band): ``curves`` is an
    (epochs, K) array, one column per run; at every epoch, runs whose value is missing or
    non-finite (or not > 0 on a log scale) are left out of the statistics."""
    c = np.array(curves, dtype=float)
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2:
        raise ValueError(f"curves must be an (epochs, runs) array; got shape {c.shape}")
    n_epochs, k = c.shape
    bad_runs = int(np.sum(~np.isfinite(c).all(axis=0))) if c.size else 0
    c[~np.isfinite(c)] = np.nan
    if log:
        with np.errstate(invalid="ignore"):
            c[c <= 0] = np.nan
    epochs = sample_indices(n_epochs, max_points)
    sub = c[epochs]
    have = ~np.isnan(sub).all(axis=1)
    epochs, sub = epochs[have], sub[have]
    quantiles, count = _row_quantiles(sub, (0.1, 0.25, 0.5, 0.75, 0.9))
    notes = []
    if bad_runs:
        notes.append(f"{bad_runs} of {k} runs have missing or non-finite values "
                     "(left out where they are)")
    if not len(epochs):
        notes.append("no finite values to show")
    return Bands(epochs, *quantiles, count, k, notes)


@_built_fast
def band_chart(curves, *, log: bool = True, title: str | None = None,
               metric: str = "loss") -> alt.LayerChart:
    """Median of many runs' curves with the 25-75 % band (dark) and 10-90 % band (light).

    ``curves`` is an (epochs, K) array, one column per run. At every epoch, runs whose value
    is missing or non-finite (stopped, diverged) are left out of the statistics.
    """
    bands = band_quantiles(curves, log=log)
    k = bands.runs
    cols = [_rlist(a) for a in (bands.q10, bands.q25, bands.median, bands.q75, bands.q90)]
    rows = [dict(epoch=e, q10=a, q25=b, median=m, q75=d, q90=f, n=n)
            for e, a, b, m, d, f, n in zip(bands.epochs.tolist(), *cols, bands.count.tolist())]
    notes = list(bands.notes)
    base = alt.Chart()
    scale = alt.Scale(type="log") if log else alt.Undefined
    x = alt.X("epoch:Q", axis=_axis("epoch"))
    y_title = f"{metric}" + (" (log scale)" if log else "")
    outer = base.mark_area(color=BLUE, opacity=0.18).encode(
        alt.Y("q10:Q", axis=_axis(y_title), scale=scale), alt.Y2("q90:Q"))
    inner = base.mark_area(color=BLUE, opacity=0.35).encode(
        alt.Y("q25:Q", scale=scale), alt.Y2("q75:Q"))
    line = base.mark_line(color=BLUE, strokeWidth=2).encode(alt.Y("median:Q", scale=scale))
    hover = _hover("epoch")
    tooltip = [alt.Tooltip("epoch:Q")] + [
        alt.Tooltip(f"{f}:Q", title=t, format=".4g") for f, t in
        (("median", "median"), ("q25", "25 %"), ("q75", "75 %"), ("q10", "10 %"), ("q90", "90 %"))
    ] + [alt.Tooltip("n:Q", title="runs counted")]
    rule = base.mark_rule(color=GREY).encode(
        _shown_on_hover(hover, 0.7), tooltip=tooltip).add_params(hover)
    default = f"{metric} of {k} runs: median, 25-75 % (dark) and 10-90 % (light)"
    return alt.LayerChart(layer=[outer, inner, line, rule], data=_data(rows),
                          encoding=alt.SharedEncoding(x=x), width=WIDTH, height=HEIGHT,
                          title=_title(title or default, notes))


def _labels(values) -> list[str]:
    labels = [f"{v:g}" if isinstance(v, (int, float, np.number)) else str(v) for v in values]
    if len(set(labels)) < len(labels):
        labels = [f"{v:.12g}" if isinstance(v, (int, float, np.number)) else f"{v} ({i})"
                  for i, v in enumerate(values)]
    return labels


@_built_fast
def convergence_map(row_values, col_values, cells, *, row_title: str = "learning rate",
                    col_title: str = "init range", value_title: str = "converged",
                    fmt: str = ".0%", title: str | None = None,
                    scheme: str = "blues") -> alt.LayerChart:
    """A heat map of a (rows, cols) array, e.g. the fraction of runs that converged for each
    learning rate x init range. NaN cells (not computed yet) are drawn grey, with no number.
    """
    cells = np.asarray(cells, dtype=float)
    rlab, clab = _labels(row_values), _labels(col_values)
    if cells.shape != (len(rlab), len(clab)):
        raise ValueError(f"cells must have shape (rows, cols) = ({len(rlab)}, {len(clab)}); "
                         f"got {cells.shape}")
    finite = np.isfinite(cells)
    if fmt.endswith("%"):
        domain = [0, 1]
    elif finite.any():
        low, high = float(cells[finite].min()), float(cells[finite].max())
        domain = [_r(low), _r(high if high > low else low + 1)]
    else:
        domain = [0, 1]
    middle = (domain[0] + domain[1]) / 2
    done, pending = [], []
    for i, j in np.ndindex(cells.shape):
        if finite[i, j]:
            v = _r(cells[i, j])
            done.append({"row": rlab[i], "col": clab[j], "value": v,
                         "text": format(v, fmt), "light": v > middle})
        else:
            pending.append({"row": rlab[i], "col": clab[j], "status": "not computed yet"})
    small = cells.size <= TEXT_CELLS_MAX
    x = alt.X("col:O", sort=clab, axis=_axis(col_title, labelAngle=0 if len(clab) <= 12 else -45))
    y = alt.Y("row:O", sort=rlab[::-1], axis=_axis(row_title))
    filled = alt.Chart().transform_filter("isValid(datum.value)")
    heat = filled.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme=scheme, domain=domain),
                        legend=_legend(value_title, format=fmt)),
        tooltip=[alt.Tooltip("row:N", title=row_title), alt.Tooltip("col:N", title=col_title),
                 alt.Tooltip("value:Q", title=value_title, format=fmt)])
    empty = alt.Chart().transform_filter("!isValid(datum.value)").mark_rect(
        color=EMPTY, stroke="white", strokeWidth=1).encode(
        tooltip=[alt.Tooltip("row:N", title=row_title), alt.Tooltip("col:N", title=col_title),
                       alt.Tooltip("status:N", title=value_title)])
    layers = [empty, heat]
    if small:
        layers.append(filled.mark_text(fontSize=11).encode(
            alt.Text("text:N"),
            alt.ColorValue(DARK, condition={"test": "datum.light", "value": "white"})))
    notes = [f"{len(pending)} of {cells.size} cells not computed yet (grey)"] if pending else []
    cell = 44 if small else 22
    return alt.LayerChart(
        layer=layers, data=_data(pending + done), encoding=alt.SharedEncoding(x=x, y=y),
        width=min(cell * len(clab), 560), height=min(cell * len(rlab), 480),
        title=_title(title or f"{value_title} by {row_title} and {col_title}", notes))


def epochs_bins(epochs_to_converge, *, max_epochs: int | None = None, bins: int = 30):
    """(edges, counts, summary) of ``epochs_histogram``: bars of whole epochs; -1 (or NaN)
    means never converged, counted in the summary only."""
    e = np.asarray(epochs_to_converge, dtype=float).ravel()
    ok = np.isfinite(e) & (e >= 0)
    done, never = e[ok], int(np.sum(~ok))
    top = max(float(max_epochs or 1), float(done.max()) + 1 if len(done) else 1.0)
    width = max(1, int(np.ceil(top / bins)))  # whole epochs per bar
    edges = np.arange(0, top + width, width, dtype=float)
    counts, edges = np.histogram(done, bins=edges)
    return edges, counts, f"{len(done)} of {len(e)} runs converged; {never} never did"


@_built_fast
def epochs_histogram(epochs_to_converge, *, max_epochs: int | None = None,
                     bins: int = 30, title: str | None = None) -> alt.Chart:
    """Histogram of the epoch at which each run converged; -1 (or NaN) means never.

    The subtitle says how many runs converged and how many never did.
    """
    edges, counts, summary = epochs_bins(epochs_to_converge, max_epochs=max_epochs, bins=bins)
    width = int(edges[1] - edges[0])
    rows = [{"start": int(a), "end": int(b), "count": int(n),
             "epochs": f"{int(a)}" if width == 1 else f"{int(a)}-{int(b) - 1}"}
            for a, b, n in zip(edges[:-1], edges[1:], counts.tolist()) if n]
    return alt.Chart(_data(rows), width=WIDTH, height=HEIGHT,
                     title=_title(title or "epochs to converge", [summary], GREY)).mark_bar(
        color=BLUE, stroke="white", strokeWidth=0.5).encode(
        alt.X("start:Q", axis=_axis("epochs to converge"),
              scale=alt.Scale(domain=[0, int(edges[-1])], nice=False)),
        alt.X2("end:Q"),
        alt.Y("count:Q", axis=_axis("runs", tickMinStep=1)),
        alt.Y2Datum(0),  # bars rise from zero (x and x2 alone would make them horizontal)
        tooltip=[alt.Tooltip("epochs:N"), alt.Tooltip("count:Q", title="runs")])


# ---------------------------------------------------------------------------------------------
# The input plane: decision boundary and neuron maps (PNG heat maps)
# ---------------------------------------------------------------------------------------------


def png_data_url(rgb: np.ndarray) -> str:
    """A (height, width, 3) uint8 image as a PNG data URL (NumPy + zlib, no PIL)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape
    raw = np.empty((h, w * 3 + 1), dtype=np.uint8)
    raw[:, 0] = 0  # filter type "none" on every row
    raw[:, 1:] = rgb.reshape(h, w * 3)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _check_extent(extent):
    try:
        x0, x1, y0, y1 = (float(v) for v in extent)
    except (TypeError, ValueError):
        raise ValueError(f"extent must be (x_min, x_max, y_min, y_max); got {extent!r}")
    if not (np.isfinite([x0, x1, y0, y1]).all() and x1 > x0 and y1 > y0):
        raise ValueError(f"extent must be finite with x_min < x_max and y_min < y_max; "
                         f"got {extent!r}")
    return x0, x1, y0, y1


def _extent_of(*arrays, pad: float = 0.15):
    pts = np.concatenate([np.asarray(a, dtype=float).reshape(-1, 2)
                          for a in arrays if a is not None])
    low, high = pts.min(axis=0), pts.max(axis=0)
    margin = np.maximum(pad * (high - low), 0.1)
    return (low[0] - margin[0], high[0] + margin[0], low[1] - margin[1], high[1] + margin[1])


def _grid_points(extent, resolution):
    if (isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer))
            or resolution < 2):
        raise ValueError(f"resolution must be a whole number >= 2; got {resolution!r}")
    x0, x1, y0, y1 = _check_extent(extent)
    cells = (np.arange(resolution) + 0.5) / resolution  # cell centres: the image fills extent
    xs, ys = x0 + cells * (x1 - x0), y0 + cells * (y1 - y0)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def _check_plane_net(network: Network, params):
    if network.n_inputs != 2:
        raise ValueError(f"the input plane needs a network with 2 inputs; this one takes "
                         f"{network.n_inputs}")
    return network.check_params(params)


def boundary_grid(network: Network, params, extent, resolution: int = 100):
    """The network's output on a resolution x resolution grid of cell centres over ``extent``.

    Returns ``(xs, ys, probs)``: ``probs[j, i]`` is the output at ``(xs[i], ys[j])`` -
    P(class 1) for one sigmoid output (or for a two-unit softmax), else all k outputs,
    shape (resolution, resolution, k).
    """
    params = _check_plane_net(network, params)
    xs, ys, pts = _grid_points(extent, resolution)
    out = forward(network, params, pts)
    n = len(xs)
    if out.shape[1] == 1:
        return xs, ys, out[:, 0].reshape(n, n)
    if out.shape[1] == 2 and network.output == "softmax":
        return xs, ys, out[:, 1].reshape(n, n)
    return xs, ys, out.reshape(n, n, out.shape[1])


def _shade_two(t: np.ndarray, strength: float | None) -> np.ndarray:
    """P(class 1) -> RGB: blue at 0, white at 0.5, orange at 1 (fixed strength if given)."""
    t = np.clip(t, 0.0, 1.0)
    weight = np.abs(t - 0.5) * (2 * SHADE) if strength is None else np.full(t.shape, strength)
    target = np.where((t > 0.5)[..., None], PALETTE_RGB[1], PALETTE_RGB[0])
    return 255.0 + (target - 255.0) * weight[..., None]


def _shade_classes(p: np.ndarray, strength: float | None) -> np.ndarray:
    """k outputs -> RGB of the winning class, paler where the win is narrow."""
    k = p.shape[-1]
    winner = p.argmax(axis=-1)
    confidence = np.clip((p.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    weight = confidence * SHADE if strength is None else np.full(winner.shape, strength)
    target = PALETTE_RGB[winner % len(PALETTE)]
    return 255.0 + (target - 255.0) * weight[..., None]


def _contour_segments(f: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Marching squares: segments (m, 4) = (xa, ya, xb, yb) of the level f = 0.

    ``f[j, i]`` is sampled at ``(xs[i], ys[j])``. Cells are split by sign (f > 0); saddle
    cells are resolved by the sign of the cell's mean.
    """
    a, b, c, d = f[:-1, :-1], f[:-1, 1:], f[1:, 1:], f[1:, :-1]  # corners: bl, br, tr, tl
    pa, pb, pc, pd = a > 0, b > 0, c > 0, d > 0
    hits = np.stack([pa != pb, pb != pc, pd != pc, pa != pd])  # bottom, right, top, left
    count = hits.sum(axis=0)
    if not count.any():
        return np.empty((0, 4))
    x0, x1 = xs[:-1][None, :], xs[1:][None, :]
    y0, y1 = ys[:-1][:, None], ys[1:][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        tb, tr, tt, tl = a / (a - b), b / (b - c), d / (d - c), a / (a - d)
    shape = a.shape
    ex = np.stack([x0 + tb * (x1 - x0), np.broadcast_to(x1, shape),
                   x0 + tt * (x1 - x0), np.broadcast_to(x0, shape)])
    ey = np.stack([np.broadcast_to(y0, shape), y0 + tr * (y1 - y0),
                   np.broadcast_to(y1, shape), y0 + tl * (y1 - y0)])
    pieces = []
    two = np.nonzero(count == 2)
    if len(two[0]):
        h = hits[:, two[0], two[1]]
        first = np.argmax(h, axis=0)
        second = 3 - np.argmax(h[::-1], axis=0)
        pieces.append(_pairs(ex, ey, two, first, second))
    four = np.nonzero(count == 4)
    if len(four[0]):
        centre = (a + b + c + d)[four] > 0
        same = centre == pa[four]
        # centre like corner a: cut off corners b and d; otherwise cut off a and c.
        e1 = np.where(same, 0, 0), np.where(same, 1, 3)
        e2 = np.where(same, 2, 1), np.where(same, 3, 2)
        pieces.append(_pairs(ex, ey, four, *e1))
        pieces.append(_pairs(ex, ey, four, *e2))
    return np.concatenate(pieces)


def _pairs(ex, ey, cells, first, second):
    j, i = cells
    return np.column_stack([ex[first, j, i], ey[first, j, i], ex[second, j, i], ey[second, j, i]])


def _label_ids(labels, name) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim == 2:
        return predicted_labels(labels)
    if labels.ndim != 1:
        raise ValueError(f"{name} must be class ids (n,) or targets (n, k); "
                         f"got shape {labels.shape}")
    return labels.astype(np.int64)


def _point_rows(network, params, X, labels, split, name):
    X = network.check_inputs(X, name)
    ids = _label_ids(labels, f"labels{'_test' if split == 'test' else ''}")
    if len(ids) != len(X):
        raise ValueError(f"{name} has {len(X)} rows but its labels have {len(ids)}")
    out = forward(network, params, X)
    score = out[:, 0] if out.shape[1] == 1 else out[:, 1] if out.shape[1] == 2 else out.max(axis=1)
    return [{"x": a, "y": b, "class": f"class {c}", "set": split, "output": p}
            for a, b, c, p in zip(_rlist(X[:, 0]), _rlist(X[:, 1]), ids.tolist(), _rlist(score))]


class BoundaryPicture(NamedTuple):
    """The pixels and the line of a decision-boundary picture, ready to draw anywhere."""

    rgb: np.ndarray  # (rows, columns, 3) uint8, rows top to bottom, filling ``extent``
    segments: list  # [(xa, ya, xb, yb)] of the boundary line, rounded
    two: bool  # one probability (two classes) rather than k outputs
    k: int  # number of classes the outputs tell apart

    @property
    def url(self) -> str:
        """The pixels as a PNG data URL."""
        return png_data_url(self.rgb)


def boundary_picture(network: Network, params, extent, resolution: int = 100, *,
                     discretize: bool = False, contour: bool = True) -> BoundaryPicture:
    """The shaded image and the boundary line of ``boundary_chart`` (and the live view).

    Two classes: shading is P(class 1), blue at 0, white at 0.5, orange at 1. More classes:
    the colour of the winning class, paler where it wins narrowly. ``discretize`` shows only
    the predicted class. The line is where the output crosses 0.5 (or, for several classes,
    where the winning class changes).
    """
    xs, ys, probs = boundary_grid(network, params, extent, resolution)
    strength = SHADE_DISCRETE if discretize else None
    two = probs.ndim == 2
    if two:
        shade = np.where(probs > 0.5, 1.0, 0.0) if discretize else probs
        rgb = _shade_two(shade, strength)
    else:
        rgb = _shade_classes(probs, strength)
    rgb = np.round(rgb[::-1]).astype(np.uint8)  # image rows run top to bottom
    k = 2 if two else probs.shape[-1]
    segments = []
    if contour:
        if two:
            lines = _contour_segments(probs - 0.5, xs, ys)
        else:  # class c's edge: where p_c crosses the best other class (c = k-1 is implied)
            top2 = np.sort(probs, axis=-1)[..., -2:]
            lines = np.concatenate([
                _contour_segments(probs[..., c] - np.where(probs[..., c] == top2[..., 1],
                                                           top2[..., 0], top2[..., 1]), xs, ys)
                for c in range(k - 1)])
        segments = list(zip(*(_rlist(lines[:, i]) for i in range(4))))
    return BoundaryPicture(rgb, segments, two, k)


@_built_fast
def boundary_chart(network: Network, params, X, labels, *, X_test=None, labels_test=None,
                   extent=None, resolution: int = 100, discretize: bool = False,
                   contour: bool = True, title: str | None = None) -> alt.LayerChart:
    """The decision boundary over the input plane, with training (filled) and test (hollow)
    points on top.

    Two classes: shading is P(class 1), blue at 0, white at 0.5, orange at 1. More classes:
    the colour of the winning class, paler where it wins narrowly. ``discretize`` shows
    only the predicted class. The dark line is where the output crosses 0.5 (or, for
    several classes, where the winning class changes).
    """
    params = _check_plane_net(network, params)
    if extent is None:
        extent = _extent_of(X, X_test)
    x0, x1, y0, y1 = _check_extent(extent)
    picture = boundary_picture(network, params, extent, resolution, discretize=discretize,
                               contour=contour)
    two, k = picture.two, picture.k
    # x and y are declared once for all layers: each repeated channel costs validation time.
    shared = alt.SharedEncoding(
        x=alt.X("x:Q", scale=alt.Scale(domain=[_r(x0), _r(x1)], nice=False, zero=False),
                axis=_axis("x1")),
        y=alt.Y("y:Q", scale=alt.Scale(domain=[_r(y0), _r(y1)], nice=False, zero=False),
                axis=_axis("x2")))
    image = alt.Chart(_data([{"url": picture.url, "x": _r(x0), "y": _r(y0)}])).mark_image(
        width=BOUNDARY_SIZE, height=BOUNDARY_SIZE, aspect=False, align="left",
        baseline="bottom", smooth=not discretize).encode(alt.Url("url:N"))
    layers, rows = [image], []
    if contour:
        rows += [{"x": a, "y": b, "x2": c, "y2": d} for a, b, c, d in picture.segments]
        layers.append(alt.Chart().transform_filter("isValid(datum.x2)")
                      .mark_rule(color=DARK, strokeWidth=1.5, clip=True)
                      .encode(alt.X2("x2:Q"), alt.Y2("y2:Q")))
    n_segments = len(rows)
    has_test = X_test is not None and len(X_test) > 0
    if has_test and labels_test is None:
        raise ValueError("labels_test: give the test points' labels with X_test")
    rows += _point_rows(network, params, X, labels, "train", "X")
    if has_test:
        rows += _point_rows(network, params, X_test, labels_test, "test", "X_test")
    sets = ["train", "test"] if has_test else ["train"]
    k = max([k] + [1 + int(r["class"][len("class "):]) for r in rows[n_segments:]])
    classes = [f"class {c}" for c in range(k)]
    colours = alt.Scale(domain=classes, range=list(PALETTE[:k]))
    # Training and test points share one layer: test points are hollow (fill opacity 0,
    # stroke in the class colour), training points filled with a dark rim.
    layers.append(alt.Chart().transform_filter("isValid(datum.set)").mark_point(
        filled=True, size=POINT_SIZE_FEW if len(rows) - n_segments <= 20 else POINT_SIZE,
        opacity=1, strokeWidth=1.2, clip=True).encode(
        alt.Color("class:N", scale=colours, legend=_legend("class")),
        alt.Stroke("class:N", scale=colours, legend=None,
                   condition={"test": "datum.set == 'train'", "value": DARK}),
        alt.FillOpacityValue(1, condition={"test": "datum.set == 'test'", "value": 0}),
        # (a "points" legend only when there are two kinds of point to tell apart)
        alt.Shape("set:N", scale=alt.Scale(domain=sets, range=["circle", "square"][:len(sets)]),
                  legend=_legend("points", symbolStrokeColor=DARK) if has_test else None),
        tooltip=[alt.Tooltip("x:Q", title="x1"), alt.Tooltip("y:Q", title="x2"),
                 alt.Tooltip("class:N", title="label"), alt.Tooltip("set:N", title="point"),
                 alt.Tooltip("output:Q", title="P(class 1)" if two else "top output",
                             format=".3f")]))
    if two:
        explain = ("shading: the predicted class" if discretize else
                   "shading: P(class 1), blue 0 - white 0.5 - orange 1")
    else:
        explain = "shading: winning class" + ("" if discretize else ", paler where unsure")
    if contour:
        explain += "; line: the boundary"
    return alt.LayerChart(layer=layers, data=_data(rows), encoding=shared, width=BOUNDARY_SIZE,
                          height=BOUNDARY_SIZE,
                          title=_title(title or "decision boundary", [explain], GREY))


def _activation_colours(values: np.ndarray, name: str) -> np.ndarray:
    """Neuron activations -> RGB, white at the activation's middle value."""
    if name in ("sigmoid", "softmax"):
        t = values
    elif name == "tanh":
        t = (values + 1) / 2
    else:  # unbounded: scale by the largest magnitude on the grid
        top = float(np.max(np.abs(values))) or 1.0
        t = 0.5 + values / (2 * top)
    return _shade_two(t, None)


def _neuron_grids(network: Network, params, extent, resolution: int) -> list[np.ndarray]:
    """Per hidden and output layer, each neuron's activation on the grid: (units, n, n)."""
    xs, _, pts = _grid_points(extent, resolution)
    trace = forward_trace(network, params, pts)
    n = len(xs)
    return [acts.T.reshape(-1, n, n) for acts in trace.activations[1:]]


def _neuron_rgb(grid: np.ndarray, activation: str) -> np.ndarray:
    return np.round(_activation_colours(grid, activation)[::-1]).astype(np.uint8)


def _neuron_image(grid: np.ndarray, activation: str) -> str:
    return png_data_url(_neuron_rgb(grid, activation))


def neuron_images(network: Network, params, *, extent, resolution: int = 24) -> list[list]:
    """Per hidden and output layer, each neuron's activation map over ``extent`` as an RGB
    image, (rows, columns, 3) uint8 with rows top to bottom (the tiles of ``neuron_maps``,
    for drawing anywhere)."""
    params = _check_plane_net(network, params)
    return [[_neuron_rgb(grid, act.name) for grid in maps] for maps, act in
            zip(_neuron_grids(network, params, extent, resolution), network.activations)]


@_built_fast
def neuron_maps(network: Network, params, *, extent, resolution: int = 40,
                size: int = 90) -> alt.FacetChart:
    """One tiny heat map per hidden and output neuron: its activation over the input plane.

    One row per layer, titled "layer l, neuron j". Orange is high, blue is low, white the
    activation's middle (0.5 for sigmoid, 0 for tanh; ReLU-like maps are scaled to their
    own largest value).
    """
    params = _check_plane_net(network, params)
    x0, x1, y0, y1 = _check_extent(extent)
    per_row = max(network.sizes[1:])
    rows, order = [], []
    for layer, (maps, act) in enumerate(zip(_neuron_grids(network, params, extent, resolution),
                                            network.activations), start=1):
        for j in range(per_row):
            if j < len(maps):
                grid = maps[j]
                name = f"layer {layer}, neuron {j + 1}"
                rows.append({"cell": name, "x": _r(x0), "y": _r(y0), "low": _r(grid.min()),
                             "high": _r(grid.max()), "activation": act.name,
                             "url": _neuron_image(grid, act.name)})
            else:  # an empty cell, so that every layer starts a new row
                name = f"pad {layer} {j}"
                rows.append({"cell": name})
            order.append(name)
    # One faceted spec instead of one chart per neuron: validation cost stays flat.
    tile = alt.Chart().transform_filter("isValid(datum.url)").mark_image(
        width=size, height=size, aspect=False, align="left", baseline="bottom").encode(
        alt.X("x:Q", scale=alt.Scale(domain=[_r(x0), _r(x1)], nice=False, zero=False), axis=None),
        alt.Y("y:Q", scale=alt.Scale(domain=[_r(y0), _r(y1)], nice=False, zero=False), axis=None),
        alt.Url("url:N"),
        tooltip=[alt.Tooltip("cell:N", title="neuron"), alt.Tooltip("activation:N"),
                 alt.Tooltip("low:Q", title="lowest", format=".3f"),
                 alt.Tooltip("high:Q", title="highest", format=".3f")],
    ).properties(width=size, height=size)
    return alt.FacetChart(
        data=_data(rows), spec=tile, columns=per_row, spacing=8,
        facet=alt.Facet("cell:N", sort=order, header=alt.Header(
            title=None, labelFontSize=11,
            labelExpr="indexof(datum.value, 'pad') == 0 ? '' : datum.value")),
        title=_title("each neuron's activation over the input plane"))


# ---------------------------------------------------------------------------------------------
# The network itself: diagram, activation functions, outputs table
# ---------------------------------------------------------------------------------------------


def neuron_names(sizes) -> list[list[str]]:
    hidden = sizes[1:-1]
    names = [[f"x{i + 1}" for i in range(sizes[0])]]
    for l, n in enumerate(hidden, start=1):
        names.append([f"h{j + 1}" if len(hidden) == 1 else f"h{l}_{j + 1}" for j in range(n)])
    k = sizes[-1]
    names.append(["y"] if k == 1 else [f"y{j + 1}" for j in range(k)])
    return names


@_built_fast
def network_chart(network: Network, params, *, x=None, title: str | None = None) -> alt.LayerChart:
    """The network diagram: neurons in columns, every weight a line (orange positive, blue
    negative, width |w|), every bias written under its neuron (the output's too).

    With ``x`` (one input row), each neuron shows its activation for that input.
    Hidden neurons are h1, h2, ... (h{layer}_{j} with several hidden layers); the output
    is y (y1, y2, ... with several).
    """
    params = network.check_params(params)
    sizes = network.sizes
    names = neuron_names(sizes)
    acts = zs = None
    if x is not None:
        trace = forward_trace(network, params, np.asarray(x, dtype=float).reshape(1, -1))
        acts = [a[0] for a in trace.activations]
        zs = [None] + [z[0] for z in trace.zs]
    tallest = max(sizes)
    width, height = max(150 * len(sizes), 300), max(78 * tallest, 200)
    top, bottom = tallest / 2 + 0.1, -(tallest / 2) - 0.15
    px = height / (top - bottom)  # pixels per unit of y: texts are placed in data units
    pos = [[(float(col), (n - 1) / 2 - j) for j in range(n)] for col, n in enumerate(sizes)]
    edges, texts, nodes = [], [], []

    def text(x_, y_, words, tone="plain", about=None):
        texts.append({"kind": "text", "x": _r(x_), "y": _r(y_), "text": words, "tone": tone,
                      "about": about or words})

    print_weights = sum(W.size for W, _ in params) <= WEIGHT_LABELS_MAX
    for l, (W, b) in enumerate(params):
        for i, j in np.ndindex(W.shape):
            (xa, ya), (xb, yb) = pos[l][i], pos[l + 1][j]
            w = _r(W[i, j])
            label = f"w from {names[l][i]} to {names[l + 1][j]} = {w:.3f}"
            edges.append({"kind": "edge", "x": xa, "y": ya, "x2": xb, "y2": yb, "w": w,
                          "abs_w": abs(w), "sign": "positive" if w >= 0 else "negative",
                          "layer": l + 1, "src": names[l][i], "dst": names[l + 1][j],
                          "label": label})
            if print_weights:  # small nets (the XOR lessons): every weight near its source
                text(xa + 0.28 * (xb - xa), ya + 0.28 * (yb - ya) + 7 / px, f"{w:.2f}",
                     about=label)
    for l, n in enumerate(sizes):
        role = "input" if l == 0 else "output" if l == len(sizes) - 1 else "hidden"
        text(float(l), top - 6 / px, role if role != "hidden" or len(sizes) == 3
             else f"hidden {l}", "soft", f"{role} layer")
        for j in range(n):
            xa, ya = pos[l][j]
            name = names[l][j]
            about = name
            node = {"kind": "node", "x": xa, "y": ya, "name": name, "role": role, "layer": l}
            if l:
                bias = _r(params[l - 1][1][j])
                node["b"] = bias
                about += f": b = {bias:.3f}"
            if acts is not None:
                a = _r(acts[l][j])
                node["a"] = a
                about += f", a = {a:.3f}" if l else f" = {a:.3f}"
                if l:
                    about += f" (z = {_r(zs[l][j]):.3f})"
            node["about"] = about
            nodes.append(node)
            if acts is None:
                text(xa, ya, name, about=about)
            else:  # the circle shows the activation, the name goes above it
                a = node["a"]
                text(xa, ya, f"{a:.3f}".rstrip("0").rstrip(".") if abs(a) < 1e4 else f"{a:.2g}",
                     about=about)
                text(xa, ya + 29 / px, name, "soft", about)
            if l:
                text(xa, ya - 30 / px, f"b = {node['b']:.3f}", about=about)
    wmax = max((e["abs_w"] for e in edges), default=1.0) or 1.0
    shared = alt.SharedEncoding(
        x=alt.X("x:Q", scale=alt.Scale(domain=[-0.45, len(sizes) - 0.55], nice=False, zero=False),
                axis=None),
        y=alt.Y("y:Q", scale=alt.Scale(domain=[bottom, top], nice=False, zero=False), axis=None))
    lines = alt.Chart().transform_filter("datum.kind == 'edge'").mark_rule(opacity=0.85).encode(
        alt.X2("x2:Q"), alt.Y2("y2:Q"),
        alt.Color("sign:N", scale=alt.Scale(domain=["negative", "positive"], range=[BLUE, ORANGE]),
                  legend=_legend("weight", orient="bottom")),
        alt.StrokeWidth("abs_w:Q", scale=alt.Scale(domain=[0, _r(wmax)], range=[0.4, 7]),
                        legend=None),
        tooltip=alt.Tooltip("label:N", title="weight"))
    circles = alt.Chart().transform_filter("datum.kind == 'node'").mark_circle(
        size=1300, opacity=1, fill="white", stroke=DARK, strokeWidth=1.5).encode(
        tooltip=alt.Tooltip("about:N", title="neuron"))
    words = alt.Chart().transform_filter("datum.kind == 'text'").mark_text(
        fontSize=11, baseline="middle").encode(
        alt.Text("text:N"),
        alt.Color("tone:N", scale=alt.Scale(domain=["plain", "soft"], range=[DARK, GREY]),
                  legend=None),
        tooltip=alt.Tooltip("about:N", title="about"))
    subtitle = ["orange: positive weight, blue: negative; width: |w|; b: bias"]
    if acts is not None:
        subtitle.append("numbers in the neurons: activations for x = "
                        + ", ".join(f"{v:g}" for v in _rlist(acts[0])))
    # Three layers over one data set: every extra layer costs milliseconds of validation.
    return alt.LayerChart(
        layer=[lines, circles, words], data=_data(edges + nodes + texts), encoding=shared,
        width=width, height=height, title=_title(title or "the network", subtitle, GREY),
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")))


@_built_fast
def activation_chart(names: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu"), *,
                     derivative: bool = True, zrange=(-5, 5), points: int = 201):
    """Activation functions f(z) and, side by side, their derivatives f'(z)."""
    if isinstance(names, str):
        names = (names,)
    acts = [get_activation(n) for n in names]
    for a in acts:
        if a.name == "softmax":
            raise ValueError("activation_chart: softmax is not element-wise; pick from "
                             "sigmoid, tanh, relu, leaky_relu, identity")
    low, high = (float(v) for v in zrange)
    if not (np.isfinite([low, high]).all() and high > low):
        raise ValueError(f"zrange must be (low, high) with low < high; got {zrange!r}")
    z = np.linspace(low, high, points)
    zl = _rlist(z)
    panels = ["f(z)"] + (["f'(z)"] if derivative else [])
    rows = []
    for i, a in enumerate(acts):
        curves = [a(z)] + ([a.derivative(z)] if derivative else [])
        for panel, values in zip(panels, curves):
            rows += [{"z": zi, "name": a.name, "panel": panel, "value": v}
                     for zi, v in zip(zl, _rlist(values))]
    labels = [a.name for a in acts]
    color = alt.Color("name:N", scale=alt.Scale(domain=labels, range=list(PALETTE[:len(labels)])),
                      legend=_legend("activation"))
    hover = _hover("z")
    x = alt.X("z:Q", axis=_axis("z"), scale=alt.Scale(domain=[low, high], nice=False))
    y = alt.Y("value:Q", axis=_axis("value"))
    base = alt.Chart()
    line = base.mark_line(strokeWidth=2).encode(x, y, color)
    dots = base.mark_point(filled=True, size=40).encode(x, y, color, _shown_on_hover(hover, 1))
    rule = (base.transform_pivot("name", value="value", groupby=["z"])
            .mark_rule(color=GREY).encode(
                alt.X("z:Q"), _shown_on_hover(hover, 0.7),
                tooltip=[alt.Tooltip("z:Q", format=".3f")]
                + [alt.Tooltip(f"{n}:Q", title=n, format=".4f") for n in labels])
            .add_params(hover))
    # One faceted spec rather than two concatenated layer charts: Altair copies nested
    # charts many times over (~5x slower to build).
    return alt.FacetChart(
        data=_data(rows), spec=alt.LayerChart(layer=[line, dots, rule], width=300, height=220),
        facet=alt.Facet("panel:N", sort=panels, header=alt.Header(
            title=None, labelFontSize=13, labelAnchor="start")),
        columns=2, resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
        title=_title("activation functions" if derivative else "activation functions f(z)"))


@_built_fast
def outputs_chart(X, outputs, Y, *, title: str | None = None) -> alt.LayerChart:
    """``outputs_table`` drawn as a small table: inputs, output, target and verdict."""
    columns, rows, notes = outputs_layout(X, outputs, Y)
    cells = [{"row": i, "column": col, "text": text, "tone": tone}
             for i, row in enumerate(rows) for col, (text, tone) in zip(columns, row)]
    chart = alt.Chart().mark_text(fontSize=13).encode(
        x=alt.X("column:N", sort=columns, axis=alt.Axis(orient="top", title=None, labelAngle=0,
                                                         labelFontSize=13, ticks=False,
                                                         domain=False, labelFontWeight="bold")),
        y=alt.Y("row:O", axis=None),
        text=alt.Text("text:N"),
        color=alt.Color("tone:N", scale=alt.Scale(domain=list(TONES),
                                                  range=list(TONES.values())), legend=None))
    return alt.layer(chart, data=_data(cells),
        width=max(72 * len(columns), 200), height=max(24 * len(rows), 24),
        title=_title(title or "outputs", notes, GREY))


@_built_fast
def error_vs_eps_chart(eps_values, curves: Mapping[str, np.ndarray], *,
                       title: str | None = None) -> alt.LayerChart:
    """A gradient check's relative error against the finite-difference step (log-log).

    ``curves`` maps a label (e.g. "nnlab's backpropagation", "bug") to one error per step.
    """
    eps = np.asarray(eps_values, dtype=float)
    rows, notes = [], []
    for label, errors in curves.items():
        errors = np.asarray(errors, dtype=float)
        if errors.shape != eps.shape:
            raise ValueError(f"curves[{label!r}] needs one error per step size ({len(eps)})")
        keep = np.isfinite(errors) & (errors > 0) & np.isfinite(eps) & (eps > 0)
        left_out = int((~keep).sum())
        if left_out:
            plural = "s" if left_out > 1 else ""
            notes.append(f"{label}: {left_out} step size{plural} without a finite error left out")
        rows += [{"eps": e, "error": v, "backward": label}
                 for e, v in zip(_rlist(eps[keep]), _rlist(errors[keep]))]
    labels = list(curves)
    log = alt.Scale(type="log")
    line = alt.Chart().mark_line(point=True, strokeWidth=2).encode(
        alt.X("eps:Q", scale=log, axis=_axis("step ε (log scale)", format=".0e")),
        alt.Y("error:Q", scale=log, axis=_axis("relative error (log scale)", format=".0e")),
        alt.Color("backward:N", scale=alt.Scale(domain=labels, range=list(PALETTE[:len(labels)])),
                  legend=_legend("backward pass", orient="bottom")),
        tooltip=[alt.Tooltip("backward:N"), alt.Tooltip("eps:Q", title="ε", format=".0e"),
                 alt.Tooltip("error:Q", title="relative error", format=".1e")],
    )
    return alt.LayerChart(layer=[line], data=_data(rows), width=WIDTH, height=HEIGHT,
                          title=_title(title or "gradient check error against the step size",
                                       notes))


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


@_built_fast
def side_by_side(*charts, spacing: int = 32) -> alt.HConcatChart:
    """Charts from this module in one row, as one Vega-Lite view.

    Cheaper to show than a page-layout row of separate charts: the browser embeds one view
    instead of several, and marimo sends the spec once as compact JSON rather than escaped
    into HTML (a third of the bytes). Scales, legends and hover selections stay per chart.
    """
    if not charts:
        raise ValueError("side_by_side: charts must name at least one chart")
    return alt.hconcat(*charts, spacing=spacing)
