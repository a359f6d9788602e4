"""Saving and loading runs: a faithful round trip, and clear errors for bad files."""

import io
import zipfile

import numpy as np
import pytest

from nnlab import Init, Network, train
from nnlab.runio import load_run, run_from_bytes, run_to_bytes, save_run
from xor_reference import X, Y


@pytest.fixture(scope="module")
def run():
    net = Network([2, 3, 1], activation="tanh")
    return train(net, Init(seed=2), X, Y, loss="bce", learning_rate=1.0, epochs=200,
                 snapshot_epochs=[0, 100, 200], X_test=X, Y_test=Y, threshold=0.05)


def test_round_trip_keeps_everything(run, tmp_path):
    back = load_run(save_run(run, tmp_path / "run.npz"))
    assert back.network == run.network and back.settings == run.settings
    assert back.loss.tobytes() == run.loss.tobytes()
    assert back.test_loss.tobytes() == run.test_loss.tobytes()
    assert back.converged_at == run.converged_at and back.stopped == run.stopped
    assert sorted(back.snapshots) == [0, 100, 200]
    for (W, b), (W2, b2) in zip(run.params, back.params):
        assert W.tobytes() == W2.tobytes() and b.tobytes() == b2.tobytes()


def _rezip(data: bytes, change) -> bytes:
    """Rewrite one member of a saved run's zip, to fake a damaged or foreign file."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


@pytest.mark.parametrize("damage,message", [
    (lambda d: b"", "not a saved nnlab run"),
    (lambda d: b"hello, world", "not a saved nnlab run"),
    (lambda d: d[: len(d) // 2], "not a saved nnlab run"),
    (lambda d: _rezip(d, lambda n, c: None if n == "loss.npy" else c), "loss"),
    (lambda d: _rezip(d, lambda n, c: _npy(np.array([1.0, np.nan])) if n == "loss.npy" else c),
     "accuracy|non-finite"),
    (lambda d: _rezip(d, lambda n, c: _npy(np.zeros((5, 5))) if n == "params_W0.npy" else c),
     "layer 1"),
    (lambda d: _rezip(d, lambda n, c: _npy(np.array([{"x": 1}], dtype=object))
                      if n == "params_W0.npy" else c), "not a saved nnlab run"),
    (lambda d: _rezip(d, lambda n, c: _npy(np.frombuffer(b'{"format": "other"}', np.uint8))
                      if n == "header.npy" else c), "format"),
])
def test_bad_files_raise_clear_errors(run, damage, message):
    with pytest.raises(ValueError, match=message):
        run_from_bytes(damage(run_to_bytes(run)))
