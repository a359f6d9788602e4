"""Lesson 7, "Checking backpropagation", run through app.run()."""

import numpy as np
import pytest

from lesson_helpers import Value, lesson_fixtures, page_html, page_text, state
from nnlab import Init

BUG = "bug: slope taken at the activation"
CONTROLS = {"layers": "4, 3", "activation": "sigmoid", "loss": "mse", "eps": 1e-5,
            "backward": "nnlab's backpropagation", "seed": 1}


def run_with(app, **changes):
    """Run the lesson with some controls changed (the controls cell is replaced whole)."""
    values = {**CONTROLS, **changes}
    return app.run(defs={name: Value(value) for name, value in values.items()})


app, default = lesson_fixtures("07_gradient_check.py")


def verdicts_of(defs) -> dict:
    return {row.array: row.verdict for row in defs["check_rows"]}


def test_the_real_backward_passes_at_the_default_settings(default):
    outputs, defs = default
    assert {name: defs[name].value for name in CONTROLS} == CONTROLS
    assert set(verdicts_of(defs).values()) == {"agrees"}
    assert max(row.error for row in defs["check_rows"]) < 1e-8
    text = page_html(outputs)
    # "WRONG" appears once above the bug section: where the prose says what it means.
    assert "Passed" in text and text.split("The bug, caught")[0].count("WRONG") == 1


def test_the_planted_bug_is_flagged_layer_by_layer(app):
    outputs, defs = run_with(app, backward=BUG)
    rows = defs["check_rows"]
    # every hidden layer's error term goes through the changed line; the output layer's
    # comes from the loss, so its arrays still agree
    last = max(int(row.array[1:]) for row in rows)
    hidden = [row for row in rows if int(row.array[1:]) < last]
    assert hidden and all(row.error > 1e-3 and row.verdict == "WRONG" for row in hidden)
    assert all(row.error < 1e-6 for row in rows if int(row.array[1:]) == last)
    assert "Failed" in page_html(outputs)


def test_with_cross_entropy_the_bug_spares_only_the_output_layer(app):
    _, defs = run_with(app, backward=BUG, loss="bce")
    verdict = verdicts_of(defs)
    assert verdict["W3"] == verdict["b3"] == "agrees"
    assert {verdict[k] for k in ("W1", "b1", "W2", "b2")} == {"WRONG"}


def test_a_large_step_is_blamed_on_the_step_not_on_correct_code(app):
    """At eps = 0.1 the correct pass's errors are ~1e-3 (they follow eps^2: 100x smaller at
    eps = 0.01), so no row may say WRONG and the callout must not accuse a formula."""
    outputs, defs = run_with(app, eps=1e-1)
    rows = defs["check_rows"]
    worst = max(rows, key=lambda r: r.error)
    assert worst.error > 1e-4 and worst.smaller_step < worst.error / 50
    assert "WRONG" not in verdicts_of(defs).values()
    assert "step too large" in verdicts_of(defs).values()
    text = page_html(outputs).split("One number, up close")[0]
    assert "The step is too large, not the code" in text and "Failed" not in text
    assert "formula in this backward pass" not in text


def test_the_bug_stays_wrong_at_a_large_step(app):
    """The buggy pass's error is flat in eps (~3e-2 at 0.1, 0.01 and 1): still WRONG."""
    outputs, defs = run_with(app, eps=1e-1, backward=BUG)
    assert "WRONG" in verdicts_of(defs).values()
    assert "Failed" in page_html(outputs)


def test_a_flat_error_at_a_smaller_step_is_not_blamed_on_rounding(app):
    """One hidden layer of 3 tanh units, cross-entropy, seed 0, the bug, eps = 0.1: b1's error
    is ~1.9e-1 at eps and at eps/10 (flat), lower only at 10 eps. Rounding would make it rise
    at eps/10, so the row is the formula's, not "step too small"."""
    outputs, defs = run_with(app, layers="3", activation="tanh", loss="bce", seed=0,
                             eps=1e-1, backward=BUG)
    verdict = verdicts_of(defs)
    assert verdict["W1"] == verdict["b1"] == "WRONG"
    assert "step too small" not in verdict.values()
    assert "W1, b1 are wrong" in page_html(outputs)


def test_a_tiny_step_is_blamed_on_rounding(app):
    outputs, defs = run_with(app, eps=1e-9)
    assert "WRONG" not in verdicts_of(defs).values()
    assert "step too small" in verdicts_of(defs).values()
    assert "The step is too small, not the code" in page_html(outputs)


def test_the_step_slider_shows_its_value(default):
    assert default[1]["eps"]._component_args["show-value"] is True


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


@pytest.mark.parametrize("typed, says", [(-5, "weight seed: a whole number >= 0; got -5"),
                                         (2.5, "weight seed: a whole number >= 0; got 2.5"),
                                         (None, "weight seed: a whole number >= 0; got None")])
def test_a_refused_seed_is_named_and_the_last_good_start_stays(app, typed, says):
    _, good = run_with(app, seed=7)
    outputs, defs = app.run(defs={**{name: Value(value) for name, value in
                                     {**CONTROLS, "seed": typed}.items()},
                                  **state("good", (good["net"], good["params"]))})
    assert defs["problem"] == says
    assert f"These settings cannot run: {says}" in page_text(outputs)
    assert defs["params"] is good["params"]  # the tables and curves check the seed-7 start
    assert set(verdicts_of(defs).values()) == {"agrees"}


def test_a_large_seed_is_used_as_typed_not_clamped(app):
    _, defs = run_with(app, seed=99_999)
    assert defs["problem"] is None
    expected = Init("uniform", seed=99_999, weight_range=(-2, 2)).draw(defs["net"])
    for (W, b), (W_want, b_want) in zip(defs["params"], expected):
        assert np.array_equal(W, W_want) and np.array_equal(b, b_want)


def test_the_seed_box_has_no_bounds_to_clamp_to(default):
    seed = default[1]["seed"]
    assert seed.start is None and seed.stop is None and seed.value == 1


def test_a_refused_seed_with_no_earlier_start_checks_the_default_one(app, default):
    outputs, defs = run_with(app, seed=-1)
    assert "These settings cannot run: weight seed" in page_text(outputs)
    for (W, b), (W_want, b_want) in zip(defs["params"], default[1]["params"]):
        assert np.array_equal(W, W_want) and np.array_equal(b, b_want)


def test_the_code_blocks_are_stacked_and_the_prose_says_so(default):
    """The real line and the buggy one (then both whole functions) sit one above the other,
    so the prose must say above and below: no "left" or "right" for where a block is."""
    outputs, _ = default
    (stack,) = [o.text for o in outputs
                if o is not None and "correct: the slope at z" in getattr(o, "text", "")]
    assert stack.startswith("<div style='display: flex;flex: 1;flex-direction: column;")
    order = [stack.index(t) for t in ("correct: the slope at z", "the bug: the slope at a",
                                      "nnlab.network.backprop", "the same function with the bug")]
    assert order == sorted(order)
    text = page_html(outputs)
    assert "one above the other" in text and 'exactly the edit marked "the bug"' in text
    for wrong in ("Below, left", "; right, the", "on the right above", "side by side"):
        assert wrong not in text, wrong
