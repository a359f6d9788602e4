"""Lesson 8, "Real handwriting": the notebook run through app.run(), and nnlab.lessons.handwriting."""

import base64
import re
import zlib

import numpy as np
import pytest

from lesson_helpers import Value, lesson_fixtures, page_html, page_text, state
from nnlab import forward
from nnlab.lessons import handwriting
from nnlab.view import digit_pad, digits, live

LESSON = "08_handwriting.py"
app, default = lesson_fixtures(LESSON)


def run_with(app, default, **changes):
    values = {**default[1]["controls"].value, **changes}
    return app.run(defs={"controls": Value(values)})


def panels(view) -> dict:
    return {panel["name"]: panel for panel in view.frame["panels"]}


def test_default_network_reaches_the_accuracy_target(default):
    outputs, defs = default
    run, split = defs["run"], defs["split"]
    assert run.network.sizes == (64, 32, 10) and run.settings["optimizer"] == "adam"
    assert run.settings["mode"] == "minibatch"
    accuracy = handwriting.test_accuracy(run, split)
    assert accuracy >= 0.95
    assert f"{accuracy:.1%}" in page_text(outputs)


def test_the_page_streams_curves_for_train_and_test(default):
    view = default[1]["view"]
    shown = panels(view)
    assert set(shown) == {"loss", "accuracy"}
    names = [s["name"] for s in shown["loss"]["series"]]
    assert names == ["loss (train)", "loss (test)"]
    assert shown["accuracy"]["series"][0]["x"][-1] == 39


def test_chunks_add_up_to_the_whole_run_and_arrive_early():
    settings, split = handwriting.Settings(), handwriting.data()
    chunks = list(handwriting.train_in_chunks(settings, split))
    assert len(chunks) == settings.epochs // handwriting.CHUNK_EPOCHS
    assert chunks[0].epochs == handwriting.CHUNK_EPOCHS  # the first picture after 5 epochs
    whole = handwriting.train_digits(settings, split)
    assert np.array_equal(chunks[-1].loss, whole.loss)
    assert np.array_equal(chunks[-1].params[0][0], whole.params[0][0])


def test_baseline_without_hidden_layer_is_worse_but_decent():
    split = handwriting.data()
    base = handwriting.train_digits(handwriting.Settings(hidden=0), split)
    assert base.network.sizes == (64, 10)
    assert 0.85 < handwriting.test_accuracy(base, split) < handwriting.test_accuracy(
        handwriting.train_digits(), split)


def test_confusion_and_mistakes_agree(default):
    run, split = default[1]["run"], default[1]["split"]
    counts = handwriting.confusion(run, split)
    assert counts.sum() == len(split.labels_test)
    assert counts.sum(axis=1).tolist() == np.bincount(split.labels_test).tolist()
    wrong = counts.sum() - np.trace(counts)
    found = handwriting.mistakes(run, split, limit=1000)
    assert len(found) == wrong
    for row, true, said, p in found:
        assert split.labels_test[row] == true != said and 0.1 <= p <= 1
    shown = panels(default[1]["result_view"])
    assert set(shown) == {"confusion", "mistakes", "weights"}
    assert shown["mistakes"]["html"].count("<img") == min(wrong, handwriting.MISTAKES_SHOWN)
    assert shown["weights"]["html"].count("<img") == 32


def test_weight_pictures_are_the_first_layer_weights():
    W = np.zeros(64)
    W[0], W[63] = 2.0, -1.0
    rgb = digits.weight_rgb(W)
    assert tuple(rgb[0, 0]) == (255, 55, 55)  # the largest positive weight: deepest red
    assert tuple(rgb[7, 7]) == (155, 155, 255)  # half as large, negative: light blue
    assert tuple(rgb[3, 3]) == (255, 255, 255)
    uri = digits.png(rgb)
    raw = base64.b64decode(uri.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    idat = raw[raw.index(b"IDAT") + 4: raw.index(b"IEND") - 8]
    rows = zlib.decompress(idat)
    assert rows[1:4] == bytes((255, 55, 55))


def test_overfitting_is_shown_and_both_cures_help(default):
    runs = default[1]["overfit"]
    plain, l2, dropout = runs.values()
    best = int(np.argmin(plain.test_loss))
    # Without help: the test loss bottoms out early and then climbs while training accuracy
    # sits at 100 %.
    assert best < plain.epochs // 2 and plain.test_loss[-1] > 1.15 * plain.test_loss[best]
    assert plain.accuracy[-1] == 1.0
    rise = lambda r: r.test_loss[-1] - r.test_loss.min()  # noqa: E731
    assert rise(l2) < rise(plain) / 2
    assert dropout.test_loss[-1] < plain.test_loss[-1]
    assert l2.settings["l2"] == handwriting.OVERFIT_L2
    assert dropout.settings["dropout"] == handwriting.OVERFIT_DROPOUT


def test_a_bad_setting_keeps_the_last_good_run(app, default):
    outputs, defs = run_with(app, default, hidden=0, dropout=0.5)
    assert "cannot run" in page_text(outputs) and "dropout" in page_text(outputs)
    assert defs["run"] is None  # a fresh app has no earlier good run: nothing is drawn


@pytest.mark.parametrize("typed, says", [(-5, "seed: a whole number >= 0; got -5"),
                                         (2.5, "seed: a whole number >= 0; got 2.5"),
                                         (None, "seed: a whole number >= 0; got None")])
def test_a_refused_seed_is_named_and_keeps_the_last_good_run(app, default, typed, says):
    values = {**default[1]["controls"].value, "seed": typed}
    outputs, defs = app.run(defs={"controls": Value(values), **state("good", default[1]["run"]),
                                  "view": live.LiveView(), "result_view": live.LiveView()})
    assert defs["problem"] == says
    assert f"These settings cannot run: {says}" in page_text(outputs)
    assert defs["run"] is default[1]["run"]


def test_the_seed_box_has_no_bounds_to_clamp_to(default):
    seed = default[1]["controls"]["seed"]
    assert seed.start is None and seed.stop is None and seed.value == 0
    assert handwriting.Settings(seed=99_999).seed == 99_999  # used as typed


@pytest.mark.parametrize("field, value", [("hidden", -1), ("epochs", 0), ("dropout", 1.0),
                                          ("l2", float("nan")), ("learning_rate", 0)])
def test_settings_refuse_bad_values_by_name(field, value):
    with pytest.raises(ValueError, match=field):
        handwriting.Settings(**{field: value})


def test_pad_recipe_and_page_weights(default):
    bits = np.zeros((32, 32), dtype=int)
    bits[:4, :4] = 1
    bits[4:8, 0:2] = 1
    counts = digit_pad.eight_by_eight(bits)
    assert counts[0] == 16 and counts[8] == 8 and counts.sum() == 24
    run = default[1]["run"]
    layers = handwriting.pad_layers(run)
    assert [(L["fan_in"], L["fan_out"], L["unit"]) for L in layers] == [(64, 32, "relu"),
                                                                         (32, 10, "softmax")]
    # The page's forward pass, written out here in NumPy from the rounded weights it gets.
    pixels = np.array(default[1]["split"].X_test[0] * 16)
    a = pixels / 16
    for L in layers:
        z = a @ np.array(L["W"]).reshape(L["fan_in"], L["fan_out"]) + np.array(L["b"])
        a = np.maximum(z, 0) if L["unit"] == "relu" else np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    np.testing.assert_allclose(a, handwriting.pad_probabilities(run, pixels), atol=1e-4)
    assert handwriting.pad_probabilities(run, np.zeros(64)) is None
    with pytest.raises(ValueError, match="pixels"):
        handwriting.pad_probabilities(run, np.full(64, 17.0))


def test_code_and_self_checks_are_on_the_page(default):
    html, text = page_html(default[0]), page_text(default[0])
    assert "def training(settings" in text and "def dropout_masks(" in text
    assert "Check yourself" in html and len(handwriting.QUESTIONS) == 3
    assert re.search(r"CC BY 4\.0", html) and "Alpaydin" in html
