"""``train(..., engine="reference")``: the loop the lessons teach trains, and every engine gives
its numbers. The reference runs ``network.backprop`` and the plain optimiser; the default engine
("auto": the tiny program or the NumPy kernel) must agree with it to 1e-12."""

import warnings

import numpy as np
import pytest

import test_engine as engine_tests
from nnlab import Init, Network, Training, forward, train
from nnlab.lessons import training_xor
from nnlab.nine import HAND_PICKED
from xor_reference import TABLE, TABLE_OUTPUTS, TABLE_PARAMS, XOR, X, Y


def assert_same_numbers(ref, fast, tol=1e-12, rtol=0.0):
    engine_tests.assert_runs_equal(ref, fast, tol=tol, rtol=rtol)
    for name in ("test_loss", "test_accuracy", "grad_norms"):
        a, b = getattr(ref, name), getattr(fast, name)
        assert (a is None) == (b is None), name
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=tol, err_msg=name)
    for epoch in ref.snapshots:
        for (Wa, ba), (Wb, bb) in zip(ref.snapshots[epoch], fast.snapshots[epoch]):
            np.testing.assert_allclose(Wa, Wb, rtol=rtol, atol=tol)
            np.testing.assert_allclose(ba, bb, rtol=rtol, atol=tol)


def test_the_reference_loop_prints_the_seed_table():
    run = train(XOR, TABLE_PARAMS, X, Y, loss="mse", learning_rate=2.0, epochs=4001,
                engine="reference")
    assert run.engine == "reference"
    assert np.round(run.loss[0::500], 4).tolist() == TABLE
    assert np.round(forward(XOR, run.params, X).ravel(), 3).tolist() == TABLE_OUTPUTS
    assert run.accuracy[-1] == 1.0 and run.diverged_at is None


def test_the_reference_loop_takes_the_hand_picked_online_step():
    run = train(XOR, HAND_PICKED.to_params(), X[:1], Y[:1], loss="half_mse",
                learning_rate=0.1, epochs=1, mode="online", engine="reference")
    after = forward(XOR, run.params, X).ravel()
    assert np.round(after, 4).tolist() == [0.4829, 0.4786, 0.4941, 0.4898]


@pytest.mark.parametrize("name", list(training_xor.PRESETS))
def test_every_lesson_preset_trains_the_same_on_the_reference(name):
    setup = training_xor.PRESETS[name].setup
    X_, Y_ = training_xor.xor_arrays()
    args = (setup.network, setup.start_params(), X_, Y_)
    options = dict(retries=setup.retries, **setup._options())
    fast, ref = train(*args, **options), train(*args, engine="reference", **options)
    assert len(fast.attempts) == len(ref.attempts)
    for a, b in zip(ref.attempts or (ref,), fast.attempts or (fast,)):
        assert_same_numbers(a, b)


@pytest.mark.parametrize("sizes,hidden,output,loss,mode,lr", engine_tests.CASES)
def test_reference_equals_every_engine_on_the_kernel_cases(sizes, hidden, output, loss, mode, lr):
    net = Network(sizes, hidden, output)
    Xc, Yc = engine_tests._case_data(sizes, output, loss)
    start = Init("uniform", seed=7).draw(net)
    kwargs = dict(loss=loss, learning_rate=lr, epochs=300, mode=mode, snapshot_epochs=[0, 150, 300])
    ref = train(net, start, Xc, Yc, engine="reference", **kwargs)
    for engine in ("auto", "numpy", "tiny"):
        assert_same_numbers(ref, train(net, start, Xc, Yc, engine=engine, **kwargs))


RINGS_X = np.random.default_rng(0).normal(size=(40, 2))
RINGS_Y = (np.hypot(*RINGS_X.T) < 1.1).astype(float).reshape(-1, 1)
SETTINGS = {
    "momentum, l2": (Network([2, 5, 1], "tanh"), dict(
        loss="bce", optimizer="momentum", momentum=0.8, l2=1e-3, learning_rate=0.2)),
    "adam, minibatch, test set, gradients": (Network([2, 6, 3, 1], "relu"), dict(
        loss="bce", optimizer="adam", learning_rate=0.02, mode="minibatch", batch_size=7,
        shuffle_seed=4, X_test=RINGS_X[:9], Y_test=RINGS_Y[:9], track_gradients=True)),
    "adam, online, l2": (Network([2, 4, 1], "leaky_relu", "identity"), dict(
        loss="half_mse", optimizer="adam", learning_rate=0.01, mode="online", l2=1e-2)),
    "sgd, big full batch (numpy kernel)": (Network([2, 16, 8, 1], "relu"), dict(
        loss="bce", learning_rate=0.5)),
    "softmax": (Network([2, 5, 2], "tanh", "softmax"), dict(
        loss="softmax_ce", learning_rate=0.5, mode="minibatch", batch_size=16)),
    "softmax, mse": (Network([2, 5, 2], "sigmoid", "softmax"), dict(
        loss="mse", learning_rate=0.5, snapshot_epochs=[0, 60])),
    "threshold stop": (Network([2, 8, 1], "tanh"), dict(
        loss="bce", learning_rate=1.0, threshold=0.3, stop_at_threshold=True)),
}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_reference_equals_the_fast_engine_on_every_option(name):
    net, options = SETTINGS[name]
    Y_ = np.c_[1 - RINGS_Y, RINGS_Y] if net.output == "softmax" else RINGS_Y
    if "Y_test" in options and net.output == "softmax":
        options = dict(options, Y_test=Y_[:9])
    kwargs = dict(epochs=120, **options)
    ref = train(net, Init(seed=1), RINGS_X, Y_, engine="reference", **kwargs)
    fast = train(net, Init(seed=1), RINGS_X, Y_, **kwargs)
    assert ref.engine == "reference" and fast.engine != "reference"
    assert_same_numbers(ref, fast)


def test_reference_retries_and_divergence_match():
    kwargs = dict(loss="half_mse", learning_rate=0.5, epochs=3000, mode="online",
                  threshold=0.001, stop_at_threshold=True, retries=5)
    init = Init("uniform", seed=0, weight_range=(-3, 3))
    ref = train(XOR, init, X, Y, engine="reference", **kwargs)
    fast = train(XOR, init, X, Y, **kwargs)
    assert len(ref.attempts) == len(fast.attempts) > 1
    for a, b in zip(ref.attempts, fast.attempts):
        assert_same_numbers(a, b, tol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for net, mode in [(XOR, "full"), (Network([2, 6, 1], "relu", "identity"), "online")]:
            kwargs = dict(loss="mse", learning_rate=1e6, epochs=50, mode=mode)
            ref = train(net, Init(seed=0), X * 10, Y, engine="reference", **kwargs)
            assert ref.diverged_at is not None
            assert_same_numbers(ref, train(net, Init(seed=0), X * 10, Y, **kwargs), rtol=1e-9)


def test_a_reference_training_goes_forward_in_pieces():
    whole = train(XOR, TABLE_PARAMS, X, Y, learning_rate=2.0, epochs=300, engine="reference")
    training = Training(XOR, TABLE_PARAMS, X, Y, learning_rate=2.0, epochs=300,
                        engine="reference")
    for size in (1, 50, 0, 249):
        run = training.advance(size)
    assert np.array_equal(run.loss, whole.loss) and training.done


def test_the_engine_switch_is_checked():
    with pytest.raises(ValueError, match="engine: one of auto, reference, numpy, tiny; got 'fast'"):
        train(XOR, TABLE_PARAMS, X, Y, engine="fast")
    with pytest.raises(ValueError, match="engine: 'tiny' only for sgd"):
        train(XOR, TABLE_PARAMS, X, Y, optimizer="adam", engine="tiny")
    with pytest.raises(ValueError, match="dtype: np.float64 with engine='reference'"):
        train(XOR, TABLE_PARAMS, X, Y, dtype=np.float32, engine="reference")
