"""Saving and loading a run without pickle: one ``.npz`` of plain arrays plus a JSON header.

A run file may come from anyone (the playground takes uploads), so loading it has a bounded
cost and believes nothing:

- only the members the format defines are read (the header first; from it, the names of
  the arrays to expect), each with its declared size checked against a limit *before* it is
  decompressed, and decompression stops at that limit whatever the size declared. Input of
  up to ``MAX_FILE_BYTES`` never holds more than ``MAX_TOTAL_BYTES`` of arrays
  (peak memory stays under 100 MB for any input under 10 MB; the tests measure it);
- every array is parsed from its ``.npy`` header with no pickle: real floats only (no
  objects, no complex numbers), the shape the network and the number of epochs imply;
- every header field is checked for type, range and consistency with the network and the
  epochs (a run of 50 epochs cannot have diverged at epoch 999).

A bad file raises a ``ValueError`` that reads ``"run file: field: what is allowed; got X"``.
Every field of ``Run`` travels: tuples in ``settings`` come back as tuples, ``engine`` and
``attempts`` (each attempt a run of its own) too. A ``Network`` subclass comes back as a
plain ``Network`` of the same shape (the playground rebuilds its own from the settings).
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import numpy as np

from .losses import get_loss
from .network import Network
from .train import ENGINES, Run

FORMAT = "nnlab-run"
VERSION = 2  # 2 added engine, attempts and tuples in settings; version 1 files still load
READS = (1, 2)
_OPTIONAL_ARRAYS = ("test_loss", "test_accuracy", "outputs", "grad_norms")
_HEADER_FIELDS = {"format", "version", "network", "loss_name", "settings", "converged_at",
                  "diverged_at", "stopped", "snapshots", "engine", "attempts"}
_STOPS = ("epochs", "threshold", "diverged")
_RUN_ENGINES = tuple(e for e in ENGINES if e != "auto")
_TUPLE = "__tuple__"  # a JSON object {"__tuple__": [...]} is a tuple in settings

# Limits on what a file may make the loader do.
MAX_FILE_BYTES = 32 * 2**20  # the file itself
MAX_MEMBERS = 10_000  # zip entries (each costs a little memory before anything is read)
MAX_HEADER_BYTES = 256 * 2**10  # the JSON header, decompressed
MAX_MEMBER_BYTES = 17 * 2**20  # one array, decompressed: 2 M float64 (train's output history)
MAX_TOTAL_BYTES = 40 * 2**20  # every array read, decompressed
MAX_LAYERS = 64
MAX_UNITS = 100_000
MAX_ATTEMPTS = 100
MAX_DEPTH = 32  # nesting of lists and dicts in the header


def run_to_bytes(run: Run) -> bytes:
    """The run as the bytes of an ``.npz`` file."""
    header = dict(format=FORMAT, version=VERSION, **_header(run))
    if _depth(header) > MAX_DEPTH:
        _fail("settings", f"at most {MAX_DEPTH - 2} levels of nested lists and dicts", None,
              "more")
    arrays = {"header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)}
    for prefix, part in [("", run)] + [(f"attempt{i}_", a) for i, a in enumerate(run.attempts)]:
        arrays.update({prefix + name: array for name, array in _arrays(part).items()})
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _header(run: Run, nested: bool = False) -> dict:
    if nested and run.attempts:
        raise ValueError("attempts: an attempt has no attempts of its own; got one that has")
    header = dict(
        network=dict(sizes=list(run.network.sizes), activation=_encode(run.network.activation),
                     output=run.network.output),
        loss_name=run.loss_name, settings=_encode(run.settings, "settings"),
        converged_at=run.converged_at, diverged_at=run.diverged_at, stopped=run.stopped,
        snapshots=sorted(int(e) for e in run.snapshots), engine=run.engine,
    )
    if not nested:
        header["attempts"] = [_header(a, nested=True) for a in run.attempts]
    return header


def _arrays(run: Run) -> dict:
    arrays = {"loss": run.loss, "accuracy": run.accuracy}
    for name in _OPTIONAL_ARRAYS:
        if getattr(run, name) is not None:
            arrays[name] = getattr(run, name)
    for prefix, params in [("params", run.params), ("initial", run.initial_params)] + [
        (f"snapshot{e}", p) for e, p in run.snapshots.items()
    ]:
        for layer, (W, b) in enumerate(params):
            arrays[f"{prefix}_W{layer}"] = W
            arrays[f"{prefix}_b{layer}"] = b
    return arrays


def _encode(value, field: str = "settings"):
    """Plain JSON values; a tuple becomes {"__tuple__": [...]} so it comes back a tuple."""
    if isinstance(value, (np.generic,)) and not isinstance(value, (np.str_, np.bytes_)):
        value = value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v, field) for v in value]}
    if isinstance(value, list):
        return [_encode(v, field) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or _TUPLE in value:
            raise ValueError(f"{field}: dicts with text keys (not {_TUPLE!r}); "
                             f"got keys {list(value)[:5]!r}")
        return {k: _encode(v, field) for k, v in value.items()}
    raise ValueError(f"{field}: numbers, text, None, lists, tuples and dicts of them; "
                     f"got a {type(value).__name__}")


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {_TUPLE} and isinstance(value[_TUPLE], list):
            return tuple(_decode(v) for v in value[_TUPLE])
        return {k: _decode(v) for k, v in value.items()}
    return value


def run_from_bytes(data: bytes) -> Run:
    """Read a run saved by ``run_to_bytes``; a bad file raises ValueError saying why."""
    try:
        archive = _Archive(data)
        header = _read_header(archive)
        return _run(archive, header, "", header["version"], top=True)
    except KeyError as missing:
        raise ValueError(f"run file: the entry {missing} is missing") from None
    except (TypeError, ValueError) as error:
        raise ValueError(f"run file: {error}") from None


def save_run(run: Run, path) -> Path:
    path = Path(path)
    path.write_bytes(run_to_bytes(run))
    return path


def load_run(path) -> Run:
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"run file: at most {MAX_FILE_BYTES // 2**20} MB; "
                         f"got {path.stat().st_size / 2**20:.0f} MB")
    return run_from_bytes(path.read_bytes())


# ---- reading: the archive, with every member's size checked before it is decompressed -------

class _Archive:
    """The zip's directory, and reads of named members within the limits."""

    def __init__(self, data):
        if not isinstance(data, (bytes, bytearray, memoryview)):
            _fail("file", "the bytes of a .npz file", data, f"a {type(data).__name__}")
        data = bytes(data)
        if len(data) > MAX_FILE_BYTES:
            _fail("file", f"at most {MAX_FILE_BYTES // 2**20} MB", data,
                  f"{len(data) / 2**20:.0f} MB")
        entries = _zip_entries(data)
        if entries > MAX_MEMBERS:
            _fail("file", f"a zip archive of at most {MAX_MEMBERS} members", data,
                  f"{entries} members")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
            raise ValueError(f"not a saved nnlab run (not a zip archive: {error})") from None
        self.infos = {info.filename: info for info in self.zip.infolist()}
        self.total = 0  # bytes decompressed so far

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        info = self.infos.get(name + ".npy")
        if info is None:
            raise KeyError(name)
        limit = min(limit, MAX_TOTAL_BYTES - self.total)
        if info.file_size > limit:  # what the zip declares, before anything is decompressed
            _fail(name, f"at most {limit} bytes (the file's arrays together at most "
                        f"{MAX_TOTAL_BYTES // 2**20} MB)", None, f"{info.file_size} bytes")
        try:
            with self.zip.open(info) as member:
                raw = member.read(limit + 1)  # a member may declare less than it holds
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
                OSError, ValueError) as error:
            raise ValueError(f"not a saved nnlab run ({name}: {error})") from None
        if len(raw) > limit:
            _fail(name, f"at most {limit} bytes", None, "more")
        self.total += len(raw)
        return raw


def _zip_entries(data: bytes) -> int:
    """At least as many as the members zipfile would list: every central-directory entry
    starts with this signature. (The end record's count cannot bound it: zipfile reads
    entries for as many bytes as the directory claims, whatever the count says.)"""
    return data.count(b"PK\x01\x02")


def _npy(raw: bytes, name: str, kinds: str = "f") -> np.ndarray:
    """A ``.npy`` member parsed by hand: real numbers only, never an object (no pickle)."""
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        reader = {(1, 0): np.lib.format.read_array_header_1_0,
                  (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if reader is None:
            raise ValueError(f"npy version {version}")
        shape, fortran, dtype = reader(stream, max_header_size=10_000)
    except (ValueError, SyntaxError, TypeError) as error:
        raise ValueError(f"not a saved nnlab run ({name}: not a NumPy array: {error})") from None
    if dtype.kind not in kinds or dtype.hasobject or dtype.fields is not None or (
            kinds == "f" and dtype.itemsize not in (4, 8)):
        allowed = "an array of bytes" if kinds == "u" else "an array of real numbers (float)"
        _fail(name, allowed, None, f"dtype {dtype}")
    count = math.prod(shape)
    if count * dtype.itemsize != len(raw) - stream.tell():
        _fail(name, f"{count * dtype.itemsize} bytes of data for shape {shape}", None,
              f"{len(raw) - stream.tell()}")
    array = np.frombuffer(raw, dtype, count, stream.tell())
    array = array.reshape(shape, order="F" if fortran else "C")
    return np.array(array, dtype=dtype.newbyteorder("="), order="C")  # own, writable, native


def _read_header(archive: _Archive) -> dict:
    if "header.npy" not in archive.infos:
        raise ValueError("not a saved nnlab run (no header: is this a saved run?)")
    raw = _npy(archive.read("header", MAX_HEADER_BYTES), "header", "u")
    if raw.dtype != np.uint8 or raw.ndim != 1:
        _fail("header", "bytes of JSON text", raw)
    try:
        header = json.loads(raw.tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ValueError("header: JSON text; got something else") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("not a saved nnlab run (wrong format tag)")
    if _depth(header) > MAX_DEPTH:  # _decode and Run's users recurse through it
        _fail("header", f"at most {MAX_DEPTH} levels of nested lists and dicts", None, "more")
    version = header.get("version")
    if not _whole(version) or version not in READS:
        _fail("version", f"one of {', '.join(map(str, READS))} (the versions this nnlab reads)",
              version)
    unknown = sorted(set(header) - _HEADER_FIELDS)
    if unknown:
        _fail("header", f"the fields {', '.join(sorted(_HEADER_FIELDS))}", None,
              f"also {', '.join(map(repr, unknown))[:60]}")
    return header


# ---- reading: the run, every field checked ---------------------------------------------------

def _run(archive: _Archive, header: dict, prefix: str, version: int, top: bool) -> Run:
    network = _network(header.get("network"))
    loss_name = header.get("loss_name")
    if not isinstance(loss_name, str):
        _fail("loss_name", "the name of a loss", loss_name)
    try:
        get_loss(loss_name, network.output)
    except ValueError as error:
        raise ValueError(f"loss_name: {str(error).removeprefix('loss: ')}") from None
    settings = header.get("settings")
    if not isinstance(settings, dict):
        _fail("settings", "a dict", settings)

    def array(name):
        return _npy(archive.read(prefix + name), prefix + name)

    def params(name):
        pairs = [(array(f"{name}_W{l}"), array(f"{name}_b{l}")) for l in range(network.n_layers)]
        return network.check_params(pairs)

    loss = _vector(array("loss"), "loss", None, finite=True)
    epochs = len(loss)
    accuracy = _vector(array("accuracy"), "accuracy", epochs, finite=True, high=1.0)
    optional = {}
    present = {name: prefix + name + ".npy" in archive.infos for name in _OPTIONAL_ARRAYS}
    if present["test_loss"]:
        optional["test_loss"] = _vector(array("test_loss"), "test_loss", epochs)
    if present["test_accuracy"]:
        optional["test_accuracy"] = _vector(array("test_accuracy"), "test_accuracy", epochs,
                                            finite=True, high=1.0)
    if present["outputs"]:
        optional["outputs"] = _outputs(array("outputs"), epochs, network)
    if present["grad_norms"]:
        optional["grad_norms"] = _grad_norms(array("grad_norms"), epochs, network)
    converged_at, diverged_at, stopped = _ending(header, epochs)
    snapshots = _snapshot_epochs(header.get("snapshots"), epochs)
    engine = header.get("engine", "numpy") if version == 1 else header.get("engine")
    if not isinstance(engine, str) or engine not in _RUN_ENGINES:
        _fail("engine", f"one of {', '.join(_RUN_ENGINES)}", engine)
    attempts = ()
    if top:
        attempts = _attempts(archive, header, version)
    elif "attempts" in header:
        _fail("attempts", "none inside an attempt", header["attempts"])
    return Run(
        network=network, loss_name=loss_name, loss=loss, accuracy=accuracy,
        params=params("params"), initial_params=params("initial"),
        settings=_decode(settings), snapshots={e: params(f"snapshot{e}") for e in snapshots},
        converged_at=converged_at, diverged_at=diverged_at, stopped=stopped,
        attempts=attempts, engine=engine, **optional,
    )


def _attempts(archive, header, version) -> tuple[Run, ...]:
    items = header.get("attempts", [])
    if not isinstance(items, list) or len(items) > MAX_ATTEMPTS:
        _fail("attempts", f"a list of at most {MAX_ATTEMPTS} runs", items,
              f"{len(items)} runs" if isinstance(items, list) else None)
    runs = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not set(item) <= _HEADER_FIELDS:
            _fail(f"attempts[{i}]", "the header of a run", item)
        try:
            runs.append(_run(archive, item, f"attempt{i}_", version, top=False))
        except KeyError as missing:
            raise ValueError(f"attempts[{i}]: the entry {missing} is missing") from None
        except ValueError as error:
            raise ValueError(f"attempts[{i}]: {error}") from None
    return tuple(runs)


def _network(spec) -> Network:
    if not isinstance(spec, dict) or set(spec) != {"sizes", "activation", "output"}:
        _fail("network", "a dict of sizes, activation and output", spec)
    sizes, activation = spec["sizes"], spec["activation"]
    if (not isinstance(sizes, list) or not 2 <= len(sizes) <= MAX_LAYERS
            or not all(_whole(s) and 1 <= s <= MAX_UNITS for s in sizes)):
        _fail("network.sizes", f"a list of 2 to {MAX_LAYERS} whole numbers from 1 to "
                               f"{MAX_UNITS}", sizes)
    activation = _decode(activation)
    if isinstance(activation, (list, tuple)):
        activation = tuple(activation)
    if not (isinstance(activation, str) or isinstance(activation, tuple)
            and all(isinstance(a, str) for a in activation)):
        _fail("network.activation", "a name or one name per hidden layer", activation)
    if not isinstance(spec["output"], str):
        _fail("network.output", "the name of an output activation", spec["output"])
    try:
        return Network(tuple(sizes), activation=activation, output=spec["output"])
    except ValueError as error:
        raise ValueError(f"network: {error}") from None


def _ending(header, epochs: int):
    """converged_at, diverged_at and stopped, each checked against the others and the epochs."""
    converged_at, diverged_at, stopped = (header.get(k) for k in
                                          ("converged_at", "diverged_at", "stopped"))
    if converged_at is not None and not (_whole(converged_at) and 0 <= converged_at < epochs):
        _fail("converged_at", f"None or an epoch from 0 to {epochs - 1} (the run has "
                              f"{epochs} epochs)", converged_at)
    if diverged_at is not None and not (_whole(diverged_at) and diverged_at == epochs):
        _fail("diverged_at", f"None or {epochs} (a run stops at the epoch that blew up, "
                             f"so it is the first epoch not recorded)", diverged_at)
    if not isinstance(stopped, str) or stopped not in _STOPS:
        _fail("stopped", f"one of {', '.join(_STOPS)}", stopped)
    if (stopped == "diverged") != (diverged_at is not None):
        _fail("stopped", "'diverged' exactly when diverged_at is set", stopped)
    if stopped == "threshold" and converged_at != epochs - 1:
        _fail("stopped", "'threshold' only when the last epoch converged", stopped)
    return converged_at, diverged_at, stopped


def _snapshot_epochs(epochs_list, epochs: int) -> list[int]:
    if not isinstance(epochs_list, list) or not all(
            _whole(e) and 0 <= e <= epochs for e in epochs_list):
        _fail("snapshots", f"a list of epochs from 0 to {epochs}", epochs_list)
    if len(set(epochs_list)) != len(epochs_list):
        _fail("snapshots", "each epoch once", epochs_list)
    return sorted(epochs_list)


def _vector(array, name, length, *, finite=False, high=None) -> np.ndarray:
    array = array.astype(np.float64)
    if array.ndim != 1 or (length is not None and len(array) != length):
        _fail(name, "a 1-D array" + (f" of length {length} (one per epoch)" if length is not None
                                     else ""), array)
    if finite and not np.isfinite(array).all():
        _fail(name, "finite numbers", array, "non-finite numbers")
    if (array < 0).any() or (high is not None and (array > high).any()):
        _fail(name, "numbers >= 0" + (f" and <= {high:g}" if high is not None else ""), array,
              "numbers outside that range")
    return array


def _outputs(array, epochs, network) -> np.ndarray:
    k = network.n_outputs
    if array.ndim != 3 or array.shape[0] != epochs or array.shape[2] != k:
        _fail("outputs", f"an array of shape ({epochs}, n, {k}): epochs, samples, outputs",
              array)
    bounds = network.activations[-1].bounds
    if bounds is not None and ((array < bounds[0]) | (array > bounds[1])).any():
        _fail("outputs", f"{network.output} outputs from {bounds[0]:g} to {bounds[1]:g}", array,
              "numbers outside that range")
    return array.astype(np.float64)


def _grad_norms(array, epochs, network) -> np.ndarray:
    array = array.astype(np.float64)
    if array.shape != (epochs, network.n_layers):
        _fail("grad_norms", f"an array of shape ({epochs}, {network.n_layers}): epochs, layers",
              array)
    if (array < 0).any():
        _fail("grad_norms", "norms >= 0", array, "negative numbers")
    return array


def _depth(value) -> int:
    """How deeply lists and dicts nest in a JSON value (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(
            item, list) else ()
        for child in children:
            if isinstance(child, (list, dict)):
                deepest = max(deepest, level + 1)
                if deepest > MAX_DEPTH:
                    return deepest
                stack.append((child, level + 1))
    return deepest


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fail(field: str, allowed: str, value, shown: str | None = None):
    if shown is None:
        if isinstance(value, np.ndarray):
            shown = f"an array of shape {value.shape}"
        else:
            shown = repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
    raise ValueError(f"{field}: {allowed}; got {shown}")
