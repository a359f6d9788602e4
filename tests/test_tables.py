"""HTML tables: the network's answers as text, saying what the outputs chart says."""

import pathlib
import re
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

from nnlab.view import plots, tables, theme
from xor_reference import TABLE_OUTPUTS, X, Y


class Cells(HTMLParser):
    """The text and style of every <th>/<td>, and the caption's text; fails on unbalanced tags."""

    def __init__(self, html):
        super().__init__()
        self.open, self.cells, self.caption, self._in = [], [], "", None
        self.feed(html)
        self.close()
        assert self.open == [], f"unclosed tags: {self.open}"

    def handle_starttag(self, tag, attrs):
        if tag != "br":
            self.open.append(tag)
        if tag in ("td", "th"):
            self.cells.append([tag, dict(attrs).get("style", ""), ""])
        self._in = tag if tag in ("td", "th", "caption") else self._in

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (self.open, tag)
        self.open.pop()
        if tag in ("td", "th", "caption"):
            self._in = None

    def handle_data(self, data):
        if self._in in ("td", "th"):
            self.cells[-1][2] += data
        elif "caption" in self.open:
            self.caption += data + " "


def xor_outputs():
    """The outputs of the fixed-start XOR run after training (its printed table)."""
    return np.array(TABLE_OUTPUTS)


def test_outputs_html_lists_each_case_with_its_verdict_in_colour():
    page = Cells(tables.outputs_html(X, xor_outputs(), Y, title="outputs after training"))
    head = [text for tag, _, text in page.cells if tag == "th"]
    rows = [page.cells[i:i + 5] for i in range(5, len(page.cells), 5)]
    assert head == ["x1", "x2", "output", "target", "verdict"]
    assert [float(r[2][2]) for r in rows] == TABLE_OUTPUTS
    assert [r[:2] for r in ([c[2] for c in row] for row in rows)] == [
        ["0", "0"], ["0", "1"], ["1", "0"], ["1", "1"]]
    # Blue and orange are the class colours: right and wrong never borrow them.
    assert all(r[4][2] == "correct" and theme.BLUE not in r[4][1] + r[2][1]
               and theme.ORANGE not in r[4][1] + r[2][1] for r in rows)
    assert "outputs after training" in page.caption and "4 of 4 correct" in page.caption


def test_outputs_html_marks_wrong_answers_and_escapes_the_title():
    wrong = tables.outputs_html(X, xor_outputs(), 1 - Y, title="<b>start</b> & more")
    page = Cells(wrong)
    verdicts = [c for c in page.cells if c[2] in ("correct", "wrong")]
    assert [c[2] for c in verdicts] == ["wrong"] * 4
    assert all(theme.WARNING in c[1] and "font-weight:600" in c[1]
               and theme.ORANGE not in c[1] for c in verdicts)
    assert "0 of 4 correct" in page.caption
    assert "<b>start</b>" not in wrong and "&lt;b&gt;start&lt;/b&gt; &amp; more" in wrong


def test_outputs_html_and_outputs_chart_show_the_same_text():
    outputs = xor_outputs()
    spec = plots.outputs_chart(X, outputs, Y).to_dict()
    chart_texts = [r["text"] for r in next(iter(spec["datasets"].values()))]
    html_texts = [c[2] for c in Cells(tables.outputs_html(X, outputs, Y)).cells if c[0] == "td"]
    assert html_texts == chart_texts


def test_outputs_html_caps_long_tables_and_handles_several_outputs():
    rng = np.random.default_rng(0)
    n = tables.TABLE_ROWS_MAX + 6
    X_many = rng.random((n, 2))
    Y_many = np.eye(3)[rng.integers(0, 3, n)]
    out = rng.random((n, 3))
    page = Cells(tables.outputs_html(X_many, out, Y_many))
    assert len([c for c in page.cells if c[0] == "td"]) == 5 * tables.TABLE_ROWS_MAX
    assert f"first {tables.TABLE_ROWS_MAX} of {n} rows shown" in page.caption
    first_output = [c[2] for c in page.cells if c[0] == "td"][2]
    assert first_output.count(",") == 2  # all three outputs of the first row


def test_a_diverged_output_is_shown_as_text_and_never_correct():
    outputs = np.array([np.nan, np.inf, 0.9, 0.1])  # the last two are right
    rows = tables.outputs_table(X, outputs, Y)
    assert [r["verdict"] for r in rows] == ["wrong", "wrong", "correct", "correct"]
    page = Cells(tables.outputs_html(X, outputs, Y))
    assert [c[2] for c in page.cells if c[0] == "td"][2::5] == ["nan", "inf", "0.9", "0.1"]
    assert "2 of 4 correct" in page.caption


def test_outputs_html_rejects_mismatched_rows():
    with pytest.raises(ValueError, match="same number of rows"):
        tables.outputs_html(X, xor_outputs()[:3], Y)


def test_tables_needs_no_chart_library():
    source = open(tables.__file__).read()
    assert not re.search(r"^\s*(?:from|import)\s+[\w.]*\b(?:altair|plots|marimo)\b", source,
                         flags=re.M)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, nnlab.view.tables; print('altair' in sys.modules)"],
        capture_output=True, text=True, check=True, cwd=pathlib.Path(tables.__file__).parents[1])
    assert loaded.stdout.strip() == "False"  # a page with tables only never loads Altair


def test_markdown_table_rounds_aligns_numbers_and_never_prints_minus_zero():
    rows = [{"a": -0.00001, "b": 1, "name": "w1", "c": None},
            {"a": 0.25, "b": 2, "name": "b", "c": float("-inf")}]
    assert tables.markdown_table(rows, digits=4).splitlines() == [
        "| a | b | name | c |", "|---:|---:|---|---|",
        "| 0.0000 | 1 | w1 | - |", "| 0.2500 | 2 | b | -inf |"]
    # Without digits, floats in their shortest form.
    assert tables.markdown_table(rows[:1]).splitlines()[2] == "| -1e-05 | 1 | w1 | - |"
    assert tables.markdown_table([]) == "_nothing to show_"
