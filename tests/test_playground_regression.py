"""Regression in the playground (nnlab.regression and its use in lesson 5): two 2-D data sets
with numbers as targets, a linear output trained on squared error, the prediction drawn as a
diverging heat map with the points coloured by target, the loss on a log scale."""

import numpy as np
import pytest

from lesson_helpers import Value, load_app, page_text
from nnlab.lessons import playground as pg
from nnlab import regression
from nnlab.view import prediction
from nnlab.view.theme import PALETTE

REGRESSION = dict(output_loss="mse_linear")


def test_the_data_sets_are_seeded_and_follow_their_formulas():
    a, b = regression.make("bump", 300, noise=0.0, seed=3), regression.make("bump", 300, seed=3)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert (np.abs(a.X) <= 1).all()
    # The bump: 1 at the centre, lower the further out; the plane: 0.6 x1 - 0.8 x2.
    centre, corner = regression.target("bump", np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert centre == pytest.approx(1.0) and corner == pytest.approx(1.5 * np.exp(-1 / 0.45**2) - 0.5)
    assert regression.target("plane", np.array([[1.0, 1.0]]))[0] == pytest.approx(-0.2)
    noisy = regression.make("plane", 300, noise=0.2, seed=3)
    assert 0.15 < np.std(noisy.y - regression.target("plane", noisy.X)) < 0.25
    train, test = regression.split(noisy, 0.3, seed=1)
    assert (len(train), len(test)) == (210, 90)
    with pytest.raises(ValueError, match="name: one of plane, bump"):
        regression.make("hill")
    with pytest.raises(ValueError, match="n_points"):
        regression.make("plane", 1)


def test_a_plane_is_fitted_exactly_by_a_network_with_no_hidden_layer():
    settings = pg.Settings(dataset="plane", noise=0.0, hidden=(), **REGRESSION)
    result = pg.run_settings(settings)
    assert result.network.sizes == (2, 1) and result.network.output == "identity"
    assert result.run.loss[-1] < 1e-6 and result.run.test_loss[-1] < 1e-6


def test_the_bump_trains_to_a_small_loss_with_hidden_units():
    # Stated target: 8,8 tanh, plain gradient descent at 0.3, 300 epochs, no noise: the mean
    # squared error falls from about 0.4 to below 0.005 (0.0014 when written), on the test
    # points too; with no hidden layer it cannot (a plane through a hill).
    settings = pg.Settings(dataset="bump", noise=0.0, activation="tanh", **REGRESSION)
    result = pg.run_settings(settings)
    assert result.run.loss[0] > 0.3
    assert result.run.loss[-1] < 0.005 and result.run.test_loss[-1] < 0.005
    flat = pg.run_settings(pg.Settings(dataset="bump", noise=0.0, hidden=(), **REGRESSION))
    assert flat.run.loss[-1] > 0.05


def test_output_and_data_must_agree():
    with pytest.raises(ValueError, match="need the linear output with squared error"):
        pg.prepare({"dataset": "bump"})
    with pytest.raises(ValueError, match="a linear output is for the regression data sets"):
        pg.prepare({"dataset": "circles", **REGRESSION})
    settings, data = pg.prepare({"dataset": "bump", **REGRESSION})
    assert settings.loss == "mse" and data.classes == 0
    assert data.targets(settings.output).shape == (len(data.X), 1)


def test_regression_settings_travel_in_the_link_and_in_run_files():
    settings = pg.Settings(dataset="bump", hidden=(4,), **REGRESSION)
    back, warnings = pg.from_query(pg.to_query(settings))
    assert back == settings and warnings == []
    result = pg.run_settings(settings)
    loaded = pg.read_run_file(pg.run_file_bytes(result))
    assert loaded.settings == settings
    assert np.array_equal(loaded.run.params[0][0], result.run.params[0][0])


def test_the_prediction_picture_is_a_diverging_map_with_points_coloured_by_target():
    white, top, bottom = prediction.colour_scale(np.array([0.0, 2.0, -5.0]), 2.0)
    assert white.tolist() == [255, 255, 255]
    assert top[0] > top[2] and bottom[2] > bottom[0]  # orange above zero, blue below
    result = pg.run_settings(pg.Settings(dataset="bump", **REGRESSION))
    frame = pg.live_frame(result)
    panels = {p["name"]: p for p in frame["panels"]}
    assert "accuracy" not in panels  # no classes to get right
    assert panels["loss"]["log"] is True
    picture = panels["boundary"]
    assert picture["title"] == "prediction" and picture["contour"] == []
    n = len(result.data.X) + len(result.data.X_test)
    assert len(picture["points"]) == n and len(picture["colors"]) == n  # one colour per point
    # The scale ends at the largest |target|: that point wears the full class-1 orange.
    targets = np.concatenate([result.data.labels, result.data.labels_test])  # points' order
    largest = int(np.argmax(np.abs(targets)))
    end = PALETTE[1] if targets[largest] > 0 else PALETTE[0]
    assert picture["colors"][largest] == end.lower()
    assert "orange" in picture["legend"]
    assert pg.summary(result).startswith("300 epochs: training loss")


def test_the_lesson_trains_a_regression_set_from_its_link():
    app = load_app("05_playground.py")
    query = pg.to_query(pg.Settings(dataset="plane", noise=0.0, hidden=(), **REGRESSION))
    outputs, defs = app.run(defs={"url_params": query})
    assert defs["problem"] is None and defs["result"].run.loss[-1] < 1e-6
    assert "300 epochs: training loss" in page_text(outputs)
    # the pre-computed regression tab is there too
    assert defs["scenario_results"]["a bump"].run.loss[-1] < 0.05


def test_the_self_check_speaks_of_loss_for_regression_and_accuracy_for_classes():
    answer = pg.gap_answer(pg.run_settings(pg.Settings(dataset="bump", **REGRESSION)))
    assert "training loss of" in answer and "accuracy" not in answer
    assert "test accuracy" in pg.gap_answer(pg.run_settings(pg.Settings()))
