"""The 8x8 handwritten digits shipped inside nnlab: loaded offline, checked, split by digit."""

import hashlib
from pathlib import Path

import numpy as np
import pytest

from nnlab import datasets


def test_all_digits_have_the_published_shape_classes_and_values():
    data = datasets.digits_all()
    assert data.X.shape == (1797, 64)
    assert data.n_classes == 10
    assert set(np.unique(data.labels)) == set(range(10))
    assert data.X.min() == 0 and data.X.max() == 16
    assert np.array_equal(data.X, np.round(data.X))  # counts, not scaled values
    # Class sizes as the UCI description lists them for this part of the data.
    assert np.bincount(data.labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_the_file_matches_its_checksum_and_a_changed_file_is_refused(tmp_path, monkeypatch):
    with np.load(datasets.DIGITS_FILE) as stored:
        digest = hashlib.sha256(stored["images"].tobytes() + stored["labels"].tobytes())
        images, labels = stored["images"].copy(), stored["labels"].copy()
    assert digest.hexdigest() == datasets.DIGITS_SHA256
    images[0, 0] += 1
    changed = tmp_path / "digits.npz"
    np.savez_compressed(changed, images=images, labels=labels)
    monkeypatch.setattr(datasets, "DIGITS_FILE", changed)
    with pytest.raises(ValueError, match="checksum"):
        datasets.digits_all()


def test_first_image_is_a_zero():
    data = datasets.digits_all()
    assert data.labels[0] == 0
    image = data.X[0].reshape(8, 8)
    assert image[3:5, 3:5].sum() == 0  # a zero's middle is empty
    assert image[:, 1:7].sum() > 200


def test_split_is_stratified_seeded_and_covers_every_image_once():
    train, test = datasets.digits(test_fraction=0.25, seed=3)
    assert len(train) + len(test) == 1797
    sizes = np.bincount(datasets.digits_all().labels)
    assert np.bincount(test.labels).tolist() == [round(0.25 * n) for n in sizes]
    rows = np.concatenate([train.X, test.X])
    assert len(np.unique(rows, axis=0)) == len(np.unique(datasets.digits_all().X, axis=0))
    again_train, again_test = datasets.digits(test_fraction=0.25, seed=3)
    assert np.array_equal(again_test.X, test.X) and np.array_equal(again_train.labels, train.labels)
    _, other_test = datasets.digits(test_fraction=0.25, seed=4)
    assert not np.array_equal(other_test.X, test.X)


def test_split_fractions_at_the_ends():
    train, test = datasets.digits(test_fraction=0, seed=0)
    assert len(train) == 1797 and len(test) == 0
    train, test = datasets.digits(test_fraction=0.9, seed=0)
    assert np.bincount(train.labels, minlength=10).min() >= 17


@pytest.mark.parametrize("kwargs, name", [
    ({"test_fraction": -0.1}, "test_fraction"), ({"test_fraction": 0.95}, "test_fraction"),
    ({"test_fraction": float("nan")}, "test_fraction"), ({"test_fraction": "0.2"}, "test_fraction"),
    ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed"), ({"seed": True}, "seed"),
])
def test_bad_arguments_name_themselves(kwargs, name):
    with pytest.raises(ValueError, match=name):
        datasets.digits(**kwargs)


def test_the_package_data_rule_in_pyproject_ships_the_file():
    # A wheel (and the WASM site, which bundles the package) carries only files that
    # pyproject's package-data names; building a wheel here would need the network.
    import fnmatch
    import tomllib
    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["nnlab"]
    relative = datasets.DIGITS_FILE.relative_to(root / "nnlab").as_posix()
    assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns)


def test_the_embedded_copy_is_the_file_and_is_used_when_the_file_is_missing(tmp_path, monkeypatch):
    import base64
    from nnlab import digits_npz
    assert base64.b64decode(digits_npz.NPZ_BASE64) == datasets.DIGITS_FILE.read_bytes()
    monkeypatch.setattr(datasets, "DIGITS_FILE", tmp_path / "absent.npz")
    assert np.array_equal(datasets.digits_all().X, np.load(Path(__file__).resolve().parents[1]
                                                           / "nnlab" / "data" / "digits.npz")["images"])
