"""train_many is training each net alone, side by side; sweep summarises it chunk by chunk."""

import warnings

import numpy as np
import pytest

from nnlab import Init, ManyRuns, Network, SweepResult, forward, sweep, train, train_many
from nnlab.fast.batched import draw_many

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y = np.array([[0], [1], [1], [0]], dtype=float)
XOR = Network([2, 2, 1])
SEEDS = np.array([0, 1, 2, 3, 4, 5, 3])  # a repeated seed with other settings is fine
RATES = np.array([0.5, 1.0, 2.0, 3.0, 4.0, 2.0, 1.5])
RANGES = np.array([[-1, 1], [-1, 1], [-2, 2], [-0.5, 0.5], [-1, 1], [0, 1], [-3, 1]], dtype=float)


@pytest.mark.parametrize("loss", ["mse", "half_mse", "bce"])
@pytest.mark.parametrize("network,slower", [
    (XOR, 1.0), (Network([2, 3, 1]), 1.0),  # the sigmoid nets' own kernel, h = 2 and 3
    (Network([2, 4, 1], "relu"), 1.0),
    # Deeper tanh nets at rates of 2-4 are chaotic (any two float orders drift apart), so
    # they are compared at gentler rates.
    (Network([2, 3, 2, 1], "tanh"), 0.25),
])
def test_every_net_equals_training_it_alone(loss, network, slower):
    rates = RATES * slower
    many = train_many(network, X, Y, seeds=SEEDS, loss=loss, learning_rate=rates, epochs=600,
                      weight_range=RANGES, threshold=0.05, dtype=np.float64)
    assert isinstance(many, ManyRuns) and many.loss.shape == (600, len(SEEDS))
    for k in range(len(SEEDS)):
        recipe = Init("uniform", int(SEEDS[k]), weight_range=tuple(RANGES[k]))
        run = train(network, recipe, X, Y, loss=loss, learning_rate=rates[k], epochs=600,
                    threshold=0.05)
        np.testing.assert_allclose(many.loss[:, k], run.loss, rtol=0, atol=1e-9)
        for (W, b), (Wk, bk) in zip(run.params, many.params_of(k)):
            np.testing.assert_allclose(Wk, W, rtol=0, atol=1e-9)
            np.testing.assert_allclose(bk, b, rtol=0, atol=1e-9)
        assert many.converged_at[k] == (-1 if run.converged_at is None else run.converged_at)
        assert many.final_loss[k] == pytest.approx(run.loss[-1], abs=1e-9)
        outputs = forward(network, run.params, X)
        assert many.solved[k] == bool(((outputs > 0.5) == (Y > 0.5)).all())
        assert not many.diverged[k]


def test_float32_gives_the_same_verdicts():
    seeds = np.arange(40)
    many = train_many(XOR, X, Y, seeds=seeds, loss="mse", learning_rate=2.0, epochs=2000,
                      threshold=0.01)
    assert many.loss.dtype == np.float32
    verdicts = [train(XOR, Init("uniform", int(s)), X, Y, loss="mse", learning_rate=2.0,
                      epochs=2000, threshold=0.01).converged for s in seeds]
    np.testing.assert_array_equal(many.converged, verdicts)
    assert 0 < many.converged.sum() < len(seeds)  # the check has both kinds of net


def test_each_seed_draws_exactly_what_init_draws():
    net = Network([2, 3, 2, 1])
    bias = np.array([[-0.5, 0.5], [0, 0], [-1, 1], [-0.2, 0.3], [0, 1], [-1, 0], [0, 0]])
    theta = draw_many(net, Init(), SEEDS, RANGES, bias)
    for k, seed in enumerate(SEEDS):
        params = Init("uniform", int(seed), tuple(RANGES[k]), tuple(bias[k])).draw(net)
        flat = np.concatenate([np.vstack([W, b]).ravel() for W, b in params])
        assert flat.tobytes() == theta[:, k].tobytes()
    he = draw_many(net, Init("he"), SEEDS, RANGES, bias)
    flat = np.concatenate([np.vstack([W, b]).ravel() for W, b in Init("he", 4).draw(net)])
    assert flat.tobytes() == he[:, 4].tobytes()


def test_blown_up_nets_are_flagged_quietly_and_do_not_disturb_the_others():
    rates = np.array([2.0, 1e6, 2.0, 1e6])
    seeds = np.array([0, 1, 2, 3])
    net = Network([2, 4, 1], "relu", "identity")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        many = train_many(net, X * 10, Y, seeds=seeds, loss="mse", learning_rate=rates * 1e-3,
                          epochs=100, dtype=np.float64)
    for k in range(4):
        run = train(net, Init("uniform", int(seeds[k])), X * 10, Y, loss="mse",
                    learning_rate=rates[k] * 1e-3, epochs=100)
        assert many.diverged[k] == (run.diverged_at is not None)
        if run.diverged_at is None:
            np.testing.assert_allclose(many.loss[:, k], run.loss, rtol=0, atol=1e-9)
        else:
            assert many.diverged_at[k] == run.diverged_at
            np.testing.assert_allclose(many.loss[:run.diverged_at, k], run.loss, rtol=1e-9)
            assert np.isnan(many.loss[run.diverged_at:, k]).all()
    assert many.diverged.tolist() == [False, True, False, True]


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_blown_up_sigmoid_nets_stop_at_the_same_epoch_as_train(loss):
    rates = np.array([1e3, 1e5, 1e7, 2.0, 1e12])
    seeds = np.arange(len(rates))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        many = train_many(XOR, X * 50, Y, seeds=seeds, loss=loss, learning_rate=rates,
                          epochs=200, weight_range=(-20, 20), dtype=np.float64)
    for k in range(len(rates)):
        run = train(XOR, Init("uniform", int(seeds[k]), weight_range=(-20, 20)), X * 50, Y,
                    loss=loss, learning_rate=rates[k], epochs=200)
        assert many.diverged_at[k] == (-1 if run.diverged_at is None else run.diverged_at)
        np.testing.assert_allclose(many.loss[:len(run.loss), k], run.loss, rtol=0, atol=1e-9)
    assert many.diverged[2:].tolist() == [True, False, True]


def test_record_loss_off_keeps_the_verdicts():
    kwargs = dict(seeds=np.arange(30), learning_rate=2.0, epochs=300, threshold=0.05)
    full, lean = train_many(XOR, X, Y, **kwargs), train_many(XOR, X, Y, record_loss=False, **kwargs)
    assert lean.loss is None
    np.testing.assert_array_equal(full.converged_at, lean.converged_at)
    np.testing.assert_array_equal(full.final_loss, lean.final_loss)
    np.testing.assert_array_equal(full.final_loss, full.loss[-1])


def test_sweep_reports_progress_and_matches_train_many():
    progress = []
    result = sweep(XOR, X, Y, learning_rates=[0.5, 2.0, 4.0], weight_ranges=[0.5, 2.0],
                   seeds=10, epochs=800, threshold=0.02, chunk_size=25,
                   on_progress=lambda done, total, part: progress.append((done, total, part)))
    assert isinstance(result, SweepResult)
    counts = [done for done, _, _ in progress]
    assert counts == sorted(counts) and counts[-1] == 60 and len(counts) == 3
    assert all(total == 60 for _, total, _ in progress)
    first = progress[0][2]
    assert first.done == 25 and first.trained.sum() == 25
    # Seeds go outermost, so the first chunk already touches every cell.
    assert first.trained.any(axis=-1).all() and np.isfinite(first.fraction_converged).all()
    assert result.done == result.total == 60
    # One cell, retrained directly, gives the same statistics.
    cell = train_many(XOR, X, Y, seeds=np.arange(10), learning_rate=2.0, epochs=800,
                      weight_range=(-2, 2), bias_range=(-0.5, 0.5), threshold=0.02)
    np.testing.assert_array_equal(result.converged_at[1, 1], cell.converged_at)
    assert result.fraction_converged[1, 1] == cell.converged.mean()
    epochs = cell.converged_at[cell.converged]
    np.testing.assert_allclose(result.epochs_quartiles[1, 1], np.percentile(epochs, [25, 50, 75]))
    assert result.median_epochs[1, 1] == np.median(epochs)
    np.testing.assert_allclose(result.final_loss_quartiles[1, 1],
                               np.percentile(cell.final_loss, [25, 50, 75]))


def test_sweep_cells_where_nothing_converges_are_nan_not_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = sweep(XOR, X, Y, learning_rates=[0.01], weight_ranges=[(0, 0.1)], seeds=[1, 2],
                       epochs=50, threshold=1e-6)
    assert result.fraction_converged[0, 0] == 0
    assert np.isnan(result.epochs_quartiles[0, 0]).all()


@pytest.mark.parametrize("kwargs,field", [
    (dict(seeds=[]), "seeds"),
    (dict(seeds=[1.5]), "seeds"),
    (dict(seeds=[1], learning_rate=[1.0, 2.0]), "learning_rate"),
    (dict(seeds=[1], learning_rate=-1.0), "learning_rate"),
    (dict(seeds=[1], weight_range=(1, -1)), "weight_range"),
    (dict(seeds=[1], loss="softmax_ce"), "loss"),
    (dict(seeds=[1], epochs=0), "epochs"),
    (dict(seeds=[1], dtype=np.int32), "dtype"),
])
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        train_many(XOR, X, Y, **kwargs)
