"""Saving and loading a run without pickle: one ``.npz`` of plain arrays plus a JSON header.

Loading uses ``allow_pickle=False`` and checks everything it reads (format tag, shapes
against the network, finite numbers), so a corrupt or foreign file raises a ``ValueError``
that says what is wrong instead of running anything.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from .network import Network
from .train import Run

FORMAT = "nnlab-run"
VERSION = 1
_OPTIONAL_ARRAYS = ("test_loss", "test_accuracy", "outputs", "grad_norms")


def run_to_bytes(run: Run) -> bytes:
    """The run as the bytes of an ``.npz`` file."""
    header = dict(
        format=FORMAT, version=VERSION,
        network=dict(sizes=list(run.network.sizes), activation=run.network.activation,
                     output=run.network.output),
        loss_name=run.loss_name, settings=_jsonable(run.settings),
        converged_at=run.converged_at, diverged_at=run.diverged_at, stopped=run.stopped,
        snapshots=sorted(int(e) for e in run.snapshots),
    )
    arrays = {"header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
              "loss": run.loss, "accuracy": run.accuracy}
    for name in _OPTIONAL_ARRAYS:
        if getattr(run, name) is not None:
            arrays[name] = getattr(run, name)
    for prefix, params in [("params", run.params), ("initial", run.initial_params)] + [
        (f"snapshot{e}", p) for e, p in run.snapshots.items()
    ]:
        for layer, (W, b) in enumerate(params):
            arrays[f"{prefix}_W{layer}"] = W
            arrays[f"{prefix}_b{layer}"] = b
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def run_from_bytes(data: bytes) -> Run:
    """Read a run saved by ``run_to_bytes``; a bad file raises ValueError saying why."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except Exception as error:  # zip, npy and pickle-refusal errors all mean "not a run file"
        raise ValueError(f"run file: not a saved nnlab run ({type(error).__name__}: {error})")
    header = _read_header(arrays)
    try:
        network = Network(**header["network"])
        layers = network.n_layers

        def params(prefix):
            return network.check_params(
                [(arrays[f"{prefix}_W{l}"], arrays[f"{prefix}_b{l}"]) for l in range(layers)])

        loss = _finite_vector(arrays["loss"], "loss")
        optional = {name: arrays.get(name) for name in _OPTIONAL_ARRAYS}
        return Run(
            network=network, loss_name=str(header["loss_name"]), loss=loss,
            accuracy=_finite_vector(arrays["accuracy"], "accuracy", len(loss)),
            params=params("params"), initial_params=params("initial"),
            settings=dict(header["settings"]),
            snapshots={int(e): params(f"snapshot{e}") for e in header["snapshots"]},
            converged_at=header["converged_at"], diverged_at=header["diverged_at"],
            stopped=str(header["stopped"]), **optional,
        )
    except KeyError as missing:
        raise ValueError(f"run file: the entry {missing} is missing")
    except (TypeError, ValueError) as error:
        raise ValueError(f"run file: {error}")


def save_run(run: Run, path) -> Path:
    path = Path(path)
    path.write_bytes(run_to_bytes(run))
    return path


def load_run(path) -> Run:
    return run_from_bytes(Path(path).read_bytes())


def _read_header(arrays) -> dict:
    if "header" not in arrays or arrays["header"].dtype != np.uint8:
        raise ValueError("run file: no nnlab header found (is this a saved run?)")
    try:
        header = json.loads(arrays["header"].tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("run file: the header is not valid JSON")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("run file: not a saved nnlab run (wrong format tag)")
    if header.get("version") != VERSION:
        raise ValueError(f"run file: version {header.get('version')!r} is not supported "
                         f"(this nnlab reads version {VERSION})")
    return header


def _finite_vector(array, name, length=None):
    array = np.asarray(array, dtype=float)
    if array.ndim != 1 or (length is not None and len(array) != length):
        raise ValueError(f"{name} must be a 1-D array" + (f" of length {length}" if length else ""))
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds non-finite numbers")
    return array


def _jsonable(value):
    """Settings as plain JSON types (tuples become lists, NumPy scalars become numbers)."""
    return json.loads(json.dumps(value, default=lambda v: v.item() if hasattr(v, "item") else str(v)))
