"""Controls that say what they do: refused values are named (never clamped or put back),
controls with no effect are hidden with the reason, quizzes take an answer first, and small
truths of the pictures (no sigmoid output printed as 1, a caption where there is no line)."""

import ast
import re
from pathlib import Path

import numpy as np
import pytest

from lesson_helpers import Value, load_app, page_text, raw_html
from nnlab.lessons import backprop_by_hand, one_neuron, training_xor
from nnlab.view import quiz, tables
from nnlab import checks, nine
from marimo._plugins.ui._core.ui_element import UIElement

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


# --- quizzes -------------------------------------------------------------------------------------


def test_a_question_waits_for_an_answer_then_says_right_or_not_and_why():
    q = quiz.Question("Where?", ("here", "there"), 1, "Because.")
    assert quiz.feedback(q, None) == quiz.WAITING and "Because" not in quiz.WAITING
    assert quiz.feedback(q, "there") == "**Right.**\n\nBecause."
    assert quiz.feedback(q, "here") == "**Not quite.** The answer is: *there*.\n\nBecause."
    with pytest.raises(ValueError, match="chosen"):
        quiz.feedback(q, "elsewhere")
    with pytest.raises(ValueError, match="answer"):
        quiz.Question("?", ("a", "b"), 2, "")
    with pytest.raises(ValueError, match="choices"):
        quiz.Question("?", ("a", "a"), 0, "")
    asked = quiz.Asked("Where?", ["here", "there"])
    assert asked.answered(1, "Because.") == q and asked.choices == ("here", "there")
    with pytest.raises(ValueError, match="choices"):  # before any radio is made from it
        quiz.Asked("?", ("a", "a"))
    with pytest.raises(ValueError, match="answer"):
        asked.answered(2, "")


# Every lesson after the welcome page, 01 to 08 and any added later.
LESSONS = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.py") if not p.name.startswith("00_"))


def test_the_quiz_check_covers_every_lesson():
    assert LESSONS[0].startswith("01_") and "08_handwriting.py" in LESSONS


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_asks_before_it_answers(lesson):
    source = (NOTEBOOKS / lesson).read_text()
    assert "quiz.feedback(" in source and "mo.ui.radio(a.choices" in source
    assert "Check yourself:" not in source  # no accordion that shows the answer on a click


def controls_that_reset(app, defs, name="answers") -> set[str]:
    """The controls (UI elements, and ``mo.state`` getters) whose change reruns the cell that
    defines ``name``, through any chain of cells: a rerun makes its widgets anew, at their
    initial value (marimo gives every new element a fresh random token)."""
    cells = list(app._cell_manager.cell_data())
    definer = {n: c for c in cells for n in c.cell._cell.defs}
    todo, seen, found = [definer[name]], set(), set()
    while todo:
        data = todo.pop()
        if data.cell_id in seen:
            continue
        seen.add(data.cell_id)
        for ref in data.cell._cell.refs:
            value = defs.get(ref)
            if isinstance(value, UIElement) or (ref.startswith("get_") and callable(value)):
                found.add(ref)
            if ref in definer:
                todo.append(definer[ref])
    return found


@pytest.mark.parametrize("lesson", LESSONS)
def test_moving_a_control_keeps_the_quiz_answers(lesson):
    # The radios are made from the questions' fixed prompts and choices; only the answer and
    # its reason follow the run, in the cell below them. (A radio made in a cell that a
    # slider reruns came back empty: the learner's answers vanished at every move.)
    app = load_app(lesson)
    _, defs = app.run()
    assert "answers" in defs and controls_that_reset(app, defs) == set()


def test_lesson_07_quiz_reveals_only_what_was_answered():
    app = load_app("07_gradient_check.py")
    _, defs = app.run()
    questions = defs["questions"]
    outputs, _ = app.run(defs={"answers": Value([questions[0].right, None, None])})
    text = page_text(outputs)
    assert "Right." in text and "10 correct digits" in text
    assert "the referee got worse" not in text and text.count("Pick an answer") == 2


# --- refused values are named ------------------------------------------------------------------


def test_lesson_01_a_small_line_count_is_used_not_clamped_and_a_huge_one_is_named():
    app = load_app("01_one_neuron.py")
    _, defs = app.run(defs={"n_lines": Value(5), "fresh": Value(0)})
    assert next(iter(defs["scans"].values())).n_lines == 5 and defs["scan_problem"] is None
    outputs, defs = app.run(defs={"n_lines": Value(10**9), "fresh": Value(0)})
    assert "the number of lines must be a whole number from 1 to 200,000" in defs["scan_problem"]
    assert "Cannot scan" in page_text(outputs)


@pytest.mark.parametrize("typed, message", [("abc", "w11: a number; got 'abc'"),
                                            ("1e9", "w11 must be a number from -50 to 50")])
def test_lesson_02_a_refused_number_is_named_not_put_back(typed, message):
    numbers = {k: f"{v:g}" for k, v in nine.HAND_PICKED.as_dict().items()}
    outputs, defs = load_app("02_backprop_by_hand.py").run(
        defs={"nine_inputs": Value({**numbers, "w11": typed})})
    assert message in defs["problem"]
    assert "These settings cannot be used" in page_text(outputs)


def test_lesson_02_the_typed_fields_are_text_so_the_browser_cannot_clamp_them():
    _, defs = load_app("02_backprop_by_hand.py").run()
    assert all(type(e).__name__ == "text" for e in defs["nine_inputs"].elements.values())


def test_lesson_02_names_the_other_programs_weights_for_its_start():
    app = load_app("02_backprop_by_hand.py")
    fixed, _ = app.run(defs={"preset": Value(nine.TABLE_START)})
    hand, _ = app.run()
    assert "into neuron 1 from input 2" in page_text(fixed)
    assert "neuron first" not in raw_html(hand)


def test_lesson_02_update_lines_check_by_hand():
    step = backprop_by_hand.online_step(nine.HAND_PICKED.as_dict(), None, "(1, 0)", 0.5, "bce")
    block = backprop_by_hand.step_sections(step.step, step.y, 0.5, "bce")["update"]
    for line in block.splitlines()[2:-2]:
        tail = line.rstrip(" \\").split(" = ")
        old_and_change, new = tail[-2], tail[-1]
        sign = " - " if " - " in old_and_change else " + "
        old, change = old_and_change.split(sign)
        decimals = len(new.split(".")[1])
        assert len(old.split(".")[1]) == len(change.split(".")[1]) == decimals
        value = float(old) + (-1 if sign == " - " else 1) * float(change)
        assert f"{value:.{decimals}f}" == new or abs(value - float(new)) <= 10 ** -decimals


def test_lesson_03_a_negative_seed_is_named_not_clamped():
    app = load_app("03_training_xor.py")
    _, default = app.run(defs={"scenario_runs": {}})
    values = {**default["controls"].value, "start": "random", "seed": -5}
    outputs, defs = app.run(defs={"controls": Value(values), "scenario_runs": {}})
    assert "seed: a whole number >= 0; got -5" in defs["problem"]
    assert "These settings cannot run" in page_text(outputs)


def test_one_seed_rule_names_the_box_and_what_it_takes():
    assert checks.seed(99_999, "weight seed") == 99_999  # no hidden maximum
    assert checks.seed(np.int64(7), "data seed", high=10) == 7
    for value, says in [(-5, "weight seed: a whole number >= 0; got -5"),
                        (2.5, "weight seed: a whole number >= 0; got 2.5"),
                        (None, "weight seed: a whole number >= 0; got None"),
                        (True, "weight seed: a whole number >= 0; got True")]:
        with pytest.raises(ValueError, match=f"^{re.escape(says)}$"):
            checks.seed(value, "weight seed")
    with pytest.raises(ValueError, match=r"^data seed: a whole number from 0 to 10; got 11$"):
        checks.seed(11, "data seed", high=10)


@pytest.mark.parametrize("lesson", sorted(p.name for p in NOTEBOOKS.glob("0*.py")))
def test_no_number_box_has_bounds_to_clamp_to(lesson):
    """A bounded mo.ui.number puts a typed 99999 back to its maximum without a word; the
    lessons leave their number boxes open and refuse a value in Python, by name."""
    tree = ast.parse((NOTEBOOKS / lesson).read_text())
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "mo.ui.number":
            keywords = {k.arg for k in call.keywords}
            assert not call.args and not keywords & {"start", "stop"}, ast.unparse(call)


def test_lesson_03_hides_start_controls_that_do_nothing_and_says_why():
    assert "fixed start uses the same nine numbers" in training_xor.unused_start_controls("fixed", 2)
    assert training_xor.unused_start_controls("fixed", 3) == ""  # then the start is drawn
    assert training_xor.unused_start_controls("random", 2) == ""
    source = (NOTEBOOKS / "03_training_xor.py").read_text()
    assert "training_xor.unused_start_controls(" in source


# --- pictures that say the truth ----------------------------------------------------------------


def test_a_sigmoid_output_is_never_printed_as_1():
    result = one_neuron.evaluate(10, 10, 0, "OR")
    assert r"\sigma(z) = 1\\" not in one_neuron.working(result) + "\\"
    assert "0.999955" in one_neuron.working(result)
    assert tables._round_output(0.9999546) == 0.99995 and tables._round_output(0.7) == 0.7
    columns, rows, _ = tables.outputs_layout([[1, 1]], [[1 - 2e-9]], [[1]])
    assert rows[0][2][0] == "0.999999998"


def test_lesson_02_never_prints_a_saturated_sigmoid_as_1():
    # Large typed weights saturate h1, h2 and y_hat: steps 1 to 5 keep the digits that
    # show they are not 1 (a sigmoid never reaches it), as every other lesson does.
    big = {**{k: f"{v:g}" for k, v in nine.HAND_PICKED.as_dict().items()},
           "b1": "12", "b2": "10", "c": "14"}  # input (0, 0): h = sigma(b), y_hat = sigma(~v + c)
    outputs, defs = load_app("02_backprop_by_hand.py").run(defs={"nine_inputs": Value(big)})
    assert defs["problem"] is None
    forward = defs["sections"]["forward"]
    for name in (r"h_1 &= \sigma(z_1)", r"h_2 &= \sigma(z_2)", r"\hat y &= \sigma(z_\text{out})"):
        value = next(line for line in forward.splitlines() if line.strip().startswith(name))
        value = value.rstrip(" \\").rsplit(" = ", 1)[1]
        assert value != "1" and "0.9999" in value, (name, value)


def test_a_flat_boundary_gets_a_caption():
    flat = one_neuron.live_frame(one_neuron.evaluate(0, 0, 0, "XOR"))["panels"][0]
    assert flat["contour"] == [] and "0.5 everywhere" in flat["caption"]
    usual = one_neuron.live_frame(one_neuron.evaluate(4, 4, -2, "XOR"))["panels"][0]
    assert usual["caption"] is None


def test_progress_bars_speak_plainly():
    # Every progress bar is told show_rate=False ("12 of 20 maps", not "1288.66 iter/s"),
    # itself or through a dict(...) of keywords it unpacks.
    def plain(keywords, dicts):
        return any(k.arg == "show_rate" and getattr(k.value, "value", None) is False
                   or k.arg is None and plain(dicts.get(getattr(k.value, "id", None), []), {})
                   for k in keywords)

    for name in ("04_convergence.py", "05_playground.py", "06_activations.py"):
        tree = ast.parse((NOTEBOOKS / name).read_text())
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        dicts = {n.targets[0].id: n.value.keywords for n in ast.walk(tree)
                 if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
                 and isinstance(n.value, ast.Call) and getattr(n.value.func, "id", "") == "dict"}
        bars = [c for c in calls if getattr(c.func, "attr", "") == "progress_bar"]
        assert bars and all(plain(c.keywords, dicts) for c in bars), name
