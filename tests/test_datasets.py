"""Datasets: shapes and dtypes, seeds, the geometry of each shape, splits, features, CSV."""

import numpy as np
import pytest

from nnlab import datasets as ds
from nnlab.datasets import (
    DATASETS, FEATURES, Dataset, add_features, blobs, circles, from_csv_text, linear, make,
    moons, quadrants, split, spirals, xor, xor_with_bias_column,
)

RANDOM = ["quadrants", "linear", "circles", "moons", "spirals", "blobs"]


def all_datasets():
    yield from (make(name) for name in DATASETS)
    yield spirals(n_classes=5, n_points=101)
    yield blobs(n_classes=7, n_points=50)


@pytest.mark.parametrize("data", list(all_datasets()), ids=lambda d: f"{d.name}-{d.n_classes}")
def test_shapes_dtypes_and_finite(data):
    n, k = len(data.X), data.n_classes
    assert data.X.dtype == np.float64 and data.X.ndim == 2 and data.X.shape[1] >= 2
    assert data.labels.dtype == np.int64 and data.labels.shape == (n,)
    assert set(np.unique(data.labels)) <= set(range(k))
    assert np.isfinite(data.X).all() and np.isfinite(data.Y).all()
    assert data.Y.dtype == np.float64
    assert data.Y.shape == ((n, 1) if k == 2 else (n, k))
    assert data.one_hot().shape == (n, k)
    assert len(data.features) == data.X.shape[1]


def test_registry_names_match_dataset_names():
    assert all(make(name).name == name for name in DATASETS)


def test_xor_truth_table_in_order():
    data = xor()
    assert data.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.labels.tolist() == [0, 1, 1, 0]
    assert data.Y.tolist() == [[0.0], [1.0], [1.0], [0.0]]


def test_xor_with_bias_column_adds_ones():
    data = xor_with_bias_column()
    assert data.X.shape == (4, 3)
    assert np.array_equal(data.X[:, :2], xor().X) and (data.X[:, 2] == 1.0).all()
    assert data.labels.tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("name", RANDOM)
def test_same_seed_same_bytes_other_seed_differs(name):
    a, b, c = make(name, seed=3), make(name, seed=3), make(name, seed=4)
    assert a.X.tobytes() == b.X.tobytes() and a.labels.tobytes() == b.labels.tobytes()
    assert a.X.tobytes() != c.X.tobytes()


def test_global_random_state_untouched():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    for name in RANDOM:
        make(name)
    assert np.random.random() == expected


def test_pinned_first_rows():
    # Pins the generator recipe: a change of draw order would silently change every lesson.
    assert linear(seed=0).X[0] == pytest.approx([0.12573022, -0.13210486])
    assert circles(seed=0).X[0] == pytest.approx([0.7818019522, -0.7000428802])
    assert circles(seed=0).labels[:6].tolist() == [0, 1, 0, 1, 1, 0]
    assert spirals(n_classes=3, seed=0).X[0] == pytest.approx([-0.5462282802, -0.0587362602])


def test_quadrants_rule_and_scale():
    data = quadrants(n_points=2000, scale=2.0, seed=1)
    assert np.array_equal(data.labels, (data.X[:, 0] * data.X[:, 1] > 0).astype(int))
    assert data.X.std() == pytest.approx(2.0, rel=0.05)


def test_linear_rule():
    data = linear(n_points=500)
    assert np.array_equal(data.labels, (data.X.sum(axis=1) > 0).astype(int))


@pytest.mark.parametrize("make_it", [
    lambda noise: quadrants(n_points=200, noise=noise, seed=5),
    lambda noise: linear(n_points=200, noise=noise, seed=5),
])
def test_label_noise_flips_exactly_that_fraction_and_keeps_points(make_it):
    clean, noisy = make_it(0.0), make_it(0.1)
    assert np.array_equal(clean.X, noisy.X)
    assert (clean.labels != noisy.labels).sum() == 20


@pytest.mark.parametrize("make_it,k", [
    (lambda: circles(n_points=501), 2), (lambda: moons(n_points=201), 2),
    (lambda: spirals(n_points=301, n_classes=3), 3), (lambda: spirals(n_points=300, n_classes=5), 5),
    (lambda: blobs(n_points=203, n_classes=4), 4),
])
def test_classes_balanced(make_it, k):
    counts = np.bincount(make_it().labels, minlength=k)
    assert counts.max() - counts.min() <= 1 and counts.sum() == len(make_it().X)


@pytest.mark.parametrize("factor", [0.3, 0.5, 0.8])
def test_circles_without_noise_lie_on_the_two_radii(factor):
    data = circles(n_points=400, noise=0.0, factor=factor)
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    np.testing.assert_allclose(radius[data.labels == 0], 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(radius[data.labels == 1], factor, rtol=0, atol=1e-15)


def test_circles_noise_scales_the_same_displacements():
    clean, a, b = (circles(noise=s, seed=2) for s in (0.0, 0.1, 0.2))
    np.testing.assert_allclose(b.X - clean.X, 2 * (a.X - clean.X), atol=1e-12)
    assert np.std(a.X - clean.X) == pytest.approx(0.1, rel=0.1)


def test_rows_are_shuffled_not_grouped_by_class():
    labels = circles(n_points=100).labels
    assert 0 < labels[:20].sum() < 20


def test_moons_without_noise_lie_on_half_circles():
    data = moons(n_points=200, noise=0.0)
    upper, lower = data.X[data.labels == 0], data.X[data.labels == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, atol=1e-12)
    assert (upper[:, 1] >= -1e-12).all() and (lower[:, 1] <= 0.5 + 1e-12).all()


def test_spirals_arms_are_rotations_of_each_other():
    data = spirals(n_points=300, n_classes=3, noise=0.0)
    arms = [data.X[data.labels == j] for j in range(3)]
    turn = 2 * np.pi / 3
    rotate = np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])

    def by_radius(points):
        return points[np.argsort(np.hypot(*points.T))]

    np.testing.assert_allclose(by_radius(arms[0]) @ rotate, by_radius(arms[1]), atol=1e-12)
    radius = np.hypot(*data.X.T)
    assert radius.min() == pytest.approx(0.2) and radius.max() == pytest.approx(1.0)


def test_blobs_centred_on_a_circle():
    data = blobs(n_points=4000, n_classes=4, spread=0.5)
    for j, angle in enumerate(np.arange(4) * np.pi / 2):
        centre = data.X[data.labels == j].mean(axis=0)
        np.testing.assert_allclose(centre, 3 * np.array([np.cos(angle), np.sin(angle)]), atol=0.05)
    assert blobs(spread=0.0).X.round(12).tolist().count([3.0, 0.0]) == 100


def test_one_hot_and_Y_forms():
    data = spirals(n_points=30, n_classes=3)
    assert np.array_equal(data.Y, data.one_hot())
    assert (data.Y.sum(axis=1) == 1).all() and np.array_equal(data.Y.argmax(axis=1), data.labels)
    binary = moons(n_points=10)
    assert np.array_equal(binary.Y[:, 0], binary.labels)
    assert np.array_equal(binary.one_hot().argmax(axis=1), binary.labels)


def test_dataset_is_frozen_and_owns_read_only_arrays():
    X = np.zeros((4, 2))
    data = Dataset("d", X, [0, 1, 0, 1], 2)
    X[0, 0] = 5.0
    assert data.X[0, 0] == 0.0
    with pytest.raises(ValueError):
        data.X[0, 0] = 1.0
    with pytest.raises(AttributeError):
        data.name = "other"
    assert "4 rows" in repr(data) and "2 classes" in repr(data)


@pytest.mark.parametrize("args,field", [
    (dict(X=np.zeros(4), labels=[0, 1, 0, 1], n_classes=2), "X"),
    (dict(X=[[0, 0], [np.nan, 1]], labels=[0, 1], n_classes=2), "NaN"),
    (dict(X=np.zeros((4, 2)), labels=[0, 1, 0], n_classes=2), "labels"),
    (dict(X=np.zeros((2, 2)), labels=[0.5, 1], n_classes=2), "labels"),
    (dict(X=np.zeros((2, 2)), labels=[0, 2], n_classes=2), "labels"),
    (dict(X=np.zeros((2, 2)), labels=[0, 0], n_classes=1), "n_classes"),
    (dict(X=np.zeros((2, 2)), labels=[0, 1], n_classes=2, features=("a",)), "features"),
])
def test_dataset_rejects_inconsistent_parts(args, field):
    with pytest.raises(ValueError, match=field):
        Dataset("d", **args)


def _same_rows(a, b):
    return sorted(map(tuple, a)) == sorted(map(tuple, b))


@pytest.mark.parametrize("fraction,n_test", [(0.0, 0), (0.25, 50), (0.3, 60), (0.9, 180)])
def test_split_sizes_and_disjoint(fraction, n_test):
    data = add_features(blobs(n_points=200, n_classes=3), ["x1*x2"])
    train, test = split(data, test_fraction=fraction, seed=1)
    assert (len(train), len(test)) == (200 - n_test, n_test)
    assert test.X.shape == (n_test, 3) and test.labels.shape == (n_test,)
    rows = np.column_stack([data.X, data.labels])
    parts = np.vstack([np.column_stack([p.X, p.labels]) for p in (train, test)])
    assert _same_rows(rows, parts)
    for part in (train, test):
        assert (part.name, part.n_classes, part.features) == (data.name, 3, data.features)


def test_split_is_seeded_and_random():
    data = moons(n_points=100)
    a, b, c = (split(data, seed=s)[1].X.tobytes() for s in (0, 0, 1))
    assert a == b and a != c


def test_split_keeps_every_class_in_train():
    data = Dataset("tiny", np.arange(10.0).reshape(5, 2), [0, 0, 0, 1, 2], 3)
    for seed in range(20):
        train, test = split(data, test_fraction=0.9, seed=seed)
        assert set(train.labels) == {0, 1, 2} and len(test) == 2
    train, test = split(xor(), test_fraction=0.5)
    assert set(train.labels) == {0, 1} and len(test) == 2


def test_split_empty_test_set_still_usable():
    train, test = split(xor(), test_fraction=0)
    assert np.array_equal(train.X, xor().X)
    assert test.X.shape == (0, 2) and test.Y.shape == (0, 1) and test.labels.dtype == np.int64


def test_add_features_values_and_order():
    data = quadrants(n_points=20)
    x1, x2 = data.X.T
    more = add_features(data, ["sin x2", "x1^2", "x1*x2", "x2^2", "sin x1"])
    assert more.features == ("x1", "x2", "sin x2", "x1^2", "x1*x2", "x2^2", "sin x1")
    expected = np.column_stack([x1, x2, np.sin(x2), x1**2, x1 * x2, x2**2, np.sin(x1)])
    assert np.array_equal(more.X, expected)
    assert np.array_equal(more.labels, data.labels)
    assert add_features(data, "x1*x2").X.shape == (20, 3)
    assert set(FEATURES) == {"x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"}
    assert data.X.shape == (20, 2)  # the input is left alone


def test_product_feature_makes_xor_separable_by_a_line():
    data = add_features(xor(), ["x1*x2"])
    score = data.X @ np.array([1.0, 1.0, -2.0]) - 0.5  # x1 + x2 - 2 x1 x2 is XOR itself
    assert np.array_equal(score > 0, data.labels == 1)


@pytest.mark.parametrize("call,message", [
    (lambda: quadrants(n_points=2), "n_points must be an integer >= 4, got 2"),
    (lambda: quadrants(n_points=10.0), "n_points must be an integer"),
    (lambda: quadrants(n_points=True), "n_points"),
    (lambda: quadrants(noise=0.6), "noise must be a finite number from 0 to 0.5"),
    (lambda: quadrants(scale=0), "scale must be a finite number > 0"),
    (lambda: quadrants(seed=-1), "seed must be an integer >= 0"),
    (lambda: quadrants(seed=1.5), "seed"),
    (lambda: linear(n_points=3), "n_points"),
    (lambda: linear(noise=-0.1), "noise"),
    (lambda: circles(noise=-1), "noise must be a finite number >= 0, got -1"),
    (lambda: circles(noise=float("nan")), "noise must be a finite number"),
    (lambda: circles(noise="0.1"), "noise"),
    (lambda: circles(factor=1.0), r"factor must be a finite number in \(0, 1\)"),
    (lambda: circles(factor=0), "factor"),
    (lambda: circles(n_points=1), "n_points"),
    (lambda: moons(n_points=0), "n_points"),
    (lambda: moons(noise=float("inf")), "noise"),
    (lambda: spirals(n_classes=6), "n_classes must be an integer from 2 to 5, got 6"),
    (lambda: spirals(n_classes=1), "n_classes"),
    (lambda: spirals(n_points=8, n_classes=5), r"n_points must be an integer >= 10 \(2 per class"),
    (lambda: spirals(noise=-0.5), "noise"),
    (lambda: blobs(n_classes=11), "n_classes must be an integer from 2 to 10"),
    (lambda: blobs(spread=-1), "spread must be a finite number >= 0"),
    (lambda: blobs(n_points=3), "n_points"),
    (lambda: split(xor(), test_fraction=0.95), "test_fraction must be a finite number from 0 to 0.9"),
    (lambda: split(xor(), test_fraction=-0.1), "test_fraction"),
    (lambda: split(xor(), seed=-2), "seed"),
    (lambda: add_features(xor(), ["x3"]), r"unknown feature 'x3'; valid features: x1\^2, x2\^2"),
    (lambda: add_features(xor(), ["x1*x2", "x1*x2"]), "x1\\*x2"),
    (lambda: add_features(add_features(xor(), "x1^2"), "x1^2"), "already"),
    (lambda: make("donut"), "unknown dataset 'donut'; valid names: xor, xor_with_bias_column"),
    (lambda: make("circles", n_classes=3), "circles has no argument 'n_classes'.*factor"),
    (lambda: make("xor", seed=1), "xor has no argument 'seed'; its arguments are: none"),
])
def test_bad_arguments_say_what_is_allowed(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_make_passes_arguments_on():
    assert make("spirals", n_classes=4, n_points=40).n_classes == 4
    assert make("circles", seed=7).X.tobytes() == circles(seed=7).X.tobytes()


GOOD_CSV = """x1,x2,label
0, 0, 0
0,1,1
 1.5 , -2e-1 ,2

1,1,0.0
"""


def test_csv_happy_path():
    data = from_csv_text(GOOD_CSV)
    assert data.name == "uploaded" and data.n_classes == 3
    assert data.X.tolist() == [[0, 0], [0, 1], [1.5, -0.2], [1, 1]]
    assert data.labels.tolist() == [0, 1, 2, 0] and data.Y.shape == (4, 3)


def test_csv_without_header_from_bytes_with_bom_and_crlf():
    data = from_csv_text("\ufeff0,0,0\r\n0,1,1\r\n1,0,1\r\n1,1,0\r\n".encode())
    assert np.array_equal(data.X, xor().X) and np.array_equal(data.labels, xor().labels)
    assert data.Y.shape == (4, 1)


def test_csv_header_any_case_and_spacing():
    assert len(from_csv_text(" X1 , x2,LABEL\n0,0,0\n0,1,1\n1,0,1\n1,1,0")) == 4


BODY = "0,1,1\n1,0,1\n1,1,0\n"


@pytest.mark.parametrize("text,message", [
    ("x1,x2,label\n0,0,0\n0,1\n" + BODY,
     r"row 3: expected 3 comma-separated values \(x1,x2,label\), got 2"),
    ("0,0,0\n0,0,0,\n" + BODY, "row 2: expected 3 .* got 4"),
    ("x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,cat\n", "row 5: label 'cat' is not a whole number"),
    ("x1,x2,label\n0,0,0\n\n0,1,1\n1,0,1\n1,1,0\n0,abc,1\n", "row 7: x2 'abc' is not a finite number"),
    ("0,0,0\nnan,1,1\n" + BODY, "row 2: x1 'nan' is not a finite number"),
    ("0,0,0\n1,inf,1\n" + BODY, "row 2: x2 'inf' is not a finite number"),
    ("0,0,0\n1,,1\n" + BODY, "row 2: x2 '' is not a finite number"),
    ("0,0,0\n1,1,1.5\n" + BODY, "row 2: label '1.5' is not a whole number"),
    ("0,0,0\n1,1,-1\n" + BODY, "row 2: label must be a class id from 0 to 9, got -1"),
    ("0,0,0\n1,1,10\n" + BODY, "row 2: label must be a class id from 0 to 9, got 10"),
    ("a,b,c\n" + BODY, "row 1: x1 'a' is not a finite number .*header row"),
    ("x;y;label\n" + BODY, "row 1: expected 3 .* got 1 .*header row"),
    ("x1,x2,label\n0,0,0\n1,1,1\n1,0,1\n", "need at least 4 data rows, got 3"),
    ("", "need at least 4 data rows, got 0"),
    ("0,0,1\n0,1,1\n1,0,1\n1,1,1\n", "labels: need at least 2 classes, found only class 1"),
    ("0,0,0\n0,1,3\n1,0,3\n1,1,0\n", "labels: classes must be numbered 0 to 3 .*missing 1, 2"),
    (b"0,0,0\n\xff\xfe,1,1\n", "not UTF-8"),
])
def test_csv_errors_name_the_row_and_problem(text, message):
    with pytest.raises(ValueError, match=message):
        from_csv_text(text)


def test_csv_row_limits():
    rows = "".join(f"{i},{i},{i % 2}\n" for i in range(ds.CSV_MAX_ROWS))
    assert len(from_csv_text("x1,x2,label\n" + rows)) == ds.CSV_MAX_ROWS
    with pytest.raises(ValueError, match=f"row {ds.CSV_MAX_ROWS + 2}: too many rows"):
        from_csv_text("x1,x2,label\n" + rows + "1,1,1\n")
