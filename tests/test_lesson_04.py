"""Lesson 4, "Why XOR sometimes gets stuck": the notebook through app.run(), and the
many-starts helpers of nnlab.lessons.convergence."""

import marimo as mo
import numpy as np
import pytest

from lesson_helpers import Value, cells_by_name, lesson_fixtures, page_html, page_text
import nnlab
from nnlab import Init, train
from nnlab.view import plots
from nnlab.lessons import convergence
from nnlab.lessons.convergence import BIG_GRID, DEFAULT_GRID, Grid, Starts

X, Y = nnlab.datasets.xor().X, nnlab.datasets.xor().Y

app, default = lesson_fixtures("04_convergence.py")


# ---------------------------------------------------------------------------------------------
# The notebook
# ---------------------------------------------------------------------------------------------


def test_default_state_computes_a_full_map_in_0_1(default):
    outputs, defs = default
    result = defs["sweep_result"]
    assert defs["grid"] == DEFAULT_GRID and result.done == result.total == DEFAULT_GRID.runs
    share = result.fraction_converged
    assert share.shape == (len(DEFAULT_GRID.learning_rates), len(DEFAULT_GRID.init_ranges))
    assert np.isfinite(share).all() and (share >= 0).all() and (share <= 1).all()
    assert share.min() < 0.1 and share.max() > 0.9  # slow corner and good band both show
    html = page_html(outputs)
    assert "share of 20 starts converged: 2 hidden units, squared error (mse)" in html


def test_the_sweep_reports_progress(default):
    progress = default[1]["sweep_progress"]
    assert progress and progress[-1] == (DEFAULT_GRID.runs, DEFAULT_GRID.runs)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_progress_arrives_round_by_round_with_partial_maps():
    grid = Grid(learning_rates=(1.0, 5.0), init_ranges=(1.0, 4.0), seeds=8, epochs=300,
                chunks=4)
    seen = []
    result = convergence.run_sweep(grid, 2, "mse",
                               on_progress=lambda done, total, part: seen.append(
                                   (done, total, part.done, part.fraction_converged.copy())))
    assert [(d, t) for d, t, _, _ in seen] == [(8, 32), (16, 32), (24, 32), (32, 32)]
    assert [p for _, _, p, _ in seen] == [8, 16, 24, 32]
    np.testing.assert_array_equal(seen[-1][3], result.fraction_converged)
    again = []
    assert convergence.run_sweep(grid, 2, "mse", on_progress=lambda *a: again.append(a[:2])) is result
    assert again == [(32, 32)]  # a repeated sweep comes from the cache, reported once


def test_the_run_button_switches_to_the_big_grid(app, monkeypatch):
    asked = []
    real_sweep = convergence.run_sweep

    def fake_sweep(grid, hidden, loss, on_progress=None):
        asked.append((grid, hidden, loss))
        small = Grid(learning_rates=(1.0,), init_ranges=(1.0,), seeds=2, epochs=20, chunks=1)
        return real_sweep(small, hidden, loss, on_progress=on_progress)

    monkeypatch.setattr(convergence, "run_sweep", fake_sweep)
    cell = cells_by_name(app)["sweep_cell"]
    _, defs = cell.run(big=Value(True), hidden=Value(3), loss=Value("bce"), mo=mo,
                       plots=plots, convergence=convergence)
    assert asked == [(BIG_GRID, 3, "bce")] and defs["grid"] == BIG_GRID
    assert defs["sweep_progress"] == [(2, 2)]


def test_mse_and_bce_panels_train_the_same_starts(default):
    outputs, defs = default
    mse, bce = defs["mse_runs"], defs["bce_runs"]
    assert (mse.loss_name, bce.loss_name) == ("mse", "bce")
    np.testing.assert_array_equal(mse.seeds, bce.seeds)
    assert mse.loss.shape == bce.loss.shape == (1000, 100)
    html = page_html(outputs)
    mse_band, bce_band = defs["losses_view"].frame["panels"]
    assert mse_band["title"] == "squared error, 100 starts"
    assert bce_band["title"] == "cross-entropy, the same 100 starts"
    assert mse_band["kind"] == "curves" and len(mse_band["bands"]) == 2
    assert "| squared error (mse) | 65 of 100 (65%) |" not in html  # rendered, not raw markdown
    assert "65 of 100 (65%)" in html and "60 of 100 (60%)" in html


def test_default_numbers(default):
    defs = default[1]
    stats = convergence.starts_stats(defs["runs"])
    assert (stats["converged"], stats["stuck"], stats["diverged"]) == (65, 35, 0)
    assert stats["median epochs"] == 476
    widths = [convergence.starts_stats(defs[f"width{h}"])["converged"] for h in (2, 3, 4)]
    assert widths == [65, 95, 97]


def test_wider_init_ranges_get_stuck_more(app, default):
    values = {**default[1]["controls"].value, "init_range": 8.0}
    _, wide = app.run(defs={"controls": Value(values), "hidden": Value(2),
                            "loss": Value("mse"), "static_maps": {}})
    assert wide["starts"].init_range == 8.0
    assert wide["runs"].converged.mean() < 0.5 * default[1]["runs"].converged.mean()


def test_precomputed_tabs_hold_four_maps(default):
    maps = default[1]["static_maps"]
    # The live map at its defaults and the first tab are the same sweep (shared cache).
    assert maps["squared error (mse), 2 hidden units"] is default[1]["sweep_result"]
    assert list(maps) == ["squared error (mse), 2 hidden units",
                          "cross-entropy (bce), 2 hidden units",
                          "squared error (mse), 3 hidden units",
                          "squared error (mse), 4 hidden units"]
    for result in maps.values():
        share = result.fraction_converged
        assert np.isfinite(share).all() and ((0 <= share) & (share <= 1)).all()
    # More hidden units: more of the grid converges.
    assert maps["squared error (mse), 4 hidden units"].fraction_converged.mean() > \
        maps["squared error (mse), 2 hidden units"].fraction_converged.mean()


def test_page_has_title_and_self_checks(app, default):
    html = page_html(default[0])
    assert "<h1" in html and "Why XOR sometimes gets stuck" in html
    assert html.count("Check yourself") == 1
    # The answer ("65 of 100 converged") waits until a share is picked (nnlab.view.quiz).
    assert "65 of 100 (65%) converged" not in html
    questions = default[1]["questions"]
    assert questions[0].right == "a half to three quarters"
    outputs, _ = app.run(defs={"answers": Value([questions[0].choices[0], None, None]),
                               "static_maps": {}})
    html = page_html(outputs)
    assert "Not quite." in html and "65 of 100 (65%) converged" in html


# ---------------------------------------------------------------------------------------------
# nnlab.lessons.convergence: many starts
# ---------------------------------------------------------------------------------------------


def test_thresholds_mean_the_same_error_for_each_loss():
    error = 0.1  # every output 0.1 from its target
    assert convergence.MATCHED_THRESHOLDS["mse"] == pytest.approx(error ** 2)
    assert convergence.MATCHED_THRESHOLDS["half_mse"] == pytest.approx(error ** 2 / 2)
    assert convergence.MATCHED_THRESHOLDS["bce"] == pytest.approx(-np.log(1 - error), abs=0.01)


def test_train_starts_matches_single_runs():
    starts = Starts(starts=3, epochs=300, learning_rate=3.0, init_range=2.0)
    many = convergence.train_starts(starts)
    assert convergence.train_starts(starts) is many  # cached
    for k in range(3):
        init = Init("uniform", seed=k, weight_range=(-2.0, 2.0), bias_range=(-0.5, 0.5))
        run = train(starts.network, init, X, Y, loss="mse", learning_rate=3.0, epochs=300)
        np.testing.assert_allclose(many.loss[:, k], run.loss, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("changes, message", [
    (dict(loss="softmax_ce"), "loss"), (dict(init_range=-1.0), "init_range"),
    (dict(starts=0), "starts"), (dict(epochs=1.5), "epochs"), (dict(hidden=True), "hidden"),
])
def test_bad_starts_raise_value_errors(changes, message):
    with pytest.raises(ValueError, match=message):
        Starts(**changes)


def test_grid_sizes():
    assert DEFAULT_GRID.runs == 6 * 5 * 20 and DEFAULT_GRID.chunk_size == 30 * 7
    assert BIG_GRID.runs == 10 * 9 * 50 and BIG_GRID.chunk_size == 90 * 10
    args = convergence.map_args(convergence.run_sweep(
        Grid(learning_rates=(2.0,), init_ranges=(1.0, 2.0), seeds=3, epochs=50, chunks=1)))
    assert args["col_values"] == ["±1", "±2"] and args["row_values"] == [2.0]
    assert args["cells"].shape == (1, 2)


def test_stats_rows_and_sentence():
    starts = Starts(starts=20, epochs=500)
    runs = convergence.train_starts(starts)
    row = convergence.stats_rows({"a": runs})[0]
    stats = convergence.starts_stats(runs)
    assert row["converged"].startswith(f"{stats['converged']} of 20")
    assert stats["converged"] + stats["stuck"] + stats["diverged"] == 20
    assert convergence.starts_sentence(runs, starts).startswith(f"**{stats['converged']} of 20")


def test_the_starts_are_drawn_as_a_band_and_a_histogram(default):
    runs, starts = default[1]["runs"], default[1]["starts"]
    band, bars = default[1]["starts_view"].frame["panels"]
    median = np.nanmedian(runs.loss[0])
    assert band["series"][0]["y"][0] == float(f"{median:.5g}")  # the median at epoch 0
    converged = int(np.sum(np.asarray(runs.converged_at) >= 0))
    assert sum(bars["counts"]) == converged
    assert bars["subtitle"].startswith(f"{converged} of {starts.starts} runs converged")


# ---------------------------------------------------------------------------------------------
# "Reading it": the page's words come from the counts of converged, stuck and diverged starts
# ---------------------------------------------------------------------------------------------


def _sorted_by_hand(runs):
    """converged / stuck on a plateau / still falling / diverged, counted here from the
    curves (the plateau rule written out: the last tenth fell by less than 1 %)."""
    converged = runs.converged & ~runs.diverged
    rest = ~converged & ~runs.diverged
    tail = runs.loss[-max(2, len(runs.loss) // 10):]
    flat = (tail[0] - tail[-1]) / np.maximum(tail[0], 1e-12) < 0.01
    plateau = rest & flat & ~runs.solved
    return (int(converged.sum()), int(plateau.sum()), int((rest & ~plateau).sum()),
            int(runs.diverged.sum()))


def test_reading_it_at_the_defaults_names_every_count(default):
    outputs, defs = default
    counts = _sorted_by_hand(defs["runs"])
    assert counts == (65, 35, 0, 0)
    text = page_text(outputs)
    assert "Of the 100 starts, 65 converged, 35 got stuck on a plateau and none diverged." in text
    assert "the 65 converged starts crossed the threshold; the other 35 are not in it" in text
    assert "A stuck start is not merely slow" in text and "A diverged start" not in text


def test_reading_it_at_cross_entropy_rate_20_counts_the_diverged_starts(app, default):
    values = {**default[1]["controls"].value, "learning_rate": 20.0}
    outputs, defs = app.run(defs={"controls": Value(values), "hidden": Value(2),
                                  "loss": Value("bce"), "static_maps": {}})
    runs = defs["runs"]
    counts = _sorted_by_hand(runs)
    assert counts == (4, 0, 0, 96)
    assert int(nnlab.verdicts.diverged(runs.converged_at, runs.diverged_at,
                                       runs.overshot_at).sum()) == 96
    text = page_text(outputs)
    assert "Of the 100 starts, 4 converged, none got stuck on a plateau and 96 diverged." in text
    assert "the other 96 are not in it" in text and "A diverged start overshot" in text
    assert "stuck on a plateau and stays" not in text and "A stuck start" not in text
    # the quiz's answer says the same three counts
    assert "none got stuck on a plateau and 96 diverged" in defs["questions"][0].why


@pytest.mark.parametrize("counts, words", [
    (dict(converged=20, plateau=0, slow=0, diverged=0),
     ["Of the 20 starts, all 20 converged, none got stuck on a plateau and none diverged.",
      "each of the 20 starts crossed the threshold: every one converged"]),
    (dict(converged=0, plateau=19, slow=0, diverged=1),
     ["Of the 20 starts, none converged, 19 got stuck on a plateau and 1 diverged.",
      "The histogram is empty"]),
    (dict(converged=10, plateau=0, slow=1, diverged=9),
     ["10 converged, none got stuck on a plateau and 9 diverged; 1 was still falling",
      "the other 10 are not in it"]),
])
def test_reading_it_reads_right_when_a_count_is_zero_or_one(monkeypatch, counts, words):
    runs = convergence.train_starts(Starts(starts=20, epochs=100))
    stats = {**convergence.starts_stats(runs), "starts": 20, **counts,
             "stuck": counts["plateau"] + counts["slow"]}
    monkeypatch.setattr(convergence, "starts_stats", lambda _runs: stats)
    text = convergence.reading_markdown(runs)
    for piece in words:
        assert piece in text, piece
    assert (" 0 " not in text) and ("A stuck start" in text) == bool(counts["plateau"])
    assert ("A diverged start" in text) == bool(counts["diverged"])
    assert ("A slow start" in text) == bool(counts["slow"])
