"""Lessons show the code that computed their numbers, read from nnlab's source as they run.

For each lesson: the page (run through app.run()) contains the source of the functions that
produced its numbers, exactly; and those functions did produce them.
"""

import re

import numpy as np
import pytest

import nnlab
from lesson_helpers import load_app, page_text
from nnlab import activations, gradcheck, network, nine, verdicts
from nnlab.lessons import (backprop_by_hand, gradient_check, handwriting, one_neuron, playground,
                           training_xor)
from nnlab.lessons.programs import xor_fixed_start
from nnlab.train import ReferenceStepper, Training
from nnlab.view import code


def shown(text: str, fn_or_source) -> bool:
    """Whether the page text holds every line of this source, in order, whitespace aside
    (highlighting splits tokens into spans; line numbers sit in a column of their own; a
    comment may follow a line). Lines with < or > are skipped: the page text is made by
    stripping tags, which cannot tell ``a <= b`` from one."""
    source = fn_or_source if isinstance(fn_or_source, str) else code.source(fn_or_source)
    page, at = re.sub(r"\s+", "", text), 0
    for line in source.splitlines():
        line = re.sub(r"\s+", "", line)
        if not line or "<" in line or ">" in line:
            continue
        at = page.find(line, at)
        if at < 0:
            return False
        at += len(line)
    return True


@pytest.fixture(scope="module")
def pages():
    """Each lesson with code, run once at its defaults: (outputs, defs, page text)."""
    out = {}
    for name in ("01_one_neuron", "02_backprop_by_hand", "03_training_xor", "04_convergence",
                 "05_playground", "06_activations", "07_gradient_check", "08_handwriting"):
        outputs, defs = load_app(f"{name}.py").run()
        out[name[:2]] = (outputs, defs, page_text(outputs))
    return out


# --- the helpers ------------------------------------------------------------------------------

def test_a_block_is_a_fence_with_marked_lines_and_can_fold():
    text = code.block("a = 1\nb = 2\n", title="t", first_line=10, marked=[11], mark="here")
    assert text.startswith("**t**") and "```python\na = 1\nb = 2  # ◀ here\n```" in text
    with pytest.raises(ValueError, match="marked"):
        code.block("a = 1\n", marked=[3])
    folded = code.block("a = 1\n", title="the loop", collapsed=True)
    assert folded.startswith("/// details | the loop") and folded.endswith("///")


def test_annotated_puts_each_computed_number_beside_its_line():
    text = code.annotated("z = w * x + b\nh, g = f(z), f(-z)\nStep(dz=z * 2, z=z,\n",
                          {"z": 0.5, "h": 0.25, "g": -0.0, "dz": 1.0})
    lines = text.splitlines()
    assert lines[0].endswith("# z = 0.5") and lines[1].endswith("# h = 0.25, g = 0")
    assert lines[2].endswith("# dz = 1")  # z=z passes a number on, it computes nothing


def test_differing_lines_finds_the_one_changed_line():
    assert code.differing_lines("a\nb\nc\n", "a\nB\nc\n") == ([2], [2])


# --- lesson by lesson ---------------------------------------------------------------------------

def test_01_shows_the_neuron_that_scored_the_corners(pages):
    _, defs, text = pages["01"]
    assert shown(text, one_neuron.evaluate) and shown(text, activations.sigmoid)
    r = defs["result"]
    again = one_neuron.evaluate(r.w1, r.w2, r.b, r.target)
    np.testing.assert_array_equal(again.outputs, r.outputs)


def test_02_shows_the_nine_number_step_with_each_lines_number(pages):
    _, defs, text = pages["02"]
    step = defs["shown"].step
    for fn in backprop_by_hand.STEP_CODE:
        assert shown(text, code.annotated(code.source(fn), {}))  # the code itself, unchanged
    # every named number of the step is printed beside the line that computed it
    f = step.forward
    for name, value in (("z1", f.z1), ("h2", f.h2), ("y_hat", f.y_hat),
                        ("delta_out", step.delta_out), ("delta_h1", step.delta_h1),
                        ("dw21", step.dw21), ("dc", step.dc)):
        assert f"{name} = {value:.4g}" in text, name
    # the shown functions are the ones the page's numbers came from
    x1, x2, y = f.x1, f.x2, defs["shown"].y
    redo = step.before.gradient(x1, x2, y, defs["shown"].loss)
    assert redo.delta_out == step.delta_out and redo.dw21 == step.dw21


def test_03_shows_the_loop_and_a_plain_program_that_prints_the_fixed_start_table(pages):
    _, defs, text = pages["03"]
    assert shown(text, ReferenceStepper.epoch) and shown(text, Training.advance)
    assert shown(text, xor_fixed_start)
    printed = training_xor.program_output()
    assert training_xor.program_losses(printed) == [
        "0.2518", "0.0888", "0.0034", "0.0015", "0.0010", "0.0007", "0.0006", "0.0005", "0.0004"]
    assert re.findall(r"output (\d\.\d+)", printed) == ["0.020", "0.977", "0.981", "0.018"]
    assert len(code.source(xor_fixed_start).splitlines()) <= 50
    assert all(row["same digits"] == "yes" for row in defs["program_rows"])
    assert "0.2518" in text and "0.0004" in text


def test_03_the_loop_shown_gives_the_pages_numbers():
    """The page trains with the fast engine; the loop it shows gives the same numbers."""
    X, Y = training_xor.xor_arrays()
    setup = training_xor.PRESETS[training_xor.FIXED_START].setup
    fast = setup.train(X, Y)
    shown_loop = nnlab.train(setup.network, setup.start_params(), X, Y, loss=setup.loss,
                             learning_rate=setup.learning_rate, epochs=setup.epochs,
                             engine="reference")
    np.testing.assert_allclose(shown_loop.loss, fast.loss, rtol=0, atol=1e-12)


def test_04_shows_the_rules_that_sorted_the_starts(pages):
    _, defs, text = pages["04"]
    for fn in (verdicts.loss_threshold, verdicts.overshot_at, verdicts.diverged,
               verdicts.on_plateau):
        assert shown(text, fn), fn.__name__
    # the counts on the page come from that rule
    runs = defs["runs"]
    again = verdicts.diverged(runs.converged_at, runs.diverged_at, runs.overshot_at)
    np.testing.assert_array_equal(again, runs.diverged)


def test_05_shows_the_matrix_code_and_this_runs_activation_and_loss(pages):
    _, defs, text = pages["05"]
    result = defs["result"]
    assert shown(text, network.forward_trace) and shown(text, network.backprop)
    hidden = result.network.activations[0]
    loss = nnlab.get_loss(result.settings.loss)
    for fn in (hidden.fn, hidden.slope, loss.fn, loss.sample_delta):
        assert shown(text, fn), fn.__name__
    assert "(n, fan_out) = (n, fan_in) @ (fan_in, fan_out)" in text  # shapes annotated
    assert result.run.settings["loss"] == loss.name


def test_06_shows_each_drawn_activation_value_beside_its_derivative(pages):
    _, defs, text = pages["06"]
    for name in defs["drawn"].value:
        f = nnlab.get_activation(name)
        assert shown(text, f.fn) and shown(text, f.slope), name


def test_07_shows_backprop_and_the_bug_one_marked_line_apart(pages):
    _, _, text = pages["07"]
    assert shown(text, network.backprop) and shown(text, gradcheck.BUGGY_SOURCE)
    only_right, only_wrong = code.differing_lines(code.source(network.backprop),
                                                  gradcheck.BUGGY_SOURCE)
    assert len(only_right) == len(only_wrong) == 1
    shown_code = gradient_check.bug_markdown()
    changed = gradcheck.BUGGY_SOURCE.splitlines()[only_wrong[0] - 1]
    assert f"{changed}{code.MARK}the one changed line" in shown_code["bug whole"]
    assert shown_code["right whole"].count(code.MARK) == 1
    assert changed.strip() in shown_code["bug"] and gradcheck.BUGGY_LINE in changed
    assert gradcheck.CORRECT_LINE in shown_code["right"]


def test_07_the_case_study_first_loss_is_reproduced_exactly(pages):
    _, defs, text = pages["07"]
    assert defs["first_loss"] == gradient_check.PRINTED_FIRST_LOSS == 0.5013730688788007
    assert "equal to the last digit" in text


def test_08_shows_the_run_it_trains_and_the_dropout_masks(pages):
    _, defs, text = pages["08"]
    assert shown(text, handwriting.training) and shown(text, network.dropout_masks)
    # the run on the page is the one that function builds
    again = handwriting.train_digits(handwriting.Settings(), defs["split"])
    assert np.array_equal(again.loss, defs["run"].loss)


def test_no_lesson_runs_code_a_visitor_typed():
    """Code on the pages is read-only output: no code editor, no exec of page input."""
    for name in ("01_one_neuron", "02_backprop_by_hand", "03_training_xor", "04_convergence",
                 "05_playground", "06_activations", "07_gradient_check", "08_handwriting"):
        text = (load_app.__globals__["NOTEBOOKS"] / f"{name}.py").read_text()
        assert "code_editor" not in text and "exec(" not in text and "eval(" not in text
        assert "marimo edit notebooks/" in text, f"{name} says how to edit and re-run its code"


def test_playground_code_lists_each_hidden_activation_once():
    result = playground.run_settings(playground.Settings(activation=("tanh", "tanh")))
    assert playground.code_markdown(result).count("def tanh(") == 1
    assert nine.Nine.forward in backprop_by_hand.STEP_CODE
