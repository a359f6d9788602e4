"""Tables for the lessons: the network's answers case by case as HTML, and rows of numbers
as Markdown.

A table is text, so it reaches the page as HTML rather than as a chart: the browser lays it
out in well under a millisecond, where a chart view costs it 20-40 ms to compile and paint
on every slider move, and the learner can select and copy the numbers (and a screen reader
can read them). ``plots.outputs_chart`` draws the same rows as a chart, for pages that want
one picture. No chart library is imported here.

    html = outputs_html(X, outputs, Y, title="outputs after training")
    mo.Html(html)                     # in a marimo cell; any HTML viewer works the same
"""

from __future__ import annotations

from html import escape

import numpy as np

from ..network import predicted_labels
from .theme import DARK, GREY, WARNING

TABLE_ROWS_MAX = 64  # an outputs table shows at most this many rows
# Blue and orange mean class 0 and class 1 in every picture, so they never also mean right
# and wrong: a wrong answer is bold and in the warning colour, a right one plain.
TONES = {"plain": DARK, "correct": DARK, "wrong": WARNING}
_CELL = "padding:2px 10px;text-align:right;font-variant-numeric:tabular-nums"


def _short(value) -> float:
    """An input or target as it is shown: 5 significant digits."""
    return float(f"{value:.5g}")


def _round_output(value) -> float:
    """3 decimals, but never a misleading 0.5, 0 or 1: 0.49996 stays 0.49996 (it is on the
    0 side), and a sigmoid's 0.99995 is not shown as 1 (a sigmoid never reaches it)."""
    value = float(value)
    short = round(value, 3)
    if short in (0.0, 0.5, 1.0) and value != short:
        for digits in range(4, 16):
            finer = round(value, digits)
            if finer != short:
                return finer
    return short


def outputs_table(X, outputs, Y) -> list[dict]:
    """One row per sample: input, output (rounded), target and verdict (correct/wrong).

    One output: correct when output and target fall on the same side of 0.5.
    Several outputs: correct when the largest output is the target's class.
    A non-finite output (a diverged network) is never correct.
    """
    X = np.asarray(X, dtype=float)
    X = X.reshape(len(X), -1)
    out = np.asarray(outputs, dtype=float)
    out = out.reshape(len(out), -1)
    Y = np.asarray(Y, dtype=float)
    Y = Y.reshape(len(Y), -1)
    if not (len(X) == len(out) == len(Y)):
        raise ValueError(f"X, outputs and Y need the same number of rows; got "
                         f"{len(X)}, {len(out)}, {len(Y)}")
    if out.shape[1] != Y.shape[1]:
        raise ValueError(f"outputs have {out.shape[1]} columns but Y has {Y.shape[1]}")
    right = (predicted_labels(out) == predicted_labels(Y)) & np.isfinite(out).all(axis=1)
    one = out.shape[1] == 1
    rows = []
    for x, o, y, ok in zip(X, out, Y, right):
        rows.append({
            "input": [_short(v) for v in x],
            "output": _round_output(o[0]) if one else [_round_output(v) for v in o],
            "target": _short(y[0]) if one else [_short(v) for v in y],
            "verdict": "correct" if ok else "wrong",
        })
    return rows


def outputs_layout(X, outputs, Y) -> tuple[list[str], list[list[tuple[str, str]]], list[str]]:
    """``outputs_table`` as text, for drawing: column names, rows of (text, tone) cells, and
    notes ("3 of 4 correct", rows left out). The tone is "correct" or "wrong" in the output
    and verdict columns, "plain" elsewhere. Shared by ``outputs_chart`` and
    ``tables.outputs_html``, so the chart and the HTML table always say the same."""
    table = outputs_table(X, outputs, Y)
    shown = table[:TABLE_ROWS_MAX]
    d = len(shown[0]["input"]) if shown else 0
    columns = [f"x{i + 1}" for i in range(d)] + ["output", "target", "verdict"]

    def show(v, text=lambda u: f"{u:g}"):
        return ", ".join(text(u) for u in v) if isinstance(v, list) else text(v)

    def output(u):  # already rounded by _round_output; :g would turn 0.99999998 into 1
        return repr(u + 0.0)

    rows = []
    for row in shown:
        texts = [f"{v:g}" for v in row["input"]] + [show(row["output"], output), show(row["target"]),
                                                    row["verdict"]]
        rows.append([(text, row["verdict"] if col in ("verdict", "output") else "plain")
                     for col, text in zip(columns, texts)])
    wrong = sum(r["verdict"] == "wrong" for r in table)
    notes = [f"{len(table) - wrong} of {len(table)} correct"]
    if len(table) > len(shown):
        notes.append(f"first {len(shown)} of {len(table)} rows shown")
    return columns, rows, notes


def outputs_html(X, outputs, Y, *, title: str | None = None) -> str:
    """``plots.outputs_table`` as an HTML table: inputs, output, target and verdict, the
    output and verdict of a wrong row bold in the warning colour (blue and orange are the
    class colours), with the title and "n of m correct" above it."""
    columns, rows, notes = outputs_layout(X, outputs, Y)
    head = "".join(f'<th style="{_CELL}">{escape(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td style="{_CELL};color:{TONES[tone]}'
            f'{";font-weight:600" if tone == "wrong" else ""}">{escape(text)}</td>'
            for text, tone in row) + "</tr>"
        for row in rows)
    caption = (f'<caption style="caption-side:top;text-align:left;padding-bottom:4px">'
               f'<b>{escape(title or "outputs")}</b><br>'
               f'<span style="color:{GREY}">{escape(", ".join(notes))}</span></caption>')
    return (f'<table class="nnlab-outputs" style="border-collapse:collapse;margin:0">'
            f"{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def markdown_table(rows: list[dict], digits: int | None = None) -> str:
    """Rows of equal keys as a Markdown table, number columns right-aligned.

    Floats get ``digits`` decimals (never "-0.0000"), or their shortest form (``:g``) when
    ``digits`` is None; None shows as a dash.
    """
    if not rows:
        return "_nothing to show_"
    keys = list(rows[0])
    numeric = [all(isinstance(r[k], (int, float)) for r in rows) for k in keys]

    def cell(v) -> str:
        if v is None:
            return "-"
        if not isinstance(v, float):
            return str(v)
        if digits is None:
            return f"{v:g}"
        text = f"{v:.{digits}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text

    lines = ["| " + " | ".join(keys) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(cell(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)
