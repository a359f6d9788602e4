"""Lesson 2, "Backpropagation by hand": the notebook run through app.run(), and the
nine-number helpers of nnlab.lessons.one_neuron behind it."""

import math
import re

import numpy as np
import pytest

from lesson_helpers import Value, lesson_fixtures, load_app, page_text, raw_html, state
from nnlab import Network, gradcheck, gradients, nine
from nnlab.lessons import backprop_by_hand

LESSON = "02_backprop_by_hand.py"
NET = Network([2, 2, 1])
# The tutorial's printed tables: the hand-picked start, then one half-squared-error step with
# learning rate 0.1 on the input (0, 0).
UNTRAINED = [0.4875, 0.4831, 0.4986, 0.4943]
AFTER_ONE_STEP = [0.4829, 0.4786, 0.4941, 0.4898]


def _cells(html: str) -> list[str]:
    """The text of every table cell in rendered HTML (cells may carry an alignment style)."""
    return re.findall(r"<td[^>]*>([^<]*)</td>", html)


def numbers(**changes):
    return Value({**nine.HAND_PICKED.as_dict(), **changes})


def settings(rate=0.1, loss="half_mse"):
    return {"learning_rate": Value(rate), "loss": Value(loss)}


app, default = lesson_fixtures(LESSON)


# --- the notebook at its default settings ------------------------------------------------------


def test_title_comes_first(default):
    outputs, _ = default  # after the course's link bar (back to lesson 01)
    assert 'rel="prev"' in outputs[0].text and "<h1" not in outputs[0].text
    assert '<h1 id="backpropagation-by-hand">Backpropagation by hand</h1>' in outputs[1].text


def test_default_page_shows_the_tutorials_tables(default):
    outputs, defs = default
    shown = defs["shown"]
    assert (shown.label, shown.learning_rate, shown.loss) == ("(0, 0)", 0.1, "half_mse")
    assert shown.step.before == nine.HAND_PICKED and defs["problem"] is None
    assert [round(r["y_hat"], 4) for r in defs["forward_rows"]] == UNTRAINED
    assert [round(r["y_hat after"], 4) for r in defs["after_rows"]] == AFTER_ONE_STEP
    cells = _cells(raw_html(outputs))
    for value in UNTRAINED + AFTER_ONE_STEP:
        assert f"{value:.4f}" in cells


def test_default_step_shows_every_number_with_its_formula(default):
    outputs, defs = default
    text = raw_html(outputs)
    for piece in (r"\hat y &amp;= \sigma(z_\text{out}) = 0.4875",
                  r"L &amp;= \tfrac12(\hat y - y)^2 = \tfrac12(0.4875 - 0)^2 = 0.1188",
                  r"\delta_\text{out} &amp;= (\hat y - y)\,\hat y(1-\hat y)",
                  "= 0.1218",  # the output's error term
                  r"\delta_2 &amp;= \delta_\text{out}\,v_2\,h_2(1-h_2)",
                  "= -0.009135",  # the second hidden error term
                  # old number, change and new number at one precision: checks by hand
                  r"c &amp;\leftarrow 0 - 0.1\cdot 0.1218 = 0.00000 - 0.01218 = -0.01218",
                  r"b_1 &amp;\leftarrow 0 - 0.1\cdot 0.00609 = 0.0000000 - 0.0006090 = "
                  "-0.0006090"):
        assert piece in text, piece
    rows = {r["parameter"]: r for r in defs["update_rows"]}
    assert rows["c"]["after"] == pytest.approx(-0.012179951032436177)
    assert rows["w11"]["gradient"] == 0 and rows["b1"]["gradient"] == pytest.approx(0.00608997551)


def test_plain_python_and_matrix_versions_agree_and_pass_the_gradient_check(default):
    outputs, defs = default
    assert set(defs["matrix_gaps"]) == {"the four outputs", "the loss", "the nine slopes"}
    assert max(defs["matrix_gaps"].values()) < 1e-15
    assert defs["check"].passed and defs["check"].max_error < 1e-8
    text = raw_html(outputs)
    assert "Plain Python and matrices agree" in text and "Finite differences agree" in text


def test_static_tabs_hold_the_step_on_each_input(default):
    outputs, _ = default
    tabs = [o for o in outputs if type(o).__name__ == "tabs"][-1].text
    for label in backprop_by_hand.ROW_LABELS:
        assert f"input {label}" in tabs
    # each tab holds the outputs after its own step, e.g. (0, 1) lifts y_hat(1, 0) to 0.5034
    for x1, x2, y in nine.XOR_ROWS:
        for value in nine.HAND_PICKED.step(x1, x2, y, 0.1).after.outputs():
            assert f"{value:.4f}" in _cells(tabs)


def test_self_checks_read_the_step(default):
    outputs, _ = default
    text = raw_html(outputs)
    assert "On the input of the step shown, which of the nine slopes are exactly 0" in text
    assert "w11, w21, w12, w22" not in text  # the answer waits for the learner's pick
    assert "On input (0, 0):" not in text
    questions = default[1]["questions"]
    assert questions[0].right == "the weights that carry an input of 0"
    assert questions[2].right == "cross-entropy"
    outputs, _ = load_app(LESSON).run(defs={"answers": Value([q.right for q in questions])})
    text = raw_html(outputs)
    assert "w11, w21, w12, w22" in text and text.count("Right.") == 3
    assert "On input (0, 0):" in text  # the reason names the step's input
    assert "cross-entropy 0.4875" in text  # its error term is y_hat - y


# --- moving the widgets -------------------------------------------------------------------------


def test_the_table_start_preset_fills_the_number_fields():
    _, defs = load_app(LESSON).run(defs={"preset": Value(nine.TABLE_START)})
    assert {k: float(v) for k, v in defs["nine_inputs"].value.items()} == \
        nine.TABLE_START.as_dict()
    assert defs["shown"].step.before == nine.TABLE_START
    assert [r["y_hat"] for r in defs["forward_rows"]] == nine.TABLE_START.outputs()


@pytest.mark.parametrize("loss", ["mse", "half_mse", "bce"])
@pytest.mark.parametrize("label", backprop_by_hand.ROW_LABELS)
def test_every_loss_and_input_agrees_with_matrices_and_finite_differences(loss, label):
    x1, x2, y = backprop_by_hand.xor_row(label)
    step = nine.TABLE_START.step(x1, x2, y, 0.5, loss)
    params = step.before.to_params()
    value, grads = gradients(NET, params, [[x1, x2]], [[y]], loss)
    assert value == pytest.approx(step.loss, abs=1e-15)
    assert backprop_by_hand.max_gap(nine.Nine.from_params(grads), step.gradients()) < 1e-15
    assert gradcheck.check_gradients(NET, params, [[x1, x2]], [[y]], loss).passed


def test_cross_entropy_and_another_input_through_the_page():
    _, defs = load_app(LESSON).run(defs={"row": Value("(1, 0)"), **settings(0.5, "bce")})
    shown = defs["shown"]
    assert (shown.x1, shown.x2, shown.y, shown.loss) == (1, 0, 1, "bce")
    assert shown.step.delta_out == pytest.approx(shown.step.forward.y_hat - 1)
    assert max(defs["matrix_gaps"].values()) < 1e-15 and defs["check"].passed


@pytest.mark.parametrize("changes, message", [
    ({"w11": math.nan}, "w11: a finite number"),
    ({"v2": math.inf}, "v2: a finite number"),
    ({"c": 1e6}, "c must be a number from -50 to 50"),
    ({"b1": None}, "b1 must be a number from -50 to 50"),
    ({"w22": "lots"}, "w22: a number"),
])
def test_a_bad_number_shows_a_callout_and_keeps_the_last_good_step(changes, message):
    outputs, defs = load_app(LESSON).run(defs={"nine_inputs": numbers(**changes)})
    assert message in defs["problem"]
    assert defs["shown"].step.before == nine.HAND_PICKED  # a drawable step stands in
    text = raw_html(outputs)
    assert "These settings cannot be used:" in text
    assert "nan" not in " ".join(f"{r['y_hat']}" for r in defs["forward_rows"])


@pytest.mark.parametrize("rate, loss, message", [
    (0.1, "hinge", "loss must be one of"),
    (math.nan, "mse", "learning rate: a finite number"),
    (-1.0, "mse", "learning rate must be above 0"),
    (1e9, "mse", "learning rate must be above 0 and at most 100"),
])
def test_a_bad_loss_or_learning_rate_shows_a_callout(rate, loss, message):
    outputs, defs = load_app(LESSON).run(defs=settings(rate, loss))
    assert message in defs["problem"]
    assert "These settings cannot be used:" in raw_html(outputs)


def test_an_unknown_input_shows_a_callout():
    _, defs = load_app(LESSON).run(defs={"row": Value("(2, 2)")})
    assert "input must be one of (0, 0), (0, 1), (1, 0), (1, 1)" in defs["problem"]


def test_next_input_carries_the_updated_numbers_forward():
    first = backprop_by_hand.online_step(nine.HAND_PICKED.as_dict(), None, "(0, 0)", 0.1, "half_mse")
    walked = first.walk.advance(first.step)
    outputs, defs = load_app(LESSON).run(defs=state("walk", walked))
    shown = defs["shown"]
    assert defs["row"].value == "(0, 1)"  # the next input is chosen for us
    assert shown.walk.steps == 1 and shown.step.before == first.step.after
    assert [round(r["y_hat"], 4) for r in defs["forward_rows"]] == AFTER_ONE_STEP
    assert "1 online step taken" in raw_html(outputs)


# --- nnlab.lessons.one_neuron: the nine-number helpers --------------------------------------------------------


def test_a_walk_through_all_four_inputs_matches_online_training_by_hand():
    walk, by_hand = backprop_by_hand.Walk(nine.HAND_PICKED, nine.HAND_PICKED), nine.HAND_PICKED
    for x1, x2, y in nine.XOR_ROWS * 2:
        step = walk.current.step(x1, x2, y, 0.5, "half_mse")
        walk = walk.advance(step)
        by_hand = by_hand.step(x1, x2, y, 0.5, "half_mse").after
    assert walk.current == by_hand and walk.steps == 8 and walk.next_label == "(0, 0)"


def test_a_walk_restarts_when_the_start_changes_and_refuses_a_foreign_step():
    walk = backprop_by_hand.Walk(nine.HAND_PICKED, nine.HAND_PICKED)
    moved = walk.advance(nine.HAND_PICKED.step(0, 1, 1, 0.1))
    assert backprop_by_hand.Walk.resume(moved, nine.HAND_PICKED) is moved
    assert backprop_by_hand.Walk.resume(moved, nine.TABLE_START) == backprop_by_hand.Walk(nine.TABLE_START,
                                                                      nine.TABLE_START)
    with pytest.raises(ValueError, match="current numbers"):
        moved.advance(nine.TABLE_START.step(0, 0, 0, 0.1))


def test_updating_the_output_first_is_a_different_step():
    gap = backprop_by_hand.output_first_gap(nine.HAND_PICKED, 0, 0, 0, 0.1)
    assert 1e-8 < gap < 1e-6  # invisible at four decimals, but not zero
    assert backprop_by_hand.output_first_gap(nine.TABLE_START, 1, 1, 0, 5.0, "bce") > 1e-3


def test_step_sections_reject_a_batch_step():
    with pytest.raises(ValueError, match="online step"):
        backprop_by_hand.step_sections(nine.HAND_PICKED.batch_step(), 0, 1.0, "mse")


def test_step_sections_name_every_loss():
    step = nine.HAND_PICKED.step(0, 1, 1, 0.1, "mse")
    assert r"2\,(0.4831 - 1)" in backprop_by_hand.step_sections(step, 1, 0.1, "mse")["output error"]
    step = nine.HAND_PICKED.step(0, 1, 1, 0.1, "bce")
    sections = backprop_by_hand.step_sections(step, 1, 0.1, "bce")
    assert "the sigmoid's slope cancels" in sections["output error"]
    assert step.loss == pytest.approx(-math.log(step.forward.y_hat))
    assert f"= {step.loss:.4f}" in sections["forward"]


def test_the_step_is_drawn_before_and_after_as_a_live_view():
    from lesson_helpers import load_app
    _, defs = load_app("02_backprop_by_hand.py").run()
    before, after = defs["step_view"].frame["panels"]
    shown = defs["shown"]
    assert (before["name"], after["name"]) == ("before", "after")
    assert before["values"][0] == [shown.x1, shown.x2]  # the chosen input, in the inputs
    from nnlab import forward
    y_hat = forward(defs["net"], shown.step.before.to_params(), [[shown.x1, shown.x2]])[0, 0]
    assert before["values"][-1][0] == float(f"{y_hat:.5g}")  # the output for that input
    assert before["weights"] != after["weights"]  # the step moved the weights


# --- what the page says about its rounding is what it shows --------------------------------------


def _significant(text: str) -> int:
    return len(text.lstrip("-").replace(".", "").lstrip("0"))


def test_steps_1_to_5_are_rounded_as_the_page_says(default):
    outputs, defs = default
    digits = backprop_by_hand.STEP_DIGITS
    assert f"In steps 1 to 5, every number is shown rounded to {digits} significant digits" \
        in page_text(outputs)
    sections = defs["sections"]
    shown = [n for key in ("forward", "output error", "output gradients", "hidden errors",
                           "hidden gradients")
             for n in re.findall(r"-?\d+\.\d+", sections[key])]
    assert shown and max(_significant(n) for n in shown) == digits


def test_the_update_lines_are_rounded_as_the_page_says(default):
    outputs, defs = default
    shown = defs["shown"]
    note = backprop_by_hand.update_note(shown.step, shown.learning_rate)
    assert note in page_text(outputs)
    lines = [line.rstrip(" \\") for line in defs["sections"]["update"].splitlines()
             if r"\leftarrow" in line]
    assert len(lines) == 9
    decimals, kept = set(), []
    for line in lines:
        slope = line.split(r"\cdot")[1].split(" = ")[0].strip(" ()")
        assert _significant(slope) <= backprop_by_hand.SLOPE_DIGITS
        old, change, new = re.findall(r"-?\d+\.\d+", line.split(" = ", 1)[1])
        places = {len(n.split(".")[1]) for n in (old, change, new)}
        assert len(places) == 1  # one count of decimals per line
        decimals |= places
        if float(change):
            kept.append(_significant(change))
    low, high = min(decimals), max(decimals)
    assert (f"({low} to {high} decimals, line by line" if low < high
            else f"({low} decimals") in note
    assert f"keep at least {min(kept)} significant digits" in note
    assert min(kept) >= backprop_by_hand.CHANGE_DIGITS
    assert (low, high, min(kept)) == (4, 7, 4)  # at the defaults: b1's change is 0.0006090


def test_the_tables_use_the_decimals_the_page_names(default):
    outputs, defs = default
    text = page_text(outputs)
    update, after = backprop_by_hand.UPDATE_TABLE_DECIMALS, backprop_by_hand.OUTPUT_TABLE_DECIMALS
    assert (f"slopes and changes (to {update} decimals)" in text
            and f"all four inputs (to {after} decimals)" in text)
    cells = _cells(raw_html(outputs))
    row = defs["update_rows"][-1]  # c: 0 - 0.1 * 0.1218
    assert all(f"{row[k]:.{update}f}".replace("-0.000000", "0.000000") in cells
               for k in ("before", "gradient", "change", "after"))
    assert f"{defs['after_rows'][0]['y_hat after']:.{after}f}" in cells
