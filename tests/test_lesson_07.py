"""Lesson 7, "Checking backpropagation", run through app.run()."""

import pytest

from lesson_helpers import Value, lesson_fixtures, page_html

BUG = "bug: slope taken at the activation"
CONTROLS = {"layers": "4, 3", "activation": "sigmoid", "loss": "mse", "eps": 1e-5,
            "backward": "nnlab's backpropagation", "seed": 1}


def run_with(app, **changes):
    """Run the lesson with some controls changed (the controls cell is replaced whole)."""
    values = {**CONTROLS, **changes}
    return app.run(defs={name: Value(value) for name, value in values.items()})


app, default = lesson_fixtures("07_gradient_check.py")


def test_the_real_backward_passes_at_the_default_settings(default):
    outputs, defs = default
    assert {name: defs[name].value for name in CONTROLS} == CONTROLS
    assert defs["check"].passed and defs["check"].max_error < 1e-8
    text = page_html(outputs)
    assert "Passed" in text and "WRONG" not in text.split("The bug, caught")[0]


def test_the_planted_bug_is_flagged_layer_by_layer(app):
    outputs, defs = run_with(app, backward=BUG)
    check = defs["check"]
    assert not check.passed
    # every hidden layer's error term goes through the changed line; the output's comes from
    # the loss, so its row still agrees
    assert all(max(pair) > 1e-3 for pair in check.layer_errors[:-1])
    assert max(check.layer_errors[-1]) < 1e-6
    assert "Failed" in page_html(outputs)


def test_with_cross_entropy_the_bug_spares_only_the_output_layer(app):
    _, defs = run_with(app, backward=BUG, loss="bce")
    errors = defs["check"].layer_errors
    assert max(errors[-1]) < 1e-8
    assert all(max(pair) > 1e-3 for pair in errors[:-1])


@pytest.mark.parametrize("eps,passes", [(1e-5, True), (1e-1, False)])
def test_the_step_size_matters(app, eps, passes):
    _, defs = run_with(app, eps=eps)
    assert defs["check"].passed is passes


def test_precomputed_tabs_show_both_verdicts(default):
    text = page_html(default[0])
    tabs = text.split("The bug, caught")[1]
    assert "agrees" in tabs and "WRONG" in tabs


def test_the_error_curves_are_a_live_view_on_log_axes():
    from lesson_helpers import load_app
    _, defs = load_app("07_gradient_check.py").run()
    (panel,) = defs["eps_view"].frame["panels"]
    assert panel["x_log"] and panel["log"] and panel["dots"]
    right, bug = panel["series"]
    assert right["name"] == "nnlab's backpropagation" and bug["name"].startswith("bug")
    assert len(right["x"]) == len(defs["curves"]["nnlab's backpropagation"])
    assert min(v for v in right["y"] if v) < 1e-7 < min(v for v in bug["y"] if v)
