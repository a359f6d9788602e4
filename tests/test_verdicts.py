"""The shared verdict rules (nnlab.verdicts), and each lesson driven into the state where a
verdict used to name the wrong cause, asserting the page now says the true one."""

import dataclasses

import numpy as np
import pytest

from lesson_helpers import Value, load_app, page_html, page_text
from nnlab import Network, train, train_many, verdicts
from nnlab.lessons import convergence, training_xor
from nnlab.lessons import playground as pg
from nnlab.lessons.training_xor import FIXED_START, PRESETS

X, Y = training_xor.xor_arrays()
FIXED_SETUP = PRESETS[FIXED_START].setup


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


def test_one_distance_gives_every_loss_its_threshold():
    # The loss of outputs each 0.1 from their targets, from each loss's own formula.
    assert verdicts.loss_threshold("mse") == pytest.approx(0.01)
    assert verdicts.loss_threshold("half_mse") == pytest.approx(0.005)
    assert verdicts.loss_threshold("bce") == pytest.approx(-np.log(0.9))
    assert verdicts.loss_threshold("softmax_ce") == pytest.approx(-np.log(0.9))
    assert convergence.MATCHED_THRESHOLDS == {k: verdicts.loss_threshold(k)
                                          for k in ("mse", "half_mse", "bce")}
    with pytest.raises(ValueError, match="loss"):
        verdicts.loss_threshold("hinge")
    with pytest.raises(ValueError, match="tolerance"):
        verdicts.loss_threshold("mse", 1.5)


def test_converged_bounds_the_mean_so_one_output_may_be_further_off():
    # One output carries the whole mean of XOR's four: sqrt(4 * 0.01) for squared error,
    # 1 - 0.9^4 for cross-entropy; with a single output the bound is the tolerance itself.
    assert verdicts.worst_output_distance("mse", 4, 0.01) == pytest.approx(0.2)
    assert verdicts.worst_output_distance("half_mse", 4, 0.005) == pytest.approx(0.2)
    assert verdicts.worst_output_distance("bce", 4, -np.log(0.9)) == pytest.approx(1 - 0.9 ** 4)
    for loss in ("mse", "half_mse", "bce"):
        assert verdicts.worst_output_distance(loss, 1, verdicts.loss_threshold(loss)) == \
            pytest.approx(verdicts.TOLERANCE)
    assert verdicts.worst_output_distance("mse", 200, 0.01) == 1.0  # any output at all
    with pytest.raises(ValueError, match="sigmoid"):
        verdicts.worst_output_distance("softmax_ce", 4, 0.1)


def test_overshoot_is_a_loss_above_twice_its_first_epoch():
    assert verdicts.overshot_at([0.7, 0.8, 1.5, 2.5, 2.5]) == 2
    assert verdicts.overshot_at([0.7, 1.4, 0.1]) is None  # exactly 2x is not above it
    curves = np.array([[0.7, 0.7], [2.5, 0.6], [np.nan, 0.5]])
    assert verdicts.overshot_at(curves).tolist() == [1, -1]
    # Blew up, or overshot and never converged; a run that recovered to converge has not.
    assert verdicts.diverged([-1, 50, -1, -1], [-1, -1, 9, -1], [3, 3, -1, -1]).tolist() == [
        True, False, True, False]


def test_the_gradient_check_rule_blames_the_step_when_the_error_moves_with_it():
    assert verdicts.grad_verdict(1e-9, 1e-9, 1e-9) == "agrees"
    assert verdicts.grad_verdict(3e-2, 3e-4, 3) == "step too large"  # falls like eps^2
    assert verdicts.grad_verdict(2e-6, 2e-5, 2e-7) == "step too small"  # rounding
    assert verdicts.grad_verdict(3e-2, 3e-2, 3e-2) == "WRONG"  # flat: the formula
    assert verdicts.grad_verdict(1e-4, 1e-4, 1e-4) == "unclear"  # flat but below 1e-2


def test_rounding_is_blamed_only_when_the_error_rises_as_the_step_shrinks():
    """A wrong formula's error can fall at 10x the step (the curvature there happens to cancel
    some of it) while it stays flat at a tenth of the step: that is not rounding."""
    assert verdicts.grad_verdict(1.9e-1, 1.9e-1, 3.3e-2) == "WRONG"
    assert verdicts.grad_verdict(1.9e-1, 1.93e-1, 3.3e-2) == "WRONG"  # a flat error's noise
    assert verdicts.grad_verdict(2e-5, 2.1e-5, 2e-6) == "unclear"


def test_the_planted_bug_at_a_large_step_is_wrong_not_a_small_step():
    """Lesson 07 with one hidden layer of 3 tanh units, cross-entropy, seed 0, the buggy
    backward pass and eps = 0.1: b1's errors are 1.9e-1 / 1.9e-1 / 3.3e-2 at eps, eps/10 and
    10 eps. It used to read "step too small"."""
    from nnlab import Init, datasets, gradcheck
    data = datasets.xor()
    net = Network([2, 3, 1], activation="tanh")
    params = Init("uniform", seed=0, weight_range=(-2, 2)).draw(net)
    rows = {r.array: r for r in verdicts.gradient_verdicts(
        net, params, data.X, data.Y, "bce", eps=0.1,
        backward=gradcheck.gradients_with_derivative_bug)}
    b1 = rows["b1"]
    assert (b1.error, b1.smaller_step, b1.larger_step) == pytest.approx((0.19, 0.19, 0.033),
                                                                        rel=0.05)
    assert b1.verdict == "WRONG" and rows["W1"].verdict == "WRONG"


def test_symmetric_layers_are_named():
    net = Network([2, 3, 3, 1], activation="relu")
    zeros = [(np.zeros((a, b)), np.zeros(b)) for a, b in zip(net.sizes[:-1], net.sizes[1:])]
    assert verdicts.symmetric_layers(zeros) == [1, 2]
    drawn = training_xor.Setup(hidden=3, start="random").start_params().draw(
        Network([2, 3, 1]), 0)
    assert verdicts.symmetric_layers(drawn) == []


# ---------------------------------------------------------------------------------------------
# train, train_many and sweep say the same thing
# ---------------------------------------------------------------------------------------------


def test_train_many_and_train_share_the_divergence_rule():
    """Cross-entropy at learning rate 20: the loss jumps from ~0.7 to ~2.5 and freezes; no
    number blows up, yet it is divergence, in train's Run.verdict and in train_many alike."""
    net = Network([2, 2, 1])
    seeds = np.arange(12)
    many = train_many(net, X, Y, seeds=seeds, loss="bce", learning_rate=20.0, epochs=300,
                      weight_range=(-2, 2), bias_range=(-0.5, 0.5), threshold=0.105,
                      dtype=np.float64)
    from nnlab import Init
    alone = [train(net, Init("uniform", int(s), weight_range=(-2, 2), bias_range=(-0.5, 0.5)),
                   X, Y, loss="bce", learning_rate=20.0, epochs=300, threshold=0.105)
             for s in seeds]
    assert many.diverged.tolist() == [r.verdict.diverged for r in alone]
    assert many.overshot_at.tolist() == [-1 if r.verdict.overshot_at is None
                                         else r.verdict.overshot_at for r in alone]
    assert many.diverged.sum() >= 8 and (many.diverged_at < 0).all()  # no blow-up at all
    # The loop engine (one train per net) gives the same verdicts as the batched kernel.
    loop = train_many(net, X, Y, seeds=seeds, loss="bce", learning_rate=20.0, epochs=300,
                      weight_range=(-2, 2), bias_range=(-0.5, 0.5), threshold=0.105,
                      dtype=np.float64, engine="loop")
    assert loop.diverged.tolist() == many.diverged.tolist()


def test_a_sweep_counts_overshoots_as_divergence():
    result = convergence.run_sweep(convergence.Grid(learning_rates=(2.0, 20.0), init_ranges=(2.0,),
                                            seeds=10, epochs=300, chunks=1), 2, "bce")
    assert result.fraction_diverged[0, 0] == 0 and result.fraction_diverged[1, 0] >= 0.8


# ---------------------------------------------------------------------------------------------
# Lesson 03: one convergence rule for every loss, overshoot flagged
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson03():
    app = load_app("03_training_xor.py")
    return app, app.run(defs={"scenario_runs": {}})


def run03(lesson03, **changes):
    app, default = lesson03
    values = {**default[1]["controls"].value, **changes}
    return app.run(defs={"controls": Value(values), "scenario_runs": {}})


def test_lesson03_cross_entropy_with_outputs_at_0_001_is_converged(lesson03):
    """It used to read "Still learning" (its loss 0.0013 was above a 0.001 meant for mse)."""
    outputs, defs = run03(lesson03, loss="bce")
    assert np.abs(defs["final_outputs"] - Y[:, 0]).max() < 0.01
    assert defs["diagnosis"].status == "converged" and defs["run"].converged_at == 301
    assert "Converged at epoch 301" in page_text(outputs)
    assert "its value when every output is 0.1 from its target" in page_text(outputs)


def test_lesson03_both_losses_converge_by_the_same_distance(lesson03):
    _, mse = run03(lesson03, loss="mse")
    _, bce = run03(lesson03, loss="bce")
    for defs in (mse, bce):
        run = defs["run"]
        at = run.converged_at
        # At the convergence epoch both losses' outputs are within ~0.1 of their targets.
        assert np.abs(run.outputs[at, :, 0] - Y[:, 0]).max() < 0.15
        assert np.abs(run.outputs[at - 1, :, 0] - Y[:, 0]).max() > 0.05


def test_lesson03_overshoot_is_flagged_as_divergence(lesson03):
    outputs, defs = run03(lesson03, loss="bce", learning_rate=10.0)
    assert defs["run"].diverged_at is None  # nothing blew up...
    assert defs["diagnosis"].status == "diverged"  # ...but a step overshot
    text = page_text(outputs)
    assert "a step overshot" in text and "Stuck on a plateau" not in text
    # The rule is "never converged at any epoch", not "never converged after the overshoot".
    assert verdicts.overshoot_words(defs["run"]) in defs["diagnosis"].message
    assert "converged after" not in defs["diagnosis"].message


def test_lesson03_an_overshoot_after_converging_is_not_called_a_recovery():
    """The rule calls a run that converged at any epoch converged, also when a step overshot
    later; the callout must not say it recovered from an overshoot that came after."""
    run = FIXED_SETUP.train(X, Y)
    at = run.verdict.epoch
    loss = run.loss.copy()
    loss[at + 5] = 3 * loss[0]  # a later step overshoots
    later = dataclasses.replace(run, loss=loss)
    assert later.verdict.status == "converged" and later.verdict.overshot_at == at + 5
    message = training_xor.diagnose(later).message
    assert "recovered" not in message and f"overshot at epoch {at + 5}" in message


def test_lesson03_attempts_table_says_diverged_when_the_callout_does(lesson03):
    """An overshoot (nothing blew up) used to read "no" in the attempts table while the
    callout above it said the run diverged."""
    outputs, defs = run03(lesson03, loss="bce", learning_rate=10.0)
    run, (attempt,) = defs["run"], defs["attempts"]
    assert run.diverged_at is None and defs["diagnosis"].status == "diverged"
    assert attempt["converged"] == f"diverged at epoch {run.verdict.epoch} (a step overshot)"
    assert attempt["converged"] in page_text(outputs)


def test_lesson03_precomputed_losses_get_their_own_axes():
    runs = training_xor.scenarios(X, Y)["MSE vs BCE, same start"]
    groups = training_xor.runs_by_loss(runs)
    assert [list(g) for g, _ in groups] == [["mse"], ["bce"]]
    assert [t for _, t in groups] == pytest.approx([0.01, -np.log(0.9)])


# ---------------------------------------------------------------------------------------------
# Lesson 04: the divergence count comes from the shared rule
# ---------------------------------------------------------------------------------------------


def test_lesson04_cross_entropy_at_rate_20_counts_divergence_not_plateaus():
    app = load_app("04_convergence.py")
    controls = {"learning_rate": 20.0, "init_range": 2.0, "starts": 20, "epochs": 1000}
    outputs, defs = app.run(defs={"controls": Value(controls), "loss": Value("bce"),
                                  "hidden": Value(2), "static_maps": {}})
    runs, starts = defs["runs"], defs["starts"]
    stats = convergence.starts_stats(runs)
    # The count is the shared rule applied to every start...
    assert stats["diverged"] == int(verdicts.diverged(runs.converged_at, runs.diverged_at,
                                                      runs.overshot_at).sum()) >= 15
    # ...and train's Run.verdict, net by net, agrees on every start that overshot (the page
    # trains in float32, so a chaotic run's later epochs may differ in the last bits).
    alone = [train(starts.network, training_xor.Setup(start="random", seed=int(s),
                                                 weight_range=(-2.0, 2.0)).init, X, Y,
                   loss="bce", learning_rate=20.0, epochs=1000, threshold=starts.threshold,
                   dtype=np.float32) for s in runs.seeds]
    assert [r.verdict.overshot_at or -1 for r in alone] == runs.overshot_at.tolist()
    agree = sum(r.verdict.diverged == d for r, d in zip(alone, runs.diverged))
    assert agree >= len(alone) - 1
    text = page_text(outputs)
    assert f"{stats['diverged']} diverged (a step overshot" in text
    assert stats["stuck"] <= 2
    # The prose states the rule: an overshoot counts when the run never converged at all.
    assert "never converging after" not in text and "never converged at any epoch" in text


# ---------------------------------------------------------------------------------------------
# Lesson 05: the divergence flag from the shared rule; a symmetric start is not "dead"
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson05():
    return load_app("05_playground.py")


def run05(app, settings: pg.Settings):
    return app.run(defs={"url_params": pg.to_query(settings), "scenario_results": {}})


def test_lesson05_learning_rate_10_is_flagged_as_divergence(lesson05):
    outputs, defs = run05(lesson05, pg.Settings(learning_rate=10.0))
    run = defs["result"].run
    assert run.diverged_at is None and run.verdict.diverged  # overshoot, by the shared rule
    assert run.verdict == verdicts.of_run(run) and run.verdict.cause == "overshoot"
    text = page_text(outputs)
    assert "training diverged at epoch 1: a step overshot" in text
    assert verdicts.overshoot_words(run) in text and "since" not in pg.summary(defs["result"])


def test_lesson05_regression_is_judged_by_blow_ups_only(lesson05):
    # The converged and overshoot rules measure outputs against 0/1 targets. A regression run
    # whose loss jumps at its first step and then falls to 0.03 did not diverge, and the page
    # must not say so (nor paint its line red); a regression run that blows up did.
    outputs, defs = run05(lesson05, pg.Settings(dataset="bump", output_loss="mse_linear"))
    run = defs["result"].run
    assert verdicts.overshot_at(run.loss) == 1 and run.loss[-1] < 0.05
    assert run.verdict == verdicts.Verdict("not converged", overshot_at=1)
    line = pg.summary(defs["result"])
    assert line.startswith("300 epochs: training loss") and line in page_text(outputs)
    assert "diverged at epoch" not in page_text(outputs)
    outputs, defs = run05(lesson05, pg.Settings(dataset="plane", output_loss="mse_linear",
                                                learning_rate=3.0))
    run = defs["result"].run
    assert run.verdict.cause == "blew up" and run.verdict.epoch == run.diverged_at
    assert pg.summary(defs["result"]) in page_text(outputs)
    assert pg.summary(defs["result"]).startswith(f"training diverged at epoch {run.diverged_at}")


def test_lesson05_all_zero_start_is_called_symmetry_not_dead(lesson05):
    outputs, defs = run05(lesson05, pg.Settings(init="zeros"))
    text = page_text(outputs)
    assert "started as exact copies of each other" in text
    assert "are dead" not in text
