"""Lesson 5, the playground: the library behind it (nnlab.lessons.playground) and the notebook itself,
run through ``app.run()`` with widgets, state and the URL substituted by plain values."""

import functools
import re
from dataclasses import replace

import numpy as np
import pytest

from lesson_helpers import Value, load_app, page_html, page_text, state
from nnlab import Init, Network, datasets, train
from nnlab.view import plots
from nnlab.lessons import playground as pg
from nnlab.network import forward


class Upload:
    """One uploaded file, as mo.ui.file hands it over."""

    def __init__(self, name, contents):
        self.name, self.contents = name, contents


APP = load_app("05_playground.py")


@functools.cache
def default_run():
    return APP.run()


@pytest.fixture(scope="module")
def default_page():
    return default_run()


def run_page(defs):
    """``APP.run`` with substitutions; the pre-computed tabs are reused from the default page
    (they depend on nothing the tests change) to keep each run short."""
    return APP.run(defs={"scenario_results": default_run()[1]["scenario_results"], **defs})


@pytest.fixture(scope="module")
def default_result(default_page):
    return default_page[1]["result"]


class Controls(Value):
    """Stands in for the ``mo.ui.dictionary`` of controls: new values, the old widgets."""

    def __init__(self, widgets, value):
        super().__init__(value)
        self.widgets = widgets

    def __getitem__(self, key):
        return self.widgets[key]


def controls_with(defs, **changes):
    return Controls(defs["controls"], {**defs["controls"].value, **changes})


# ---------------------------------------------------------------------------------------------
# Parsing what a learner types
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, sizes", [
    ("16,8", (16, 8)), (" 16 , 8 ", (16, 8)), ("4", (4,)), ("", ()), ("none", ()),
    ("64,1,2,3,4,5", (64, 1, 2, 3, 4, 5)),
])
def test_parse_hidden_layers_reads_good_text(text, sizes):
    assert pg.parse_hidden_layers(text) == sizes


@pytest.mark.parametrize("text, says", [
    ("16,,x", "item 2 of 3 is empty"),
    ("16,x", "item 2 of 2 is 'x', not a whole number"),
    ("8,0", "item 2 of 2 is 0, outside 1 to 64"),
    ("65", "item 1 of 1 is 65, outside 1 to 64"),
    ("-3", "not a whole number"),
    ("2.5", "not a whole number"),
    ("1,1,1,1,1,1,1", "7 layers is too many"),
])
def test_parse_hidden_layers_says_which_item_is_wrong_and_what_is_allowed(text, says):
    with pytest.raises(ValueError) as error:
        pg.parse_hidden_layers(text)
    message = str(error.value)
    assert says in message
    assert "whole numbers from 1 to 64" in message and "at most 6 layers" in message


def test_parse_activations():
    assert pg.parse_activations("relu", 2) == "relu"
    assert pg.parse_activations(" relu , TANH ", 2) == ("relu", "tanh")
    with pytest.raises(ValueError, match="3 names for 2 hidden layers"):
        pg.parse_activations("relu,tanh,relu", 2)
    with pytest.raises(ValueError, match="item 2 of 2 is 'swish'; allowed: sigmoid, tanh, relu"):
        pg.parse_activations("relu,swish", 2)


def test_settings_reject_bad_values_with_readable_messages():
    for bad, says in [
        (dict(learning_rate=0), "learning rate must be positive"),
        (dict(learning_rate=100), "learning rate must lie between 1e-05 and 10"),
        (dict(points=5), "points must lie between 20 and 1000"),
        (dict(dataset="mnist"), "dataset must be one of circles, quadrants"),
        (dict(features=("x3",)), "extra features: unknown 'x3'"),
        (dict(epochs=1.5), "epochs must be a whole number"),
        (dict(hidden=(8,), activation=("relu", "tanh")), "2 names for 1 hidden layers"),
    ]:
        with pytest.raises(ValueError, match=says):
            pg.Settings(**bad)


def test_settings_are_normalised_and_hashable():
    s = pg.Settings(hidden=[16, 8], features=["x2^2", "x1^2"], activation=["relu", "tanh"])
    assert s.hidden == (16, 8) and s.features == ("x1^2", "x2^2")
    assert s.activation == ("relu", "tanh")
    assert hash(s) == hash(pg.Settings(hidden=(16, 8), features=("x1^2", "x2^2"),
                                       activation=("relu", "tanh")))


def test_settings_from_controls_uses_the_per_layer_text_only_when_given():
    raw = dict(hidden="16,8", activation="tanh", per_layer_activation="")
    assert pg.settings_from_controls(**raw).activation == "tanh"
    raw["per_layer_activation"] = "relu, sigmoid"
    assert pg.settings_from_controls(**raw).activation == ("relu", "sigmoid")
    with pytest.raises(ValueError, match="item 2 of 3 is empty"):
        pg.settings_from_controls(hidden="16,,x")


# ---------------------------------------------------------------------------------------------
# The URL
# ---------------------------------------------------------------------------------------------

VARIED = pg.Settings(dataset="spirals3", points=333, noise=0.27, test_fraction=0.25,
                     data_seed=41, features=("x1*x2", "sin x1"), hidden=(16, 8, 4),
                     activation=("tanh", "relu", "sigmoid"), output_loss="softmax_ce",
                     init="uniform", weight_range=0.7, bias_range=0.0, weight_seed=123,
                     optimizer="momentum", learning_rate=0.05, batch_size=25, l2=0.002,
                     epochs=77)


@pytest.mark.parametrize("settings", [pg.Settings(), VARIED, pg.Settings(hidden=())])
def test_settings_round_trip_through_the_query(settings):
    query = pg.to_query(settings)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
    assert pg.from_query(query) == (settings, [])
    assert pg.Settings.from_query(settings.to_query()) == (settings, [])


def test_query_string_is_a_link_suffix():
    text = pg.query_string(pg.Settings())
    assert text.startswith("?data=circles&") and "layers=8%2C8" in text


def test_a_bad_link_falls_back_to_defaults_with_warnings():
    settings, warnings = pg.from_query({
        "lr": "fast", "layers": "16,,x", "epochs": "1e9", "data": "csv", "colour": "red",
        "points": ["50", "120"],  # a repeated key: the last one wins
        "noise": "0.2",
    })
    assert settings == pg.Settings(points=120, noise=0.2)
    assert len(warnings) == 5
    joined = "\n".join(warnings)
    for key in ("lr='fast'", "layers='16,,x'", "epochs='1e9'", "data='csv'", "'colour'"):
        assert key in joined
    assert "item 2 of 3 is empty" in joined and "using 8,8" in joined


def test_a_link_whose_activations_do_not_fit_its_layers_drops_the_activations():
    settings, warnings = pg.from_query({"layers": "8", "act": "relu,tanh"})
    assert settings == pg.Settings(hidden=(8,))
    assert len(warnings) == 1 and "act" in warnings[0]


# ---------------------------------------------------------------------------------------------
# Data, network, training
# ---------------------------------------------------------------------------------------------


def test_build_data_is_repeatable_and_split_as_asked():
    a, b = pg.build_data(pg.Settings()), pg.build_data(pg.Settings())
    assert np.array_equal(a.X, b.X) and np.array_equal(a.labels_test, b.labels_test)
    assert len(a.X) == 140 and len(a.X_test) == 60 and a.classes == 2
    other = pg.build_data(pg.Settings(data_seed=1))
    assert not np.array_equal(a.X, other.X)
    x0, x1, y0, y1 = a.extent
    assert x1 - x0 == pytest.approx(y1 - y0)  # square: circles stay round
    assert x0 < a.X[:, 0].min() and a.X[:, 1].max() < y1


@pytest.mark.parametrize("name", [n for n in pg.DATASETS if n not in ("csv", "draw")])
def test_every_dataset_builds(name):
    data = pg.build_data(pg.Settings(dataset=name))
    regression = name in ("plane", "bump")  # numbers as targets: no classes
    assert data.classes == (0 if regression else 3 if name == "spirals3" else 2)
    assert data.X.shape[1] == 2 and len(data.X) + len(data.X_test) == 200


def test_csv_data_and_a_bad_csv_names_the_row():
    good = "x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n0.5,0.5,1\n"
    data = pg.build_data(pg.Settings(dataset="csv", test_fraction=0.2), good.encode())
    assert data.source == "your CSV file (5 rows)" and len(data.X) == 4
    with pytest.raises(ValueError, match=r"your CSV file: row 3: x2 'oops' is not a finite"):
        pg.build_data(pg.Settings(dataset="csv"), "x1,x2,label\n0,0,0\n1,oops,1\n")
    with pytest.raises(ValueError, match="upload a file"):
        pg.build_data(pg.Settings(dataset="csv"))


def test_output_and_loss_come_in_pairs_that_fit_the_classes():
    three = pg.Settings(dataset="spirals3")  # sigmoid + cross-entropy by default
    with pytest.raises(ValueError, match="one sigmoid output separates two classes, but this "
                                         "data has 3; choose softmax"):
        pg.prepare({"dataset": "spirals3"})
    net = pg.build_network(replace(three, output_loss="softmax_ce"), 3)
    assert net.sizes == (2, 8, 8, 3) and net.output == "softmax"
    assert pg.build_network(pg.Settings(output_loss="mse")).output == "sigmoid"
    assert pg.Settings(output_loss="mse").loss == "mse"


def test_feature_network_adds_its_features_and_draws_on_the_plane():
    s = pg.Settings(features=("x1^2", "sin x2"), hidden=(3,))
    net = pg.build_network(s)
    assert net.sizes == (4, 3, 1) and net.n_inputs == 2
    params = pg.build_init(s).draw(net)
    grid = np.array([[0.5, -1.0], [2.0, 0.3]])
    wide = np.column_stack([grid, grid[:, 0] ** 2, np.sin(grid[:, 1])])
    plain = Network(net.sizes, activation=net.activation, output=net.output)
    assert np.allclose(forward(net, params, grid), forward(plain, params, wide))
    assert np.allclose(forward(net, params, wide), forward(plain, params, wide))
    # The boundary chart samples the plane through the same path: if plots ever bypasses
    # check_inputs (e.g. a 2-input fast path), this catches the features being dropped.
    xs, ys, probs = plots.boundary_grid(net, params, (-1, 1, -1, 1), resolution=4)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    wide = np.column_stack([pts, pts[:, 0] ** 2, np.sin(pts[:, 1])])
    assert np.allclose(probs.ravel(), forward(plain, params, wide)[:, 0])
    with pytest.raises(ValueError, match="points \\(x1, x2\\)"):
        forward(net, params, np.zeros((2, 3)))


def test_init_follows_the_settings():
    s = pg.Settings(init="uniform", weight_range=0.25, bias_range=0.0, weight_seed=5)
    params = pg.build_init(s).draw(pg.build_network(s))
    assert all(np.abs(W).max() <= 0.25 and not b.any() for W, b in params)
    assert pg.build_init(s) == Init("uniform", seed=5, weight_range=(-0.25, 0.25),
                                    bias_range=(0.0, 0.0), std=0.25)


def test_default_settings_learn_circles():
    result = pg.run_settings(pg.Settings())
    assert result.train_accuracy() >= 0.95 and result.test_accuracy() >= 0.95
    assert result.run.epochs == 300 and result.run.diverged_at is None
    assert result.run.loss[-1] < 0.1 < result.run.loss[0]
    assert pg.chunk_plan(result.settings, result.data) == [(0, 300)]  # one quick chunk


def test_circles_need_a_hidden_layer_or_squared_inputs():
    linear = pg.run_settings(pg.Settings(hidden=()))
    squares = pg.run_settings(pg.Settings(hidden=(), features=("x1^2", "x2^2")))
    assert linear.train_accuracy() < 0.7 and squares.train_accuracy() > 0.95


def test_chunks_cover_the_run_and_a_longer_run_repeats_a_shorter_one():
    s, data = pg.Settings(epochs=20000), pg.build_data(pg.Settings())
    plan = pg.chunk_plan(s, data)
    assert plan[0][0] == 0 and plan[-1][1] == 20000 and len(plan) > 2
    assert all(a[1] == b[0] for a, b in zip(plan, plan[1:]))
    short = pg.chunk_plan(pg.Settings(epochs=plan[1][1]), data)
    assert short == plan[:2]
    assert pg.chunk_plan(s, data, chunk_epochs=7000) == [(0, 7000), (7000, 14000), (14000, 20000)]


def test_chunked_training_streams_and_equals_one_piece_for_plain_gradient_descent():
    s = pg.Settings(epochs=120)
    data = pg.build_data(s)
    partial = list(pg.train_in_chunks(s, data, chunk_epochs=50))
    assert [r.epochs for r in partial] == [50, 100, 120]
    whole = pg.train_playground(s, data, chunk_epochs=1000)
    last = partial[-1]
    # Full-batch gradient descent has no optimiser state, so chunks change nothing.
    assert np.array_equal(last.loss, whole.loss)
    assert np.array_equal(last.test_accuracy, whole.test_accuracy)
    for (W1, b1), (W2, b2) in zip(last.params, whole.params):
        assert np.array_equal(W1, W2) and np.array_equal(b1, b2)
    assert sorted(last.snapshots) == sorted(whole.snapshots) == pg.snapshot_epochs(120)
    for (W1, _), (W2, _) in zip(last.params_at(100), whole.params_at(100)):
        assert np.array_equal(W1, W2)
    assert last.settings["playground"] == pg.to_query(s) and last.outputs is None


def test_a_long_run_under_app_run_trains_in_the_cell_with_the_same_numbers(default_page):
    """Only a served page trains a long run in a background thread (to be stoppable); run as
    a script the notebook trains it in the cell, so the result is there when the run ends."""
    _, defs = run_page({"controls": controls_with(default_page[1], epochs=5000)})
    result, s = defs["result"], defs["settings"]
    assert defs["job"] is None and len(pg.chunk_plan(s, result.data)) > 1
    whole = pg.train_playground(s, result.data)
    assert result.run.epochs == 5000 and not result.stopped
    assert np.array_equal(result.run.loss, whole.loss)
    for (W1, b1), (W2, b2) in zip(result.run.params, whole.params):
        assert np.array_equal(W1, W2) and np.array_equal(b1, b2)


@pytest.mark.parametrize("optimizer, learning_rate", [("momentum", 0.05), ("adam", 0.01)])
def test_chunked_training_with_optimiser_state_and_shuffles_equals_one_piece(optimizer,
                                                                            learning_rate):
    # Mini-batches reshuffled every epoch, and running averages: both carry across chunks.
    s = pg.Settings(optimizer=optimizer, learning_rate=learning_rate, batch_size=20, epochs=60)
    data = pg.build_data(s)
    chunked = pg.train_playground(s, data, chunk_epochs=25)
    again = pg.train_playground(s, data, chunk_epochs=7)
    whole = train(pg.build_network(s, data.classes), pg.build_init(s), data.X,
                        data.targets(s.output), **pg.train_kwargs(s, data))
    assert chunked.loss[-1] < chunked.loss[0]
    for run in (chunked, again):
        assert np.array_equal(run.loss, whole.loss)
        assert np.array_equal(run.test_loss, whole.test_loss)
        for (W1, b1), (W2, b2) in zip(run.params, whole.params):
            assert np.array_equal(W1, W2) and np.array_equal(b1, b2)


def test_a_diverging_run_stops_and_says_so():
    result = pg.run_settings(pg.Settings(activation="identity", learning_rate=10.0))
    assert result.run.diverged_at is not None and result.run.epochs == result.run.diverged_at
    assert pg.summary(result).startswith(f"training diverged at epoch {result.run.diverged_at}")
    assert np.isfinite(result.run.loss).all()


# ---------------------------------------------------------------------------------------------
# Run files, comparison, small readings
# ---------------------------------------------------------------------------------------------


def test_run_file_round_trip(default_result):
    back = pg.read_run_file(pg.run_file_bytes(default_result))
    assert back.settings == default_result.settings and back.warnings == ()
    assert np.array_equal(back.run.loss, default_result.run.loss)
    assert sorted(back.run.snapshots) == sorted(default_result.run.snapshots)
    for (W1, b1), (W2, b2) in zip(back.run.params, default_result.run.params):
        assert np.array_equal(W1, W2) and np.array_equal(b1, b2)
    assert back.run.network == default_result.network  # a FeatureNetwork again
    again = pg.loaded_result(back)
    assert again.test_accuracy() == default_result.test_accuracy()


def test_bad_run_files_say_why():
    with pytest.raises(ValueError, match="not a saved run"):
        pg.read_run_file(b"x1,x2,label\n0,0,1\n")
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    other = train(Network([2, 2, 1]), Init(seed=1), X, np.array([[0.0], [1.0]]), epochs=3)
    from nnlab.runio import run_to_bytes
    with pytest.raises(ValueError, match="not saved by the playground"):
        pg.read_run_file(run_to_bytes(other))
    assert "not a saved run" in pg.run_file_problem(b"junk")


def test_describe_comparison(default_result):
    same = pg.describe_comparison(default_result, default_result)
    assert same.startswith("Nothing differs")
    faster = pg.run_settings(pg.Settings(learning_rate=1.0))
    text = pg.describe_comparison(default_result, faster)
    assert text.startswith("1 setting differs: learning rate: 0.3 -> 1.0.")
    assert "the very same starting weights, so this change is the only difference" in text
    wider = pg.run_settings(pg.Settings(hidden=(16, 8)))
    assert "starting weights differ" in pg.describe_comparison(default_result, wider)


def test_readings(default_result):
    assert pg.parameter_count_formula(pg.Settings()) == "(2+1)×8 + (8+1)×8 + (8+1)×1 = 105"
    assert pg.describe_network(pg.Settings(features=("x1^2",))).startswith(
        "3 inputs (x1, x2, x1²) -> 8 ReLU -> 8 ReLU -> 1 sigmoid output")
    # All-zero weights: the units are copies of each other (the symmetry problem), which the
    # line names instead of calling them dead (nnlab.verdicts.unit_trouble).
    zeros = pg.unit_health_line(pg.run_settings(pg.Settings(init="zeros", epochs=10)))
    assert "started as exact copies" in zeros and "are dead" not in zeros
    dead = pg.run_settings(pg.Settings(learning_rate=10.0, epochs=10))  # overshoot kills them
    assert "units in hidden layer 1 are dead" in pg.unit_health_line(dead)
    assert pg.unit_health_line(default_result).startswith("No hidden unit is dead")


def test_scenarios_show_what_the_prose_claims():
    names = list(pg.SCENARIOS)
    assert pg.SCENARIOS[names[2]] == pg.Settings()  # the default is among them
    assert all(isinstance(s, pg.Settings) for s in pg.SCENARIOS.values())


# ---------------------------------------------------------------------------------------------
# The notebook, run through app.run()
# ---------------------------------------------------------------------------------------------


def test_notebook_default_state_trains_well(default_page):
    outputs, defs = default_page
    result = defs["result"]
    assert defs["problem"] is None and defs["settings"] == pg.Settings()
    assert result.train_accuracy() >= 0.95 and result.test_accuracy() >= 0.95
    text = page_text(outputs)
    assert "# The playground" in text or "The playground" in text
    assert "300 epochs: training accuracy" in text
    assert "Nothing is pinned yet" in text
    assert defs["url_warnings"] == []


def test_bad_hidden_layer_text_shows_the_message_and_keeps_the_last_good_run(default_page):
    _, good = default_page
    outputs, defs = run_page({"controls": controls_with(good, hidden="16,,x"),
                                  **state("good", good["result"])})
    assert defs["settings"] is None
    assert "item 2 of 3 is empty" in defs["problem"]
    text = page_text(outputs)
    assert "These settings cannot run: hidden layers: item 2 of 3 is empty" in text
    assert defs["result"] is good["result"]  # the pictures below still show it


@pytest.mark.parametrize("field, typed, says", [
    ("data_seed", 9_999_999, "data seed: a whole number from 0 to 999999; got 9999999"),
    ("weight_seed", -5, "weight seed: a whole number from 0 to 999999; got -5"),
    ("weight_seed", 2.5, "weight seed: a whole number from 0 to 999999; got 2.5"),
    ("data_seed", None, "data seed: a whole number from 0 to 999999; got None"),  # emptied box
])
def test_a_refused_seed_is_named_and_keeps_the_last_good_run(default_page, field, typed, says):
    _, good = default_page
    outputs, defs = run_page({"controls": controls_with(good, **{field: typed}),
                              **state("good", good["result"])})
    assert defs["settings"] is None and defs["problem"] == says
    assert f"These settings cannot run: {says}" in page_text(outputs)
    assert defs["result"] is good["result"]


@pytest.mark.parametrize("init, shown, note_text", [
    ("he", (), "Weight and bias range hidden: He init ignores them"),
    ("xavier", (), "Weight and bias range hidden: Xavier init ignores them"),
    ("zeros", (), "Weight and bias range hidden: all-zeros init ignores them"),
    ("normal", ("weight_range",), "Bias range hidden: normal init sets biases to 0"),
    ("uniform", ("weight_range", "bias_range"), None),
])
def test_range_sliders_show_only_when_the_init_reads_them(default_page, init, shown,
                                                          note_text):
    _, good = default_page
    outputs, defs = run_page({"controls": controls_with(good, init=init),
                              **state("good", good["result"])})
    assert defs["problem"] is None and defs["settings"].init == init
    html = page_html(outputs)
    # The sidebar keeps both sliders and the note in its layout and hides what does not
    # apply with display:none (a layout laid out anew would replace the dropdown just used).
    for name in ("weight_range", "bias_range"):
        style = "block" if name in shown else "none"
        assert f'data-control="{name}" style="display:{style}"' in html, (init, name)
    shown_note, text = idle_note(html, "weight_range")
    assert shown_note == (note_text is not None)
    if note_text is not None:
        assert note_text in text


def idle_note(html: str, control: str) -> tuple[bool, str]:
    """Whether the note in the sidebar slot of ``control`` shows, and its text."""
    note = re.search(f'data-control="{control}".*?'
                     r'class="nnlab-idle-note" style="display:(\w+)">(.*?)</div>', html, re.S)
    return note.group(1) == "block", note.group(2)


def control_shown(html: str, control: str) -> bool:
    return re.search(f'data-control="{control}" style="display:(\\w+)"', html).group(1) == "block"


@pytest.mark.parametrize("change, dataset, hidden, note_text", [
    ({"init": "zeros"}, "circles", ("weight_seed",), "all-zeros init draws no random numbers"),
    ({}, "draw", ("points", "noise"), "here your drawing decides"),
    ({"per_layer_activation": "relu,tanh"}, "circles", ("activation",),
     "the activation per layer (under Network) sets every layer"),
    ({}, "circles", (), None),
])
def test_controls_that_do_nothing_hide_and_say_why(default_page, change, dataset, hidden,
                                                   note_text):
    _, good = default_page
    outputs, defs = run_page({"controls": controls_with(good, **change),
                              "dataset": Value(dataset),
                              **state("good", good["result"])})
    html = page_html(outputs)
    for name in ("weight_seed", "points", "noise", "activation"):
        assert control_shown(html, name) == (name not in hidden), (change, name)
    for name in hidden:
        shown, text = idle_note(html, name)
        assert shown and note_text in text
    assert set(hidden) <= set(pg.idle_controls({**good["controls"].value, **change}, dataset))


def test_what_the_page_hides_is_what_the_run_ignores():
    """Each hidden control really changes nothing: the same run with it moved."""
    zeros = pg.Settings(init="zeros", hidden=(3,), epochs=5)
    a, b = (pg.run_settings(replace(zeros, weight_seed=seed)).run for seed in (0, 7))
    assert np.array_equal(a.loss, b.loss)
    drawn = [[-1, -1, 0], [-1, -0.8, 0], [1, 1, 1], [0.9, 1, 1]]
    seen = {pg.prepare({"dataset": "draw", "points": p, "noise": n}, drawn=drawn)[1].X.tobytes()
            for p, n in ((50, 0.0), (300, 0.4))}
    assert len(seen) == 1


def test_the_hidden_ranges_are_the_ones_the_init_ignores():
    """What the page hides is what nnlab.init really ignores: a hidden range changes nothing."""
    net = Network([2, 3, 1])
    for init in pg.INIT_LABELS:
        base = pg.Settings(init=init, weight_range=1.0, bias_range=0.5)
        for name, other in (("weight_range", 2.0), ("bias_range", 1.0)):
            a, b = (pg.build_init(s).draw(net) for s in (base, replace(base, **{name: other})))
            same = all(np.array_equal(x, y) for la, lb in zip(a, b) for x, y in zip(la, lb))
            assert same == (name not in pg.range_controls(init)), (init, name)
    assert pg.unused_range_controls("uniform") == ""
    with pytest.raises(ValueError, match="init must be one of"):
        pg.range_controls("lecun")


def test_the_seed_boxes_have_no_bounds_to_clamp_to(default_page):
    widgets = default_page[1]["controls"]
    for name in ("data_seed", "weight_seed"):
        assert widgets[name].start is None and widgets[name].stop is None


def test_a_seed_in_a_link_is_checked_by_the_same_rule():
    settings, warnings = pg.from_query({"wseed": "12", "dseed": "-3"})
    assert settings.weight_seed == 12 and settings.data_seed == 0
    assert warnings == ["dseed='-3' in the link was ignored (data seed: a whole number from 0 "
                        "to 999999; got -3); using 0"]


def test_the_notebook_reads_its_settings_from_the_url():
    outputs, defs = run_page({"url_params": pg.to_query(VARIED)})
    assert defs["start"] == VARIED
    # The widgets were built from the link and read back into the very same settings.
    assert defs["settings"] == VARIED and defs["problem"] is None
    assert defs["result"].run.network.sizes == (4, 16, 8, 4, 3)


def test_a_bad_url_warns_and_opens_with_defaults():
    outputs, defs = run_page({"url_params": {"lr": "fast", "layers": "8"}})
    assert defs["settings"] == pg.Settings(hidden=(8,))
    assert "Part of this link was not understood" in page_text(outputs)
    assert "lr='fast'" in page_text(outputs)


def test_bad_csv_names_the_row_and_keeps_the_last_good_data(default_page):
    _, good = default_page
    bad = Value((Upload("points.csv", b"x1,x2,label\n0,0,0\n1,oops,1\n2,2,1\n3,3,0\n"),))
    outputs, defs = run_page({"dataset": Value("csv"), "csv_file": bad,
                                  **state("good", good["result"])})
    assert "row 3: x2 'oops' is not a finite number" in page_text(outputs)
    assert defs["result"] is good["result"]


def test_good_csv_is_trained_on():
    rows = "\n".join(f"{x:.3f},{y:.3f},{int(x * y > 0)}"
                     for x, y in np.random.default_rng(0).uniform(-1, 1, (60, 2)))
    upload = Value((Upload("mine.csv", ("x1,x2,label\n" + rows).encode()),))
    _, defs = run_page({"dataset": Value("csv"), "csv_file": upload})
    assert defs["problem"] is None and defs["settings"].dataset == "csv"
    assert defs["result"].data.source == "your CSV file (60 rows)"


def test_bad_run_file_gives_a_clear_message_and_changes_nothing(default_page):
    _, good = default_page
    junk = Value((Upload("notes.npz", b"these are not weights"),))
    outputs, defs = run_page({"run_file": junk, "load_run": good["load_run"]})
    assert "This file cannot be loaded: run file: this is not a saved run" in page_text(outputs)
    assert defs["settings"] == pg.Settings()
    good["load_run"](junk.value)  # what the upload widget calls
    assert good["get_loaded"]() is None and good["get_pinned"]() is None


def test_a_good_run_file_restores_settings_and_pins_the_run(default_result):
    _, defs = run_page({})
    saved = pg.run_file_bytes(pg.run_settings(VARIED))
    defs["load_run"]([Upload("run.npz", saved)])
    loaded = defs["get_loaded"]()
    assert loaded.settings == VARIED and defs["get_pinned"]().settings == VARIED
    outputs, defs = run_page({**state("loaded", loaded),
                                  **state("pinned", pg.loaded_result(loaded))})
    assert defs["start"] == VARIED and defs["settings"] == VARIED
    text = page_text(outputs)
    assert "Nothing differs" in text  # retrained here == saved there
    assert np.array_equal(defs["result"].run.loss, loaded.run.loss)


def test_pinning_keeps_a_run_and_compares_one_change(default_page):
    _, good = default_page
    outputs, defs = run_page({"pin_button": Value(True), "unpin_button": Value(False)})
    assert defs["pinned"] is defs["result"]
    assert "Nothing differs" in page_text(outputs)
    pinned = good["result"]
    outputs, defs = run_page({**state("pinned", pinned),
                                  "controls": controls_with(good, learning_rate=1.0)})
    assert defs["pinned"] is pinned and defs["settings"].learning_rate == 1.0
    text = page_text(outputs)
    assert "1 setting differs: learning rate: 0.3 -> 1.0." in text
    assert "so this change is the only difference" in text
    _, defs = run_page({**state("pinned", pinned), "pin_button": Value(False),
                            "unpin_button": Value(True)})
    assert defs["pinned"] is None


def test_static_tabs_are_precomputed(default_page):
    _, defs = default_page
    results = defs["scenario_results"]
    assert list(results) == list(pg.SCENARIOS)
    assert all(r.finished for r in results.values())
