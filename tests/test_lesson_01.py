"""Lesson 1, "One neuron": the notebook run through app.run(), and nnlab.lessons.one_neuron behind it."""

import itertools
import math

import numpy as np
import pytest

from lesson_helpers import Value, lesson_fixtures, load_app, raw_html
from nnlab import forward
from nnlab.lessons import one_neuron

LESSON = "01_one_neuron.py"


def sliders(w1, w2, b, target):
    return {"w1": Value(w1), "w2": Value(w2), "b": Value(b), "target": Value(target)}


app, default = lesson_fixtures(LESSON)


# --- the notebook at its default settings ------------------------------------------------------


def test_title_comes_first(default):
    outputs, _ = default  # after the course's link bar (the welcome page, lesson 00)
    assert 'rel="prev"' in outputs[0].text and "<h1" not in outputs[0].text
    assert '<h1 id="one-neuron">One neuron</h1>' in outputs[1].text


def test_default_sliders_draw_the_or_line_which_gets_three_xor_corners(default):
    _, defs = default
    result = defs["result"]
    assert (result.w1, result.w2, result.b, result.target) == (4, 4, -2, "XOR")
    assert np.round(result.outputs[:, 0], 4).tolist() == [0.1192, 0.8808, 0.8808, 0.9975]
    assert result.correct == 3 and result.wrong_corners == [(1, 1)]
    assert defs["problem"] is None


def test_default_page_reads_the_result(default):
    outputs, _ = default
    text = raw_html(outputs)
    assert "<strong>3 of the 4 corners</strong> on the right side (wrong: (1, 1))" in text
    assert "x_2 = -x_1 + 0.5" in text  # the line, solved for x2
    assert r"\sigma(z) = 0.9975" in text  # the sum and sigmoid at (1, 1)
    assert "cannot be drawn" not in text and "Cannot scan" not in text


def test_scan_finds_three_for_xor_and_four_for_and_or(default):
    outputs, defs = default
    scans = defs["scans"]
    assert {t: s.best for t, s in scans.items()} == {"AND": 4, "OR": 4, "XOR": 3}
    assert scans["XOR"].counts[4] == 0 and scans["XOR"].counts[3] > 0
    assert all(sum(s.counts) == 20_000 for s in scans.values())
    text = raw_html(outputs)
    assert "<strong>14 of the 16</strong>" in text
    assert "0110 (XOR) and 1001 (XNOR)" in text


def test_best_lines_tabs_show_a_solving_line_for_and_and_or(default):
    _, defs = default
    best = defs["best_lines"]
    assert best["AND"].correct == 4 and best["OR"].correct == 4 and best["XOR"].correct == 3


def test_page_has_self_checks_tied_to_the_sliders(default):
    outputs, _ = default
    text = raw_html(outputs)
    assert "Check yourself" in text
    assert "Multiply your three slider values w1, w2 and b by 3" in text
    # The answers wait until the learner has picked one (nnlab.view.quiz).
    assert "tripled" not in text and text.count("Pick an answer") == 3


def test_a_picked_answer_shows_whether_it_is_right_and_why(default):
    questions = default[1]["questions"]
    picked = [questions[0].choices[0], questions[1].right, None]  # wrong, right, unanswered
    outputs, _ = load_app(LESSON).run(defs={"answers": Value(picked)})
    text = raw_html(outputs)
    assert "Not quite." in text and "everywhere on its line, where z = 0" in text
    assert "Right." in text and "tripled 0.002, 0.998, 0.998, 0.99999998" in text
    assert "(w1 = 4, w2 = 4, b = -2)" in text  # the reason reads the sliders
    assert text.count("Pick an answer") == 1  # a sigmoid's output never printed as 1.000


# --- moving the widgets -------------------------------------------------------------------------


@pytest.mark.parametrize("target, w1, w2, b", [("AND", 4, 4, -6), ("OR", 4, 4, -2)])
def test_a_line_solves_and_and_or(target, w1, w2, b):
    outputs, defs = load_app(LESSON).run(defs=sliders(w1, w2, b, target))
    assert defs["result"].correct == 4
    assert f"On <strong>{target}</strong> it puts\n<strong>4 of the 4 corners</strong>" \
        in raw_html(outputs)


def test_an_unknown_truth_table_shows_a_callout_and_keeps_a_drawable_neuron():
    outputs, defs = load_app(LESSON).run(defs=sliders(1, 1, 0, "NAND"))
    assert "target must be one of AND, OR, XOR" in defs["problem"]
    assert defs["result"].target == "XOR"  # the fallback neuron, still drawable
    text = raw_html(outputs)
    assert "This cannot be drawn:" in text and "callout" in text


@pytest.mark.parametrize("lines", [float("nan"), 0, 10**9, 12.5, "many"])
def test_a_bad_number_of_lines_shows_a_callout_and_keeps_a_scan(lines):
    outputs, defs = load_app(LESSON).run(defs={"n_lines": Value(lines), "fresh": Value(0)})
    assert "number of lines" in defs["scan_problem"]
    assert defs["scans"]["XOR"].best == 3  # the default scan stands in
    assert "Cannot scan:" in raw_html(outputs)


def test_fresh_lines_change_the_scan_but_not_its_verdict():
    _, defs = load_app(LESSON).run(defs={"n_lines": Value(5_000), "fresh": Value(3)})
    scans = defs["scans"]
    assert scans["XOR"].seed == 3 and scans["XOR"].n_lines == 5_000
    assert {t: s.best for t, s in scans.items()} == {"AND": 4, "OR": 4, "XOR": 3}


# --- nnlab.lessons.one_neuron ---------------------------------------------------------------------------------


def test_no_line_on_a_grid_gets_all_four_xor_corners_but_and_or_are_reached():
    values = np.arange(-6, 6.5, 0.5)
    best = {t: 0 for t in one_neuron.TARGETS}
    for w1, w2, b in itertools.product(values, values, values):
        for t in one_neuron.TARGETS:
            best[t] = max(best[t], one_neuron.evaluate(w1, w2, b, t).correct)
    assert best == {"AND": 4, "OR": 4, "XOR": 3}


def test_evaluate_is_a_sigmoid_of_the_weighted_sum():
    r = one_neuron.evaluate(2.0, -3.0, 0.5, "AND")
    z = np.array([0.5, -2.5, 2.5, -0.5])
    assert np.allclose(r.z, z)
    assert np.allclose(r.outputs[:, 0], 1 / (1 + np.exp(-z)))
    assert r.labels.tolist() == [0, 0, 0, 1]
    assert np.allclose(forward(one_neuron.NETWORK, r.params, r.X), r.outputs)  # the matrix version


def test_evaluate_rejects_bad_numbers_and_tables():
    with pytest.raises(ValueError, match="w1: a finite number"):
        one_neuron.evaluate(math.nan, 0, 0)
    with pytest.raises(ValueError, match="b: a number"):
        one_neuron.evaluate(0, 0, "x")
    with pytest.raises(ValueError, match="target must be one of"):
        one_neuron.evaluate(0, 0, 0, "xor")


def test_on_the_line_the_output_is_one_half():
    r = one_neuron.evaluate(1.0, 1.0, -1.0, "OR")  # the line x1 + x2 = 1 runs through (0,1), (1,0)
    assert r.outputs[1, 0] == 0.5 and r.outputs[2, 0] == 0.5
    assert r.correct == 2  # exactly 0.5 is not above 0.5: those corners answer 0


@pytest.mark.parametrize("w, text", [
    ((4, 4, -2), "x_2 = -x_1 + 0.5"), ((1, -1, 0), "x_2 = x_1"), ((2, 1, 0), r"x_2 = -2\,x_1"),
    ((0, 3, -1), "x_2 = 0.333"), ((3, 0, -1), "x_1 = 0.333"), ((0, 0, 1), ""),
    ((1, 2, 1), r"x_2 = -0.5\,x_1 - 0.5"),
])
def test_line_equation(w, text):
    assert one_neuron.line_equation(*w) == text


def test_scan_is_repeatable_and_its_best_line_scores_what_it_claims():
    a, b = one_neuron.scan_lines("AND", 3_000, seed=7), one_neuron.scan_lines("AND", 3_000, seed=7)
    assert a == b
    assert one_neuron.evaluate(*a.best_line, "AND").correct == a.best == 4
    assert one_neuron.scan_lines("AND", 3_000, seed=8).counts != a.counts


def test_scan_reaches_fourteen_tables_and_misses_xor_and_xnor():
    scan = one_neuron.scan_lines("XOR", 20_000)
    assert len(scan.tables) == 14
    assert scan.missing_tables == [(0, 1, 1, 0), (1, 0, 0, 1)]
    assert [one_neuron.table_name(t) for t in scan.missing_tables] == ["0110 (XOR)", "1001 (XNOR)"]


@pytest.mark.parametrize("n_lines, seed", [(0, 0), (one_neuron.MAX_LINES + 1, 0), (1.5, 0),
                                           (True, 0), (10, -1), (10, 0.5)])
def test_scan_rejects_bad_settings(n_lines, seed):
    with pytest.raises(ValueError):
        one_neuron.scan_lines("XOR", n_lines, seed)


def test_the_hand_set_two_layer_net_solves_xor():
    out = forward(one_neuron.XOR_BY_HAND_NETWORK, one_neuron.XOR_BY_HAND, one_neuron.CORNERS)[:, 0]
    assert (out > 0.5).astype(int).tolist() == [0, 1, 1, 0]
    assert np.all(np.abs(out - [0, 1, 1, 0]) < 0.01)


def test_the_live_view_draws_the_neurons_line_and_outputs():
    from lesson_helpers import load_app
    _, defs = load_app("01_one_neuron.py").run()
    panels = {p["name"]: p for p in defs["view"].frame["panels"]}
    assert panels["line"]["kind"] == "boundary" and panels["line"]["contour"]
    assert "outputs on XOR" in panels["outputs"]["html"]
    result = defs["result"]
    assert sorted(p[2] for p in panels["line"]["points"]) == sorted(result.labels.tolist())
