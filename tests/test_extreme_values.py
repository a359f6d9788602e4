"""Absurd starts and steps end as divergence, with no warning escaping (run with -W error)."""

import warnings

import numpy as np
import pytest

from nnlab import Init, Network, Training, train
from xor_reference import X, Y

NET = Network([2, 3, 1], activation="tanh")
HUGE_START = Init("normal", seed=0, std=1e200)  # its squared norm overflows a float


def _train(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would fail the test here too
        return train(*args, **kwargs)


def _finite(params):
    return all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in params)


@pytest.mark.parametrize("engine", ["auto", "numpy", "tiny", "reference"])
@pytest.mark.parametrize("mode", ["online", "full"])
def test_a_start_whose_norm_overflows_still_has_a_size_rule(engine, mode):
    run = _train(NET, HUGE_START, X, Y, loss="bce", mode=mode, learning_rate=1e300, epochs=20,
                 engine=engine)
    assert run.stopped == "diverged" and run.diverged_at is not None
    assert run.diverged_at <= 1 and len(run.loss) == run.diverged_at
    assert _finite(run.params)  # the last sane parameters


def test_minibatches_and_a_test_set_overflow_quietly():
    run = _train(NET, HUGE_START, X, Y, loss="bce", mode="minibatch", batch_size=2,
                 learning_rate=1e300, epochs=20, X_test=X, Y_test=Y, track_gradients=True)
    assert run.stopped == "diverged" and _finite(run.params)


def test_a_huge_start_with_a_sane_step_trains_without_warnings():
    # tanh saturates, so nothing grows: not a divergence, and nothing to warn about.
    run = _train(NET, HUGE_START, X, Y, loss="mse", learning_rate=0.5, epochs=20,
                 X_test=X, Y_test=Y)
    assert run.stopped == "epochs" and len(run.loss) == 20


def test_a_float32_learning_rate_above_float32s_range_diverges():
    run = _train(NET, Init(seed=0), X, Y, loss="mse", learning_rate=1e39, epochs=20,
                 dtype=np.float32)
    assert run.stopped == "diverged" and run.diverged_at == 1


def test_chunks_see_the_same_divergence():
    whole = _train(NET, HUGE_START, X, Y, loss="bce", mode="online", learning_rate=1e300,
                   epochs=20, engine="numpy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        training = Training(NET, HUGE_START, X, Y, loss="bce", mode="online",
                            learning_rate=1e300, epochs=20, engine="numpy")
        training.advance(1)
        chunked = training.advance(19)
    assert chunked.diverged_at == whole.diverged_at and training.done


def test_an_infinite_loss_is_divergence():
    # Outputs of an identity layer squared past the float range: the loss is inf, not a number
    # a later epoch could be compared with.
    net = Network([2, 1], output="identity")
    run = _train(net, [(np.full((2, 1), 1e200), np.zeros(1))], X * 1e150, Y, loss="mse",
                 learning_rate=0.1, epochs=5)
    assert run.stopped == "diverged" and run.diverged_at == 0 and len(run.loss) == 0
