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
                      if n == "params_W0.npy" else c), "params_W0: an array of real numbers"),
    (lambda d: _rezip(d, lambda n, c: _npy(np.frombuffer(b'{"format": "other"}', np.uint8))
                      if n == "header.npy" else c), "format"),
])
def test_bad_files_raise_clear_errors(run, damage, message):
    with pytest.raises(ValueError, match=message):
        run_from_bytes(damage(run_to_bytes(run)))


# ---- issue 23: every field travels exactly; every header field is checked; bounded cost ------

import json  # noqa: E402
import tracemalloc  # noqa: E402
from dataclasses import fields, replace  # noqa: E402

from nnlab import runio  # noqa: E402


def _same(a, b):
    """Two field values equal, arrays by their bytes, runs field by field."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and \
            a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if hasattr(a, "__dataclass_fields__") and not isinstance(a, Network):
        return type(a) is type(b) and all(_same(getattr(a, f.name), getattr(b, f.name))
                                          for f in fields(a))
    return type(a) is type(b) and a == b


def test_every_field_of_the_record_round_trips_exactly():
    net = Network([2, 3, 1], activation="tanh")
    run = train(net, Init(seed=0, weight_range=(-0.1, 0.1)), X, Y, loss="bce",
                learning_rate=0.5, epochs=30, threshold=1e-9, retries=2, engine="reference",
                snapshot_epochs=[0, 10], track_gradients=True, X_test=X, Y_test=Y)
    assert len(run.attempts) == 3 and run.engine == "reference"
    run = replace(run, settings={**run.settings, "pair": (1, 2.5), "nested": {"t": [("a",)]},
                                 "none": None, "flag": True, "weights": (-0.1, 0.1)})
    back = run_from_bytes(run_to_bytes(run))
    for f in fields(run):
        assert _same(getattr(run, f.name), getattr(back, f.name)), f.name
    assert back.settings["pair"] == (1, 2.5) and type(back.settings["nested"]["t"][0]) is tuple


def test_a_per_layer_activation_and_diverged_run_round_trip():
    net = Network([2, 4, 3, 1], activation=("relu", "tanh"))
    run = train(net, Init(seed=1), X, Y, loss="mse", learning_rate=1e6, epochs=50)
    assert run.stopped == "diverged"
    back = run_from_bytes(run_to_bytes(run))
    assert back.network == net and back.diverged_at == run.diverged_at
    assert back.stopped == "diverged" and back.loss.tobytes() == run.loss.tobytes()


def _with_header(data: bytes, **changes) -> bytes:
    def change(name, content):
        if name != "header.npy":
            return content
        header = json.loads(np.load(io.BytesIO(content)).tobytes())
        for key, value in changes.items():
            if value is _DROP:
                header.pop(key)
            else:
                header[key] = value
        return _npy(np.frombuffer(json.dumps(header).encode(), np.uint8))
    return _rezip(data, change)


_DROP = object()


def _with_array(data: bytes, member: str, array) -> bytes:
    return _rezip(data, lambda n, c: _npy(array) if n == member + ".npy" else c)


@pytest.fixture(scope="module")
def fifty():
    """A 50-epoch run with a test set, snapshots and outputs: every optional array."""
    net = Network([2, 3, 1], activation="tanh")
    run = train(net, Init(seed=2), X, Y, loss="bce", learning_rate=1.0, epochs=50,
                snapshot_epochs=[0, 25], X_test=X, Y_test=Y, track_gradients=True)
    assert run.outputs is not None and run.grad_norms is not None
    return run_to_bytes(run)


@pytest.mark.parametrize("changes,field", [
    ({"converged_at": "abc"}, "converged_at"),
    ({"converged_at": 50}, "converged_at"),
    ({"converged_at": True}, "converged_at"),
    ({"diverged_at": 999}, "diverged_at"),
    ({"diverged_at": 50}, "stopped"),  # in range, but the run says it ran all its epochs
    ({"stopped": "banana"}, "stopped"),
    ({"stopped": "diverged"}, "stopped"),
    ({"stopped": "threshold"}, "stopped"),
    ({"loss_name": "softmax_ce"}, "loss_name"),
    ({"loss_name": 3}, "loss_name"),
    ({"version": True}, "version"),
    ({"version": 99}, "version"),
    ({"engine": "warp"}, "engine"),
    ({"engine": _DROP}, "engine"),
    ({"settings": [1, 2]}, "settings"),
    ({"snapshots": [0, 999]}, "snapshots"),
    ({"snapshots": [0, 0]}, "snapshots"),
    ({"snapshots": ["0"]}, "snapshots"),
    ({"network": {"sizes": [2, 3, 1], "activation": "tanh"}}, "network"),
    ({"network": {"sizes": [2, 10**9, 1], "activation": "tanh", "output": "sigmoid"}},
     "network.sizes"),
    ({"network": {"sizes": [2, 3, 1], "activation": "warp", "output": "sigmoid"}}, "network"),
    ({"attempts": [{"loss_name": "bce"}]}, r"attempts\[0\]"),
    ({"attempts": "many"}, "attempts"),
    ({"extra": 1}, "header"),
])
def test_each_bad_header_field_is_named(fifty, changes, field):
    with pytest.raises(ValueError, match=f"^run file: {field}"):
        run_from_bytes(_with_header(fifty, **changes))


@pytest.mark.parametrize("member,array,field", [
    ("test_loss", np.array(["0.5"] * 50), "test_loss"),
    ("test_loss", np.zeros(49), "test_loss"),
    ("test_accuracy", np.full(50, 2.0), "test_accuracy"),
    ("accuracy", np.zeros(49), "accuracy"),
    ("loss", np.zeros((50, 1)), "loss"),
    ("outputs", np.zeros((50, 4, 1, 1)), "outputs"),
    ("outputs", np.zeros((50, 4, 2)), "outputs"),
    ("outputs", np.full((50, 4, 1), 1.5), "outputs: sigmoid outputs from 0 to 1"),
    ("grad_norms", -np.ones((50, 2)), "grad_norms"),
    ("params_W0", np.zeros((2, 3), dtype=complex), "params_W0"),
    ("initial_b1", np.zeros(1, dtype=np.int64), "initial_b1"),
    ("snapshot25_W1", np.zeros((3, 1), dtype=[("a", "f8")]), "snapshot25_W1"),
])
def test_each_bad_array_is_named(fifty, member, array, field):
    with pytest.raises(ValueError, match=f"^run file: {field}"):
        run_from_bytes(_with_array(fifty, member, array))


def test_complex_params_are_refused_without_a_warning(fifty):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="params_W0: an array of real numbers"):
            run_from_bytes(_with_array(fifty, "params_W0", np.ones((2, 3)) + 1j))


def _zip_with(members: dict, size_of=None) -> bytes:
    """A zip of named members; a member's content is bytes, or a (chunk, repeats) pair that
    is streamed in (so a test can make a big member without holding it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            chunk, repeats = content
            with archive.open(name, "w", force_zip64=False) as member:
                for _ in range(repeats):
                    member.write(chunk)
    return out.getvalue()


def _declared_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s uncompressed size rewritten (local and central headers)."""
    data = bytearray(data)
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(encoded)] == encoded:
                data[at + offset:at + offset + 4] = size.to_bytes(4, "little")
            at += 4
    return bytes(data)


MB = 2**20


@pytest.fixture(scope="module")
def bombs(fifty):
    """Crafted inputs under 10 MB that once cost gigabytes: each must be refused cheaply."""
    source = zipfile.ZipFile(io.BytesIO(fifty))
    good = {name: source.read(name) for name in source.namelist()}
    zeros = bytes(MB)
    made = {
        # a member the format does not define, 256 MB of zeros: never read
        "unknown member": _zip_with({**good, "junk.npy": (zeros, 256)}),
        # the loss, honestly declared at 200 MB: refused by its declared size
        "declared": _zip_with({**good, "loss.npy": (zeros, 200)}),
        # the loss, 64 MB but declared as 1 KB: decompression stops at the limit
        "lying": _declared_size(_zip_with({**good, "loss.npy": (zeros, 64)}), "loss.npy", 1024),
        # a header of 100 MB of JSON spaces
        "header": _zip_with({**good, "header.npy": (b" " * MB, 100)}),
        # many arrays that are each within the limit but together above the total
        "total": _zip_with({**good, **{f"snapshot{e}_W{l}.npy": (zeros, 16)
                                        for e in (0, 25) for l in range(2)}}),
        # a zip directory of 60,000 empty members, and of 70,000 (a zip64 count)
        "members": _zip_with({f"m{i}": b"" for i in range(60_000)}),
        "zip64 members": _zip_with({f"m{i}": b"" for i in range(70_000)}),
    }
    # 60,000 members whose end record claims 1 (zipfile reads the directory by its size)
    lying = bytearray(made["members"])
    end = lying.rfind(b"PK\x05\x06")
    lying[end + 8:end + 12] = b"\x01\x00\x01\x00"
    made["lying count"] = bytes(lying)
    for name, data in made.items():
        assert len(data) < 10 * MB, (name, len(data))
    return made


@pytest.mark.parametrize("name,message", [
    ("unknown member", None),  # loads: the junk is never decompressed
    ("declared", "loss: at most"),
    ("lying", "loss"),
    ("header", "header: at most"),
    ("total", "snapshot"),
    ("members", "file: a zip archive of at most"),
    ("zip64 members", "file: a zip archive of at most"),
    ("lying count", "file: a zip archive of at most 10000 members; got 60000"),
])
def test_crafted_zips_are_refused_cheaply(bombs, name, message):
    tracemalloc.start()
    try:
        if message is None:
            run_from_bytes(bombs[name])
        else:
            with pytest.raises(ValueError, match=f"^run file: .*{message}"):
                run_from_bytes(bombs[name])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"{name}: peak {peak / MB:.1f} MB")
    assert peak < 100 * MB, f"{name}: peak {peak / MB:.0f} MB"


def test_a_large_honest_run_loads_within_the_memory_bound():
    """Outputs of 2 M numbers (train's history limit) load, under 100 MB of peak memory."""
    net = Network([2, 3, 1], activation="tanh")
    Xb = np.random.default_rng(0).standard_normal((1000, 2))
    run = train(net, Init(seed=0), Xb, (Xb[:, :1] > 0).astype(float), loss="bce", epochs=2000,
                snapshot_epochs=range(0, 2001, 50))
    assert run.outputs.size == 2_000_000
    data = run_to_bytes(run)
    tracemalloc.start()
    try:
        back = run_from_bytes(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert back.outputs.tobytes() == run.outputs.tobytes()
    print(f"honest: peak {peak / MB:.1f} MB")
    assert peak < 100 * MB, f"peak {peak / MB:.0f} MB"


def test_settings_that_cannot_travel_are_refused_when_saving(run):
    with pytest.raises(ValueError, match="settings: numbers, text"):
        run_to_bytes(replace(run, settings={"f": print}))
    with pytest.raises(ValueError, match="settings: dicts with text keys"):
        run_to_bytes(replace(run, settings={1: 2}))


def test_deeply_nested_headers_are_refused_without_recursion(fifty):
    for depth in (40, 900):
        text = json.dumps(json.loads(np.load(io.BytesIO(
            zipfile.ZipFile(io.BytesIO(fifty)).read("header.npy"))).tobytes()))
        text = text.replace('"settings": {', '"settings": {"a": ' + "[" * depth + "]" * depth
                            + ", ")
        data = _rezip(fifty, lambda n, c: _npy(np.frombuffer(text.encode(), np.uint8))
                      if n == "header.npy" else c)
        with pytest.raises(ValueError, match="^run file: header: at most 32 levels"):
            run_from_bytes(data)
    nested = []
    for _ in range(40):
        nested = [nested]
    with pytest.raises(ValueError, match="^settings: at most 30 levels"):
        run_to_bytes(replace(run_from_bytes(fifty), settings={"deep": nested}))
