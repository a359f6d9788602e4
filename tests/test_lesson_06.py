"""Lesson 6, activation functions: the notebook run through app.run(), and nnlab.lessons.activations."""

import math

import numpy as np
import pytest

import nnlab
from lesson_helpers import Value, load_app, page_text
from nnlab.lessons import activation_study
from nnlab.view import plots
from nnlab.diagnostics import LayerHealth

LESSON = "06_activations.py"
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")


@pytest.fixture(scope="module")
def lesson_page():
    """The notebook at its defaults: (outputs, defs)."""
    return load_app(LESSON).run()


@pytest.fixture(scope="module")
def lesson(lesson_page):
    return lesson_page[1]


CONTROLS = {  # the defaults of every widget cell a test changes (a cell is replaced whole)
    "deep_form": dict(depth=6, left="sigmoid", right="relu", learning_rate=0.1, epochs=500),
    "health_activation": "relu", "weight_scale": 1, "bias_range": [-0.5, 0.5],
}


def run_with(lesson, **values):
    """The notebook with some widget values replaced. The default race (12 nets) is passed in
    so that each of these runs does not train it again."""
    defs = {name: Value(values.get(name, default)) for name, default in CONTROLS.items()}
    defs["DEEP_DEFAULTS"] = lesson["DEEP_DEFAULTS"]
    defs["comparison"] = lesson["comparison"]
    return load_app(LESSON).run(defs=defs)[1]


def _finite_runs(runs):
    for run in runs:
        assert np.isfinite(run.loss).all() and np.isfinite(run.accuracy).all()
        if run.grad_norms is not None:
            assert np.isfinite(run.grad_norms).all()
        assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in run.params)


# ---- the notebook ------------------------------------------------------------------------

def test_race_reports_every_activation_from_the_same_starts(lesson):
    race = lesson["comparison"]
    assert race.activations == ACTIVATIONS and race.seeds == (0, 1, 2)
    assert race.sizes == (2, 16, 8, 1)
    assert race.learning_rates == {"sigmoid": 1.0, "tanh": 0.1, "relu": 0.1, "leaky_relu": 0.1}
    accuracy = race.final_accuracy()
    for name in ("tanh", "relu", "leaky_relu"):
        assert accuracy[name].min() >= 0.98, name
    assert accuracy["sigmoid"].min() >= 0.95
    for i in range(3):
        runs = {name: race.runs[name][i] for name in ACTIVATIONS}
        assert all(run.epochs == 2000 for run in runs.values())
        # Xavier and He draw the same numbers from one seed; He scales them by sqrt(2).
        for (Ws, _), (Wt, _), (Wr, _), (Wl, _) in zip(*(r.initial_params for r in runs.values())):
            np.testing.assert_array_equal(Ws, Wt)
            np.testing.assert_allclose(Ws * math.sqrt(2), Wr, rtol=1e-12)
            np.testing.assert_array_equal(Wr, Wl)
    rows = {row["activation"]: row for row in race.table()}
    assert list(rows) == list(ACTIVATIONS)
    # ReLU reaches 95 % long before the sigmoid does, even at a tenth of its learning rate.
    assert int(rows["relu"]["epochs to 95 %"]) * 3 < int(rows["sigmoid"]["epochs to 95 %"])


def test_deep_sigmoid_net_starves_its_first_layer(lesson):
    runs = lesson["deep_runs"]
    assert list(runs) == ["sigmoid", "relu"]
    sigmoid, relu = runs["sigmoid"], runs["relu"]
    assert sigmoid.network.sizes == (2, 8, 8, 8, 8, 8, 8, 1)
    assert sigmoid.grad_norms.shape == (500, 7)
    s, r = sigmoid.grad_norms, relu.grad_norms
    assert s[0, 0] < 1e-3 * s[0, -1]  # first layer vs last layer of the sigmoid net
    assert s[0, 0] < 1e-2 * r[0, 0]  # and vs the ReLU net's first layer
    assert np.median(s[:, 0]) < 1e-3 * np.median(r[:, 0])  # and it stays starved
    assert sigmoid.accuracy[-1] < 0.6 < 0.9 < relu.accuracy[-1]


def test_gradient_chart_data_show_the_vanishing_gradient(lesson):
    def first_values(run):
        rows = plots.gradient_chart(run).data["values"]
        return {row["group"].split(" (")[0]: row["value"] for row in rows if row["epoch"] == 0}

    sigmoid, relu = (first_values(run) for run in lesson["deep_runs"].values())
    assert len(sigmoid) == 7 and all(v > 0 and math.isfinite(v) for v in sigmoid.values())
    assert sigmoid["layer 1"] < 1e-3 * sigmoid["layer 7"]
    assert sigmoid["layer 1"] < relu["layer 1"]
    table = activation_study.gradient_rows(lesson["deep_runs"])
    assert table[-1]["layer"] == "first layer / last layer"
    assert float(table[-1]["sigmoid"]) < 1e-3 < 0.1 < float(table[-1]["relu"])


def test_two_sigmoid_layers_learn_where_six_do_not(lesson):
    defs = run_with(lesson, deep_form=dict(depth=2, left="sigmoid", right="relu",
                                           learning_rate=1.0, epochs=2000))
    sigmoid = defs["deep_runs"]["sigmoid"]
    assert sigmoid.network.sizes == (2, 8, 8, 1) and defs["deep_error"] is None
    assert sigmoid.accuracy[-1] >= 0.95
    assert activation_study.first_to_last(sigmoid) > 100 * activation_study.first_to_last(
        lesson["deep_runs"]["sigmoid"])


def test_at_six_layers_sigmoid_dies_and_relu_does_not(lesson):
    """The Try-it's "back to 6 layers at learning rate 0.3": the comparison must show the
    sigmoid net at chance and the ReLU net learning (at 1.0 both fail, for different
    reasons, as the text says)."""
    defs = run_with(lesson, deep_form=dict(depth=6, left="sigmoid", right="relu",
                                           learning_rate=0.3, epochs=2000))
    sigmoid, relu = defs["deep_runs"]["sigmoid"], defs["deep_runs"]["relu"]
    assert sigmoid.accuracy[-1] < 0.6 and relu.accuracy[-1] >= 0.95
    # The sigmoid net's gradients, output layer included, collapse within ~50 epochs...
    assert sigmoid.grad_norms[50].max() < 1e-5 < sigmoid.grad_norms[0].max()
    # ...because the last hidden layer hands the output almost the same numbers everywhere.
    from nnlab import forward_trace
    trace = forward_trace(sigmoid.network, sigmoid.params, lesson["deep_data"].X)
    assert trace.activations[-2].std(axis=0).max() < 1e-3  # vs ~0.2 in the first layer
    fast = run_with(lesson, deep_form=dict(depth=6, left="sigmoid", right="relu",
                                           learning_rate=1.0, epochs=2000))
    assert fast["deep_runs"]["relu"].grad_norms[-1].max() == 0  # every ReLU unit dead


def test_the_deep_sigmoid_text_says_what_its_gradients_do_at_the_defaults(lesson_page):
    """Every number in the prose under the deep comparison, checked against the run at the
    default settings (6 layers, learning rate 0.1, 500 epochs)."""
    outputs, defs = lesson_page
    run = defs["deep_runs"]["sigmoid"]
    out = run.grad_norms[:, -1]  # the output layer's gradient, epoch by epoch
    below = int(np.flatnonzero(out < 1e-5)[0])
    # What the page used to say ("within about 50 epochs ... about 1e-6") is not so here:
    assert out[50] > 1e-4 and out.min() > 1e-6
    last = run.grad_norms[-1]
    moving = np.flatnonzero(~(np.abs(run.grad_norms - last) <= 0.05 * last).all(axis=1))
    flat = int(moving[-1]) + 1
    assert (below, int(out.argmin()), flat) == (119, 275, 167)
    from nnlab import forward_trace
    trace = forward_trace(run.network, run.params, defs["deep_data"].X)
    spread = trace.activations[-2].std(axis=0).max()

    def power(v):
        mantissa, exponent = f"{v:.1e}".split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"

    story = activation_study.sigmoid_story(run, defs["deep_data"].X)
    for piece in (f"at the start the first layer gets ${power(activation_study.first_to_last(run))}$ "
                  "times the output layer's gradient, about 5 orders of magnitude less",
                  f"Its loss ends at {run.loss[-1]:.4f}",
                  f"starts at ${power(out[0])}$ and falls below $10^{{-5}}$ at epoch {below}",
                  f"the lowest it reaches is ${power(out.min())}$ (epoch {int(out.argmin())})",
                  f"From epoch {flat} on every line is flat",
                  f"vary by only about ${power(spread)}$",
                  f"{trace.activations[1].std(axis=0).max():.2f} in the first hidden layer",
                  "it ends up answering 0.5 everywhere"):
        assert piece in story, piece
    assert abs(run.loss[-1] - math.log(2)) < 1e-6
    assert np.abs(trace.activations[-1] - 0.5).max() < 1e-4
    text = page_text(outputs)
    assert f"at epoch {below}; the lowest it reaches is" in text
    assert f"From epoch {flat} on every line is flat" in text
    assert "Within about 50 epochs" not in text


def test_the_deep_text_follows_the_settings(lesson):
    """At 2 layers and learning rate 1.0 the sigmoid net learns, and the text says so instead
    of telling the collapse; with no sigmoid net it says where to find one."""
    defs = run_with(lesson, deep_form=dict(depth=2, left="sigmoid", right="relu",
                                           learning_rate=1.0, epochs=2000))
    run = defs["deep_runs"]["sigmoid"]
    story = activation_study.sigmoid_story(run, defs["deep_data"].X)
    assert f"classifies {100 * run.accuracy[-1]:.0f} % of the points correctly: enough" in story
    assert "answering 0.5 everywhere" not in story and "every line is flat" not in story
    outputs, _ = load_app(LESSON).run(defs={
        **{n: Value(v) for n, v in CONTROLS.items()},
        "deep_form": Value(dict(depth=2, left="tanh", right="relu", learning_rate=0.1,
                                epochs=100)),
        "DEEP_DEFAULTS": lesson["DEEP_DEFAULTS"], "comparison": lesson["comparison"]})
    assert "Pick sigmoid for one of the two networks" in page_text(outputs)


def test_relu_stays_visible_under_leaky_relu():
    frame = activation_study.activation_frame(["sigmoid", "leaky_relu", "relu"], 5)
    for panel in frame["panels"]:
        series = {s["name"].split(" ")[0]: s for s in panel["series"]}
        order = [s["name"].split(" ")[0] for s in panel["series"]]
        assert order.index("relu") < order.index("leaky_relu")  # drawn underneath
        assert series["relu"]["width"] > 2 and series["leaky_relu"]["dash"]


def test_the_same_activation_twice_is_refused_and_the_page_keeps_charts(lesson):
    defs = run_with(lesson, deep_form=dict(depth=3, left="relu", right="relu",
                                           learning_rate=0.1, epochs=100))
    assert "each name once" in defs["deep_error"]
    assert list(defs["deep_runs"]) == ["sigmoid", "relu"]  # the default pair, still drawn
    assert defs["deep_runs"]["sigmoid"].epochs == 500


def test_default_start_is_mostly_healthy_and_learns(lesson):
    health = lesson["health"]
    assert [layer.units for layer in health.start] == [16, 8]
    assert activation_study.flagged_share(health.start) <= 0.1
    assert health.run.epochs == 300 and health.run.accuracy[-1] >= 0.9


def test_negative_biases_kill_relu_units_for_good(lesson):
    health = run_with(lesson, health_activation="relu", bias_range=[-3.0, -1.0])["health"]
    first = health.start[0]
    assert len(first.dead) >= 10
    assert set(first.dead) <= set(health.end[0].dead)  # the first layer's inputs never change
    messages = activation_study.health_messages(health.start, 500)
    assert messages[0].startswith(f"{len(first.dead)} of 16 units in hidden layer 1 are dead")
    assert health.run.loss[-1] == pytest.approx(math.log(2), abs=1e-3)


def test_leaky_relu_is_never_flagged_dead(lesson):
    health = run_with(lesson, health_activation="leaky_relu", bias_range=[-3.0, -1.0])["health"]
    assert all(not layer.dead for layer in health.start + health.end)


def test_large_weights_saturate_tanh_units(lesson):
    health = run_with(lesson, health_activation="tanh", weight_scale=16)["health"]
    assert len(health.start[1].saturated) >= 4
    assert "saturated" in " ".join(activation_study.health_messages(health.start))
    moderate = run_with(lesson, health_activation="tanh", weight_scale=0.5)["health"]
    assert activation_study.flagged_share(moderate.start) == 0


def test_race_epochs_come_from_the_form():
    defs = load_app(LESSON).run(defs={"race_form": Value("500"), "RACE_EPOCHS": 2000})[1]
    race = defs["comparison"]
    assert {run.epochs for runs in race.runs.values() for run in runs} == {500}


def test_no_nan_anywhere(lesson):
    _finite_runs(run for runs in lesson["comparison"].runs.values() for run in runs)
    _finite_runs(lesson["deep_runs"].values())
    _finite_runs([lesson["health"].run])


# ---- nnlab.lessons.activations -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rings():
    return nnlab.datasets.circles(60, noise=0.1, factor=0.5, seed=1)


def test_compare_with_one_init_starts_every_activation_from_identical_weights(rings):
    result = activation_study.compare_activations(rings, (4,), ("sigmoid", "relu"), (3, 4),
                                         init="xavier", learning_rate={"sigmoid": 1.0, "relu": 0.1},
                                         epochs=5)
    for i, seed in enumerate((3, 4)):
        a, b = (result.runs[name][i].initial_params for name in ("sigmoid", "relu"))
        for (Wa, ba), (Wb, bb) in zip(a, b):
            np.testing.assert_array_equal(Wa, Wb)
        assert result.for_seed(seed)["relu"] is result.runs["relu"][i]
    assert result.runs["sigmoid"][0].settings["learning_rate"] == 1.0
    with pytest.raises(ValueError, match="seed must be one of"):
        result.for_seed(9)


def test_compare_trains_softmax_outputs_for_several_classes():
    blobs = nnlab.datasets.blobs(60, n_classes=3, seed=0)
    result = activation_study.compare_activations(blobs, (5,), ("tanh",), epochs=3)
    run = result.runs["tanh"][0]
    assert result.sizes == (2, 5, 3) and run.network.output == "softmax"
    assert run.loss_name == "softmax_ce"


@pytest.mark.parametrize("kwargs, message", [
    (dict(activations=("relu", "relu")), "each name once"),
    (dict(activations=("swish",)), "activation: one of"),
    (dict(activations=()), "at least one"),
    (dict(seeds=(-1,)), "seeds must be"),
    (dict(learning_rate=0.0), "learning_rate must be a positive number"),
    (dict(learning_rate=float("nan")), "learning_rate must be a positive number"),
    (dict(learning_rate={"tanh": 0.1}, activations=("tanh", "relu")), "no value for relu"),
    (dict(init="glorot"), "init must be"),
])
def test_compare_rejects_bad_settings_with_a_message(rings, kwargs, message):
    kwargs = {"activations": ("tanh",), **kwargs}
    with pytest.raises(ValueError, match=message):
        activation_study.compare_activations(rings, (3,), epochs=2, **kwargs)


def test_gradient_helpers_name_layers_and_need_a_gradient_record(rings):
    assert activation_study.layer_names((2, 4, 3, 1)) == [
        "layer 1 (input -> hidden 1)", "layer 2 (hidden 1 -> hidden 2)",
        "layer 3 (hidden 2 -> output)"]
    untracked = activation_study.compare_activations(rings, (3,), ("tanh",), epochs=2).runs["tanh"][0]
    with pytest.raises(ValueError, match="track_gradients"):
        activation_study.first_to_last(untracked)
    tracked = activation_study.compare_activations(rings, (3,), ("tanh",), epochs=4,
                                          track_gradients=True).runs["tanh"][0]
    g = tracked.grad_norms
    assert activation_study.first_to_last(tracked, 2) == pytest.approx(g[2, 0] / g[2, -1])
    with pytest.raises(ValueError, match="epoch must be"):
        activation_study.first_to_last(tracked, 4)


def test_health_messages_and_rows_read_like_sentences():
    one = LayerHealth(1, "relu", 16, (), (2,), np.zeros(16))
    three = LayerHealth(2, "sigmoid", 8, (0, 4, 7), (), np.ones(8))
    assert activation_study.health_messages([one, three], 500) == [
        "1 of 16 units in hidden layer 1 is dead: unit 3 has z ≤ 0 on all 500 points",
        "3 of 8 units in hidden layer 2 are saturated: units 1, 5, 8 sit near a bound on "
        "almost every point"]
    leaky = LayerHealth(1, "leaky_relu", 4, (), (), np.zeros(4))
    rows = activation_study.health_rows([one, leaky], "at the start")
    assert rows[0]["when"] == "at the start" and rows[0]["flagged"] == "1 dead"
    assert rows[1]["flagged"] == "never flagged (leaky_relu)"
    assert activation_study.flagged_share([one, three]) == pytest.approx(4 / 24)
    assert activation_study.health_messages([leaky]) == []


def test_health_scan_counts_more_saturation_for_larger_weights(rings):
    rows = activation_study.health_scan(rings, (8,), ("tanh", "leaky_relu"), (0.5, 16))
    assert rows[0]["tanh"] == "0 %" and int(rows[1]["tanh"].rstrip(" %")) > 20
    assert rows[1]["leaky_relu"] == "0 %"
    with pytest.raises(ValueError, match="weight_scale"):
        activation_study.health_study(rings, (3,), "relu", weight_scale=-1)


def test_run_notes_explain_a_diverged_run(rings):
    net = nnlab.Network([2, 6, 1], "relu", output="identity")
    run = nnlab.train(net, nnlab.Init("he", seed=0), rings.X, rings.Y, loss="mse",
                      learning_rate=50.0, epochs=60)
    calm = activation_study.compare_activations(rings, (6,), ("relu",), epochs=3).for_seed(0)
    assert run.diverged_at is not None and activation_study.run_notes(calm) == []
    assert activation_study.run_notes({"relu": run}) == [
        f"relu: training diverged at epoch {run.diverged_at}: the learning rate 50 is too "
        "large for this net; the charts stop at the last finite epoch. Try a smaller "
        "learning rate."]


def test_run_notes_follow_the_shared_verdict_on_an_overshoot(rings):
    """tanh at learning rate 10: the loss jumps above twice its start and never converges,
    yet no number blows up. run.verdict says diverged; the notes used to say nothing."""
    runs = activation_study.compare_activations(rings, (6,), ("tanh", "relu"), epochs=100,
                                                learning_rate={"tanh": 10.0, "relu": 3.0})
    runs = runs.for_seed(0)
    tanh, relu = runs["tanh"], runs["relu"]
    assert tanh.diverged_at is None and tanh.verdict.cause == "overshoot"
    assert relu.verdict.status == "converged"
    (note,) = activation_study.run_notes(runs)
    e = tanh.verdict.epoch
    assert note.startswith(f"tanh: training diverged at epoch {e}: a step overshot")
    assert f"{tanh.loss[e]:.4g}" in note and "learning rate 10 is too large" in note
    assert "last finite epoch" not in note  # nothing blew up: the charts run to the end


def test_formulas_table_uses_each_activations_own_latex():
    text = activation_study.formulas_markdown()
    for name in ACTIVATIONS:
        a = nnlab.ACTIVATIONS[name]
        assert f"${a.formula}$" in text and f"${a.derivative_formula}$" in text
    assert "| sigmoid |" in text and "| 0.25 |" in text


def test_the_activation_curves_are_a_live_view():
    from nnlab import activations
    from nnlab.lessons import activation_study
    from lesson_helpers import Value, load_app, page_text
    _, defs = load_app("06_activations.py").run(defs={
        "z_range": Value(8), "drawn": Value(["sigmoid", "tanh", "relu", "leaky_relu"])})
    f, slope = defs["functions_view"].frame["panels"]
    assert (f["x_min"], f["x_max"]) == (-8.0, 8.0)
    assert [s["name"] for s in f["series"]] == ["sigmoid", "tanh", "relu", "leaky_relu"]
    sigmoid = activations.get_activation("sigmoid")
    assert slope["series"][0]["y"][40] == float(f"{sigmoid.derivative(0.0):.5g}")  # z = 0
    with pytest.raises(ValueError, match="zrange"):
        activation_study.activation_frame(["sigmoid"], -1)


def test_the_health_study_is_a_live_view_with_every_units_map():
    from lesson_helpers import load_app
    _, defs = load_app("06_activations.py").run()
    start, loss, boundary = defs["health_view"].frame["panels"]
    assert start["sizes"] == [2, 16, 8, 1]
    assert [len(layer) for layer in start["maps"]] == [2, 16, 8, 1]  # inputs have none
    assert all(m["w"] == m["h"] == 24 for layer in start["maps"][1:] for m in layer)
    assert loss["kind"] == "curves" and boundary["kind"] == "boundary"
