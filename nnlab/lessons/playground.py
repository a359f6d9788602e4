"""The playground behind lesson 5, without any UI: settings, data, network and chunked training.

A playground session is one frozen ``Settings`` (hashable, comparable, every field checked).
It travels three ways:

* from the widgets: ``settings_from_controls(**raw)`` parses what a learner typed
  (``parse_hidden_layers("16,8") -> (16, 8)``) and raises ``ValueError`` naming the control;
* through the page URL: ``to_query(settings) -> {"data": "circles", ...}`` and
  ``from_query(params) -> (settings, warnings)``, where an unknown or bad value falls back to
  its default with a warning instead of failing;
* inside a saved run: ``run_file_bytes(result)`` / ``read_run_file(data)``.

From settings to a trained run::

    data = build_data(settings)                  # points, split, classes (a CSV text optional)
    for run in train_in_chunks(settings, data):  # the first chunk is quick, the rest stream
        ...                                      # draw run (a Run of the epochs so far)

Extra input features (x1^2, sin x1, ...) live inside the network: ``FeatureNetwork`` takes the
plane's two coordinates and adds its feature columns itself, so the data, the boundary and
the neuron maps all stay in the (x1, x2) plane while the first layer sees every feature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Iterator, Mapping
from urllib.parse import urlencode

import numpy as np

from .. import checks, datasets, regression, verdicts
from ..activations import HIDDEN_ACTIVATIONS
from ..diagnostics import health_messages, unit_health
from ..init import METHODS as INIT_METHODS, Init
from ..network import Network, Params, accuracy, forward
from ..optim import OPTIMIZERS
from ..runio import run_from_bytes, run_to_bytes
from ..train import Run, Training
from ..view import code, drawing, live, prediction

# ---------------------------------------------------------------------------------------------
# What each control offers (names the library uses -> words a learner reads)
# ---------------------------------------------------------------------------------------------

DATASETS = {
    "circles": "circles (a disc inside a ring)",
    "quadrants": "quadrant XOR",
    "moons": "two moons",
    "spirals": "two spirals",
    "spirals3": "three spirals (3 classes)",
    "gaussians": "two gaussian clouds",
    "linear": "linearly separable",
    **regression.REGRESSION_SETS,  # targets are numbers: see is_regression
    "draw": "your drawn points",
    "csv": "your CSV file",
}
FEATURES = datasets.FEATURES  # x1^2, x2^2, x1*x2, sin x1, sin x2
FEATURE_LABELS = {"x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2", "sin x1": "sin x1",
                  "sin x2": "sin x2"}
ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid",
                     "leaky_relu": "leaky ReLU", "identity": "linear (identity)"}
# Output activation and loss always come as a pair; the key is the loss name.
OUTPUT_LOSSES = {
    "bce": ("sigmoid", "sigmoid + cross-entropy"),
    "mse": ("sigmoid", "sigmoid + squared error"),
    "softmax_ce": ("softmax", "softmax + cross-entropy"),
    "mse_linear": ("identity", "linear + squared error"),  # loss: mse; regression only
}
INIT_LABELS = {"uniform": "uniform in ± range", "normal": "normal, std = weight range",
               "xavier": "Xavier (1/fan-in)", "he": "He (2/fan-in, for ReLU)",
               "zeros": "all zeros"}
OPTIMIZER_LABELS = {"sgd": "gradient descent", "momentum": "momentum", "adam": "Adam"}

MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 64
LIMITS = {  # inclusive ranges of the numeric settings
    "points": (20, 1000),
    "noise": (0.0, 0.5),
    "test_fraction": (0.1, 0.9),
    "data_seed": (0, 999_999),
    "weight_range": (0.01, 10.0),
    "bias_range": (0.0, 10.0),
    "weight_seed": (0, 999_999),
    "learning_rate": (1e-5, 10.0),
    "batch_size": (0, 1000),  # 0 means the full batch
    "l2": (0.0, 1.0),
    "epochs": (1, 20_000),
}
GAUSSIAN_SPREAD = (1.0, 4.0)  # gaussians: cloud spread = 1 + 4 x noise (centres 6 apart)
# Slider stops (a value from a link that is not on the list is added to it: ``stops``).
POINT_STOPS = (20, 50, 100, 150, 200, 300, 500, 750, 1000)
NOISE_STOPS = tuple(round(0.05 * i, 2) for i in range(11))
TEST_STOPS = tuple(round(0.1 * i, 1) for i in range(1, 10))
WEIGHT_RANGE_STOPS = (0.01, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
BIAS_RANGE_STOPS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0)
L2_STOPS = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
EPOCH_STOPS = (10, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 20000)
BATCH_SIZES = {"full batch": 0, "1 (online)": 1, "5": 5, "10": 10, "20": 20, "50": 50,
               "100": 100}
SNAPSHOTS = 40  # about this many stored epochs for the scrubber
EARLY_SNAPSHOTS = (1, 2, 3, 5, 10, 20)  # most of the change happens early


def stops(values, current) -> list:
    """Slider stops including ``current`` (a link may hold a value between the stops)."""
    return sorted(set(values) | {current})


def batch_options(current: int) -> dict[str, int]:
    """Batch-size dropdown options (label -> size), with ``current`` added if missing."""
    options = dict(BATCH_SIZES)
    if current not in options.values():
        options[str(current)] = current
    return options


def batch_label(size: int) -> str:
    return next(label for label, value in batch_options(size).items() if value == size)


# ---------------------------------------------------------------------------------------------
# Parsing what a learner types
# ---------------------------------------------------------------------------------------------


def parse_hidden_layers(text: str) -> tuple[int, ...]:
    """``"16,8" -> (16, 8)``; an empty text means no hidden layer (a linear model).

    Raises ValueError naming the item that is wrong and what is allowed.
    """
    if not isinstance(text, str):
        raise ValueError(f"hidden layers: type sizes like 16,8; got {text!r}")
    allowed = (f"whole numbers from 1 to {MAX_UNITS}, separated by commas, "
               f"at most {MAX_HIDDEN_LAYERS} layers (e.g. 16,8)")
    stripped = text.strip()
    if stripped.lower() in ("", "none", "-"):
        return ()
    items = [item.strip() for item in stripped.split(",")]
    sizes = []
    for position, item in enumerate(items, start=1):
        where = f"hidden layers: item {position} of {len(items)}"
        if item == "":
            raise ValueError(f"{where} is empty; allowed: {allowed}")
        if not item.isdecimal():  # (isdigit would pass "²", which int() refuses)
            raise ValueError(f"{where} is {_clip(item)!r}, not a whole number; allowed: {allowed}")
        if len(item.lstrip("0")) > len(str(MAX_UNITS)):  # int() of 5000 digits is refused
            raise ValueError(f"{where} is {_clip(item)}, outside 1 to {MAX_UNITS}; "
                             f"allowed: {allowed}")
        size = int(item.lstrip("0") or "0")
        if not 1 <= size <= MAX_UNITS:
            raise ValueError(f"{where} is {size}, outside 1 to {MAX_UNITS}; allowed: {allowed}")
        sizes.append(size)
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"hidden layers: {len(sizes)} layers is too many; allowed: {allowed}")
    return tuple(sizes)


def _clip(text: str, most: int = 20) -> str:
    return text if len(text) <= most else f"{text[:most]}... ({len(text):,} characters)"


def format_hidden_layers(hidden: tuple[int, ...]) -> str:
    return ",".join(str(h) for h in hidden)


def parse_activations(text: str, hidden_layers: int) -> str | tuple[str, ...]:
    """One hidden activation (``"relu"``) or one per hidden layer (``"relu,tanh"``)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("hidden activation: give a name such as relu, or one per layer "
                         "such as relu,tanh")
    names = tuple(item.strip().lower() for item in text.split(","))
    for position, name in enumerate(names, start=1):
        if name not in HIDDEN_ACTIVATIONS:
            where = "hidden activation" if len(names) == 1 else \
                f"hidden activation: item {position} of {len(names)}"
            raise ValueError(f"{where} is {name!r}; allowed: {', '.join(HIDDEN_ACTIVATIONS)}")
    if len(names) == 1:
        return names[0]
    if len(names) != hidden_layers:
        raise ValueError(f"hidden activation: {len(names)} names for {hidden_layers} hidden "
                         f"layer{'s' if hidden_layers != 1 else ''}; give one name for all "
                         f"layers or exactly one per layer")
    return names


def format_activation(activation: str | tuple[str, ...]) -> str:
    return activation if isinstance(activation, str) else ",".join(activation)


def parse_features(value) -> tuple[str, ...]:
    """Extra input features from a list of names or a comma-separated text, in canonical order."""
    if isinstance(value, str):
        names = [v.strip() for v in value.split(",") if v.strip()]
    else:
        names = list(value)
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"extra features: unknown {', '.join(map(repr, unknown))}; "
                         f"allowed: {', '.join(FEATURES)}")
    return tuple(f for f in FEATURES if f in names)


def _whole(value, field):
    if isinstance(value, bool):
        raise ValueError(f"{field} must be a whole number; got {value!r}")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal():
        if len(value.strip()) > 18:  # int() refuses 4300+ digits with a message about Python
            raise ValueError(f"{field} must be a whole number of at most 18 digits; "
                             f"got {_clip(value.strip())}")
        return int(value.strip())
    raise ValueError(f"{field} must be a whole number; got {_clip(repr(value), 60)}")


def _real(value, field):
    if isinstance(value, bool):
        raise ValueError(f"{field} must be a number; got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{field} must be a number; got {value!r}")
    if not math.isfinite(number):
        raise ValueError(f"{field} must be a finite number; got {value!r}")
    return number


def _in_range(number, field):
    low, high = LIMITS[field]
    if not low <= number <= high:
        raise ValueError(f"{field.replace('_', ' ')} must lie between {low:g} and {high:g}; "
                         f"got {number:g}")
    return number


def _choice(value, field, options):
    if value not in options:
        raise ValueError(f"{field.replace('_', ' ')} must be one of {', '.join(options)}; "
                         f"got {value!r}")
    return value


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Every setting of a playground session, checked on creation.

    The defaults train a 2-8-8-1 ReLU net (He start) on circles with plain full-batch gradient
    descent to 100 % training and ~97 % test accuracy in 300 epochs (a few tens of ms).
    """

    # data
    dataset: str = "circles"
    points: int = 200
    noise: float = 0.1
    test_fraction: float = 0.3
    data_seed: int = 0
    features: tuple[str, ...] = ()
    # network
    hidden: tuple[int, ...] = (8, 8)
    activation: str | tuple[str, ...] = "relu"
    output_loss: str = "bce"
    init: str = "he"
    weight_range: float = 1.0
    bias_range: float = 0.5
    weight_seed: int = 0
    # training
    optimizer: str = "sgd"
    learning_rate: float = 0.3
    batch_size: int = 0  # 0 = full batch
    l2: float = 0.0
    epochs: int = 300

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _check_field(f.name, getattr(self, f.name)))
        if not isinstance(self.activation, str) and len(self.activation) != len(self.hidden):
            raise ValueError(
                f"hidden activation: {len(self.activation)} names for {len(self.hidden)} hidden "
                f"layers; give one name for all layers or exactly one per layer")

    @property
    def output(self) -> str:
        return OUTPUT_LOSSES[self.output_loss][0]

    @property
    def loss(self) -> str:
        return "mse" if self.output_loss == "mse_linear" else self.output_loss

    @property
    def full_batch(self) -> bool:
        return self.batch_size == 0

    def to_query(self) -> dict[str, str]:
        return to_query(self)

    @classmethod
    def from_query(cls, params) -> tuple["Settings", list[str]]:
        return from_query(params)


def _check_field(name, value):
    """The checked, normalised value of one Settings field (ValueError if impossible)."""
    if name == "dataset":
        return _choice(value, "dataset", tuple(DATASETS))
    if name == "features":
        return parse_features(value)
    if name == "hidden":
        if isinstance(value, str):
            return parse_hidden_layers(value)
        sizes = tuple(_whole(v, "hidden layers") for v in value)
        return parse_hidden_layers(format_hidden_layers(sizes))
    if name == "activation":
        if isinstance(value, str):
            return parse_activations(value, 1 if "," not in value else value.count(",") + 1)
        names = tuple(value)
        return parse_activations(",".join(names), len(names)) if names else "relu"
    if name == "output_loss":
        return _choice(value, "output and loss", tuple(OUTPUT_LOSSES))
    if name == "init":
        return _choice(value, "init", INIT_METHODS)
    if name == "optimizer":
        return _choice(value, "optimizer", OPTIMIZERS)
    if name in ("data_seed", "weight_seed"):  # (a link gives text; the number box a number)
        label = name.replace("_", " ")
        number = _whole(value, label) if isinstance(value, str) else value
        return checks.seed(number, label, high=LIMITS[name][1])
    if name in ("points", "batch_size", "epochs"):
        number = _whole(value, name.replace("_", " "))
        return _in_range(number, name)
    number = _real(value, name.replace("_", " "))
    if name == "learning_rate" and number <= 0:
        raise ValueError(f"learning rate must be positive; got {number:g}")
    return _in_range(number, name)


def settings_from_controls(**raw) -> Settings:
    """Settings from raw widget values: ``hidden`` may be the typed text ("16,8"), and
    ``activation`` one name or a comma list; an empty ``per_layer_activation`` text means
    "use ``activation`` for every layer". Raises ValueError with a readable message."""
    raw = dict(raw)
    per_layer = raw.pop("per_layer_activation", "") or ""
    hidden = raw.get("hidden", Settings.hidden)
    if isinstance(hidden, str):
        raw["hidden"] = parse_hidden_layers(hidden)
    if per_layer.strip():
        raw["activation"] = parse_activations(per_layer, len(raw["hidden"]))
    unknown = set(raw) - {f.name for f in fields(Settings)}
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    return Settings(**raw)


def prepare(raw: Mapping, csv: "str | bytes | Upload | None" = None,
            drawn=None) -> tuple[Settings, "Data"]:
    """Settings and data from raw widget values, checked all the way to the network's shape
    (an output that cannot fit the data is rejected here) and to the compute budget (a run
    estimated above ``BUDGET_SECONDS`` is refused before training). Raises ValueError."""
    settings = settings_from_controls(**raw)
    data = build_data(settings, csv, drawn)
    build_network(settings, data.classes)
    check_budget(settings, data)
    return settings, data


# ---------------------------------------------------------------------------------------------
# The URL: settings <-> query parameters
# ---------------------------------------------------------------------------------------------

QUERY_KEYS = {  # Settings field -> query key
    "dataset": "data", "points": "points", "noise": "noise", "test_fraction": "test",
    "data_seed": "dseed", "features": "features", "hidden": "layers", "activation": "act",
    "output_loss": "out", "init": "init", "weight_range": "wrange", "bias_range": "brange",
    "weight_seed": "wseed", "optimizer": "opt", "learning_rate": "lr", "batch_size": "batch",
    "l2": "l2", "epochs": "epochs",
}
FIELDS_BY_KEY = {key: name for name, key in QUERY_KEYS.items()}


def _query_text(name, value) -> str:
    if name == "features":
        return ",".join(value)
    if name == "hidden":
        return format_hidden_layers(value)
    if name == "activation":
        return format_activation(value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    return str(value)


def to_query(settings: Settings) -> dict[str, str]:
    """Every setting as a short URL query parameter (``from_query`` reads it back exactly)."""
    return {QUERY_KEYS[f.name]: _query_text(f.name, getattr(settings, f.name))
            for f in fields(Settings)}


def from_query(params: Mapping) -> tuple[Settings, list[str]]:
    """Settings from URL query parameters, and a list of warnings.

    A missing key takes its default; an unknown key or a bad value is ignored (the default
    is used) and explained in a warning, so a mangled link still opens a working page.
    """
    defaults = Settings()
    values, warnings = {}, []
    for key in params:
        raw = params[key]
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        name = FIELDS_BY_KEY.get(key)
        if key == drawing.QUERY_KEY:  # drawn points: read by drawing.from_query
            continue
        if name is None:
            warnings.append(f"unknown setting {_clip(repr(key), 60)} in the link was ignored")
            continue
        try:
            if name == "dataset" and raw == "csv":
                raise ValueError("an uploaded CSV file cannot travel in a link; upload it again")
            values[name] = _check_field(name, str(raw))
        except ValueError as error:
            shown = _query_text(name, getattr(defaults, name))
            warnings.append(f"{_clip(key, 40)}={_clip(repr(raw), 60)} in the link was ignored "
                            f"({error}); "
                            f"using {shown or 'none'}")
    try:
        return Settings(**values), warnings
    except ValueError as error:  # fields fine alone but not together (activation per layer)
        values.pop("activation", None)
        warnings.append(f"act in the link was ignored ({error}); using "
                        f"{defaults.activation}")
        return Settings(**values), warnings


def query_string(settings: Settings) -> str:
    """``"?data=circles&points=200&..."``: append it to the lesson's address to share it."""
    return "?" + urlencode(to_query(settings))


def share_query(settings: Settings, data: "Data | None" = None) -> dict[str, str]:
    """``to_query`` plus the drawn points of ``data`` when they are few enough for a link."""
    query = to_query(settings)
    if settings.dataset == "draw" and data is not None and data.drawn:
        query.update(drawing.to_query(data.drawn))
    return query


def share_query_keys() -> tuple[str, ...]:
    """Every key ``share_query`` may write (the page removes the ones it no longer needs)."""
    return tuple(QUERY_KEYS.values()) + (drawing.QUERY_KEY,)


def share_line(result: "Result") -> str:
    """The lesson's "link to this state" sentence, in markdown."""
    query = share_query(result.settings, result.data)
    text = (f"[A link to exactly this state](?{urlencode(query)}) (the same as the address "
            "bar now holds).")
    if result.data.drawn and drawing.QUERY_KEY not in query:
        text += (f" Your drawing has more than {drawing.LINK_MAX} points, too many for a link: "
                 "download the run to keep them.")
    return text


def differences(before: Settings, after: Settings) -> list[str]:
    """The settings that differ, as readable lines: ``"learning rate: 0.03 -> 0.3"``."""
    lines = []
    for f in fields(Settings):
        a, b = getattr(before, f.name), getattr(after, f.name)
        if a != b:
            show = lambda v, n=f.name: _query_text(n, v) or "none"  # noqa: E731
            lines.append(f"{f.name.replace('_', ' ')}: {show(a)} -> {show(b)}")
    return lines


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Data:
    """Training and test points in the input plane, with class ids (0, 1, ...)."""

    X: np.ndarray  # (n, 2)
    labels: np.ndarray  # (n,)
    X_test: np.ndarray  # (m, 2)
    labels_test: np.ndarray  # (m,)
    classes: int
    source: str  # what a learner reads: "circles" or "your CSV file (120 rows)"
    extent: tuple[float, float, float, float]  # the plane the charts show
    drawn: tuple = ()  # the drawn points (x1, x2, class) in the order drawn, for "draw"

    def targets(self, output: str, labels: np.ndarray | None = None) -> np.ndarray:
        """Targets for the output activation: (n, 1) of 0/1 for sigmoid, one-hot for softmax."""
        labels = self.labels if labels is None else labels
        if output == "softmax":
            return np.eye(self.classes)[labels]
        return labels.reshape(-1, 1).astype(float)


def _plane_extent(X: np.ndarray, pad: float = 0.1) -> tuple[float, float, float, float]:
    """A square around the points with a margin: circles stay round in a square chart."""
    low, high = X.min(axis=0), X.max(axis=0)
    cx, cy = (round(float(v), 3) for v in (low + high) / 2)
    half = round(max(float(np.max(high - low)) / 2, 0.5) * (1 + 2 * pad), 3)
    return (cx - half, cx + half, cy - half, cy + half)


@dataclass(frozen=True, eq=False)
class Upload:
    """A CSV upload read once: its points, or why they cannot be used."""

    dataset: "datasets.Dataset | None"
    problem: str | None = None


def read_upload(contents: str | bytes) -> Upload:
    """Parse an uploaded CSV file once (``datasets.from_csv_text``, with its size limits).

    The lesson keeps the result while the file stays uploaded, so changing a control does not
    parse the file again.
    """
    try:
        return Upload(datasets.from_csv_text(contents))
    except ValueError as error:
        return Upload(None, str(error))


def build_data(settings: Settings, csv: "str | bytes | Upload | None" = None,
               drawn=None) -> Data:
    """Generate (or take from the uploaded ``csv``) the points and split them into train and test.

    ``settings.dataset == "csv"`` needs ``csv``: the file's text, or the ``Upload`` that
    ``read_upload`` made of it; a bad file raises ValueError naming the bad row.
    ``"draw"`` takes ``drawn`` (points [x1, x2, class]; none: ``drawing.STARTER``).
    """
    if settings.dataset == "draw":  # a fixed plane, so a click lands where it was aimed
        points = drawing.parse_drawn(list(drawing.STARTER if drawn is None else drawn))
        dataset = drawing.dataset(points)
        train_set, test_set = datasets.split(dataset, test_fraction=settings.test_fraction,
                                             seed=settings.data_seed)
        return Data(train_set.X, train_set.labels, test_set.X, test_set.labels,
                    dataset.n_classes, f"your drawn points ({len(dataset)})", drawing.EXTENT,
                    points)
    if is_regression(settings):  # numbers as targets, in ``labels`` (``classes`` is 0)
        points = regression.make(settings.dataset, settings.points, settings.noise,
                                 settings.data_seed)
        train_set, test_set = regression.split(points, settings.test_fraction,
                                               settings.data_seed)
        return Data(train_set.X, train_set.y, test_set.X, test_set.y, 0,
                    DATASETS[settings.dataset], _plane_extent(points.X))
    if settings.dataset == "csv":
        if csv is None:
            raise ValueError("your CSV file: upload a file with the columns x1,x2,label first")
        upload = csv if isinstance(csv, Upload) else read_upload(csv)
        if upload.problem is not None:
            raise ValueError(f"your CSV file: {upload.problem}")
        dataset = upload.dataset
        source = f"your CSV file ({len(dataset)} rows)"
    else:
        dataset = _generate(settings)
        source = DATASETS[settings.dataset]
    train_set, test_set = datasets.split(dataset, test_fraction=settings.test_fraction,
                                         seed=settings.data_seed)
    return Data(train_set.X, train_set.labels, test_set.X, test_set.labels,
                dataset.n_classes, source, _plane_extent(dataset.X))


def _generate(settings: Settings) -> "datasets.Dataset":
    n, noise, seed = settings.points, settings.noise, settings.data_seed
    name = settings.dataset
    if name == "gaussians":  # noise widens the two clouds until they overlap
        return datasets.blobs(n, 2, spread=GAUSSIAN_SPREAD[0] + GAUSSIAN_SPREAD[1] * noise,
                              seed=seed)
    if name in ("spirals", "spirals3"):
        return datasets.spirals(n, 3 if name == "spirals3" else 2, noise=noise, seed=seed)
    return datasets.make(name, n_points=n, noise=noise, seed=seed)


# ---------------------------------------------------------------------------------------------
# Network, start and training settings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureNetwork(Network):
    """A network whose first step adds extra features (x1^2, sin x1, ...) to the plane's x1, x2.

    It takes 2-column inputs (points of the plane) and also accepts inputs that already
    carry the feature columns, so training, the decision boundary and the neuron maps all
    work on plane coordinates. ``sizes[0]`` counts the columns the first layer sees.
    """

    features: tuple[str, ...] = ()

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "features", parse_features(self.features))
        if self.sizes[0] != 2 + len(self.features):
            raise ValueError(f"sizes: the first layer sees x1, x2 and {len(self.features)} "
                             f"features, so sizes[0] must be {2 + len(self.features)}; "
                             f"got {self.sizes[0]}")

    @property
    def n_inputs(self) -> int:
        return 2  # the plane; the features are computed inside

    @property
    def input_names(self) -> tuple[str, ...]:
        return ("x1", "x2") + self.features

    def check_inputs(self, X, field: str = "X") -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        width = X.shape[1] if X.ndim == 2 else None
        if width not in (2, self.sizes[0]):
            raise ValueError(f"{field}: the network takes points (x1, x2); got data of shape "
                             f"{X.shape}")
        if not np.isfinite(X).all():
            raise ValueError(f"{field}: data holds NaN or infinite values")
        if width == self.sizes[0]:  # plain x1, x2 or features already added
            return X
        plane = datasets.Dataset("plane", X, np.zeros(len(X), dtype=np.int64), 2)
        return datasets.add_features(plane, self.features).X


def output_units(settings: Settings, classes: int) -> int:
    """1 for a sigmoid output; one unit per class for softmax. Rejects impossible pairs."""
    output, label = OUTPUT_LOSSES[settings.output_loss]
    if (output == "identity") != (classes == 0):
        raise ValueError(
            f"{label}: the regression data sets ({', '.join(regression.REGRESSION_SETS)}) need "
            f"the linear output with squared error" if classes == 0 else
            f"{label}: a linear output is for the regression data sets; for classes choose "
            f"a sigmoid or softmax output")
    if output == "sigmoid" and classes > 2:
        raise ValueError(f"{label}: one sigmoid output separates two classes, but this data has "
                         f"{classes}; choose softmax + cross-entropy")
    return classes if output == "softmax" else 1


def is_regression(settings: Settings) -> bool:
    """True for the data sets whose targets are numbers (a plane, a bump) instead of classes."""
    return settings.dataset in regression.REGRESSION_SETS


def build_network(settings: Settings, classes: int = 2) -> FeatureNetwork:
    sizes = (2 + len(settings.features),) + settings.hidden + (output_units(settings, classes),)
    return FeatureNetwork(sizes, activation=settings.activation, output=settings.output,
                          features=settings.features)


def build_init(settings: Settings) -> Init:
    w, b = settings.weight_range, settings.bias_range
    return Init(settings.init, seed=settings.weight_seed, weight_range=(-w, w),
                bias_range=(-b, b), std=w)


def snapshot_epochs(epochs: int) -> list[int]:
    """The epochs the scrubber can show: evenly spread, plus a few early ones, and the end."""
    spread = np.round(np.linspace(0, epochs, SNAPSHOTS)).astype(int).tolist()
    return sorted({e for e in spread + list(EARLY_SNAPSHOTS) if 0 <= e <= epochs})


def train_kwargs(settings: Settings, data: Data) -> dict:
    """Keyword arguments of ``nnlab.train`` for these settings and data (whole run)."""
    n = len(data.X)
    full = settings.full_batch or settings.batch_size >= n
    return dict(
        loss=settings.loss, learning_rate=settings.learning_rate,
        epochs=settings.epochs, optimizer=settings.optimizer, l2=settings.l2,
        mode="full" if full else "minibatch",
        batch_size=n if full else settings.batch_size,
        shuffle_seed=settings.weight_seed,
        X_test=data.X_test, Y_test=data.targets(settings.output, data.labels_test),
        snapshot_epochs=snapshot_epochs(settings.epochs),
    )


# ---------------------------------------------------------------------------------------------
# Chunked training
# ---------------------------------------------------------------------------------------------

# A chunk plan from a cost model, not from a clock, so the same settings always give the same
# chunks (and so the same numbers). Costs in microseconds, fitted to runs of 10 network and
# batch shapes on the 2-core machine this was written on (within ~1.5x of the real time).
FIRST_CHUNK_US = 100_000  # the first picture: about 0.1 s of training
CHUNK_US = 300_000  # then about 0.3 s per chunk
_STEP_US = 14.0  # one forward + backward + update on a batch, per layer
_TEST_US = 20.0  # evaluating the test set each epoch, per layer
_FEATURE_US = 60.0  # adding the extra input columns to the test set each epoch
_CELL_US = 0.00012  # per sample x parameter, forward and backward (the matrix products)


def epoch_cost_us(settings: Settings, data: Data, network: Network | None = None) -> float:
    """A rough, deterministic estimate of one epoch's training time in microseconds."""
    network = network or build_network(settings, data.classes)
    n = len(data.X)
    full = settings.full_batch or settings.batch_size >= n
    steps = 1 if full else math.ceil(n / settings.batch_size)
    layers = network.n_layers
    work = network.n_params * (n + len(data.X_test) / 3) * 3
    return ((steps * _STEP_US + _TEST_US) * layers + _CELL_US * work
            + (_FEATURE_US if settings.features else 0.0))


# A lesson page is a server a class may share: one visitor's settings must not hold the kernel
# for half an hour. Runs estimated above this are refused before training starts.
BUDGET_SECONDS = 30.0


def estimate_seconds(settings: Settings, data: Data) -> float:
    """The run's training time in seconds, estimated before training: ``epochs x epoch_cost_us``.

    The epoch cost grows with points x parameters (the matrix products) and with the steps per
    epoch (each update's fixed cost, per layer). Calibrated on this project's 2-core machine,
    sharing it with other work (seconds for the whole run, estimate / measured on 20-200 epochs):

        settings                                       estimate   measured
        defaults (200 points, 8,8, full batch, 300)      0.03 s     0.03 s
        1000 points, 64,64 full batch, 20000 epochs     28 s       19 s
        1000 points, 16,16, batch 10, 20000 epochs      62 s       29 s
        200 points, 8,8, online, 20000 epochs          119 s       59 s
        1000 points, 6 x 64, online, 20000 epochs,     1498 s      739 s
          3 extra inputs

    So the estimate errs high, by up to 2x: a refused run would have taken at least about
    half the budget.
    """
    return settings.epochs * epoch_cost_us(settings, data) / 1e6


def check_budget(settings: Settings, data: Data, budget: float = BUDGET_SECONDS) -> float:
    """The estimated seconds, or a ValueError naming the settings to lower above ``budget``."""
    seconds = estimate_seconds(settings, data)
    if seconds <= budget:
        return seconds
    per_epoch = seconds / settings.epochs
    n = len(data.X)
    steps = 1 if settings.full_batch or settings.batch_size >= n else \
        math.ceil(n / settings.batch_size)
    ways = []
    if per_epoch <= budget:
        ways.append(f"epochs to at most {max(1, int(budget / per_epoch)):,}")
    if steps > 1:
        full = estimate_seconds(replace(settings, batch_size=0), data)
        ways.append(f"the updates per epoch with a larger batch size ({steps:,} updates of "
                    f"{settings.batch_size}; full batch would take about {_duration(full)})")
    network = build_network(settings, data.classes)
    if network.n_params > 200:
        ways.append(f"the layer sizes ({network.n_params:,} weights and biases)")
    if settings.dataset != "csv" and settings.points > 200:
        ways.append(f"the number of points ({settings.points:,})")
    raise ValueError(
        f"compute budget: runs estimated at up to {budget:g} s on this machine; this one would "
        f"take about {_duration(seconds)} ({n:,} training points x {network.n_params:,} weights x "
        f"{settings.epochs:,} epochs x {steps:,} update{'s' if steps > 1 else ''} per epoch). "
        f"Lower " + "; or ".join(ways))


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:.1f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} hours"


def chunk_plan(settings: Settings, data: Data,
               chunk_epochs: int | None = None) -> list[tuple[int, int]]:
    """Epoch ranges ``[(start, stop), ...]`` of the chunks that cover ``settings.epochs``.

    Chunk boundaries do not depend on the total number of epochs, so a longer run repeats a
    shorter one exactly and then carries on.
    """
    if chunk_epochs is None:
        cost = epoch_cost_us(settings, data)
        first = max(1, int(FIRST_CHUNK_US // cost))
        rest = max(1, int(CHUNK_US // cost))
    else:
        first = rest = _at_least(chunk_epochs, "chunk_epochs", 1)
    plan, start = [], 0
    size = first
    while start < settings.epochs:
        stop = min(start + size, settings.epochs)
        plan.append((start, stop))
        start, size = stop, rest
    return plan


def _at_least(value, field, low):
    value = _whole(value, field)
    if value < low:
        raise ValueError(f"{field} must be a whole number >= {low}; got {value}")
    return value


def start_training(settings: Settings, data: Data, network: Network | None = None) -> Training:
    """The playground's run at epoch 0, to be advanced a number of epochs at a time."""
    network = network or build_network(settings, data.classes)
    return Training(network, build_init(settings), data.X, data.targets(settings.output),
                    **train_kwargs(settings, data))


def train_in_chunks(settings: Settings, data: Data, chunk_epochs: int | None = None,
                    network: Network | None = None) -> Iterator[Run]:
    """Train in chunks of epochs; after each chunk yield the run so far (epochs 0..stop).

    One ``nnlab.Training`` goes forward chunk by chunk, so the chunks change nothing: the
    last run is, bit for bit, ``nnlab.train`` with ``train_kwargs`` (optimiser state, the
    shuffle stream and the divergence limits carry on). A run that diverges stops at the
    chunk where it blew up.
    """
    training = start_training(settings, data, network)
    for start, stop in chunk_plan(settings, data, chunk_epochs):
        run = training.advance(stop - start)
        record = {**run.settings, "epochs": stop, "playground": to_query(settings)}
        # Every epoch's outputs would only take memory: the playground never replays them.
        yield replace(run, outputs=None, settings=record)
        if training.done:
            return


def train_playground(settings: Settings, data: Data, chunk_epochs: int | None = None) -> Run:
    """The whole run at once (the last of ``train_in_chunks``)."""
    run = None
    for run in train_in_chunks(settings, data, chunk_epochs):
        pass
    return run


# ---------------------------------------------------------------------------------------------
# A finished session: settings, data and run together
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Result:
    """What the playground shows: the settings, the data they made and the run trained on it."""

    settings: Settings
    data: Data
    run: Run
    stopped: bool = False  # the learner stopped it before settings.epochs (lesson 05's Stop)

    @property
    def network(self) -> Network:
        return self.run.network

    @property
    def finished(self) -> bool:
        return self.run.epochs >= self.settings.epochs or self.run.diverged_at is not None

    def test_accuracy(self) -> float:
        """Accuracy of the final parameters on the test points."""
        Y = self.data.targets(self.settings.output, self.data.labels_test)
        return accuracy(forward(self.network, self.run.params, self.data.X_test), Y)

    def train_accuracy(self) -> float:
        Y = self.data.targets(self.settings.output)
        return accuracy(forward(self.network, self.run.params, self.data.X), Y)


def summary(result: Result) -> str:
    """One line a learner reads under the picture: the verdict of the divergence rule every
    lesson uses (nnlab.verdicts), then the scores, in loss for regression data (no class to
    get right) and in accuracy for classes."""
    run, s = result.run, result.settings
    if run.diverged_at is not None:
        return (f"training diverged at epoch {run.diverged_at}: the learning rate "
                f"{s.learning_rate:g} is too large for this network; try a smaller one "
                f"(the pictures show the last sane epoch)")
    done = f"{run.epochs} of {s.epochs} epochs" if run.epochs < s.epochs else f"{run.epochs} epochs"
    if result.stopped and run.epochs < s.epochs:
        done = f"stopped at epoch {run.epochs:,} of {s.epochs:,}"
    if is_regression(s):
        test = f", test loss {run.test_loss[-1]:.3g}" if run.test_loss is not None else ""
        scores = (f"{done}: training loss {run.loss[-1]:.3g}{test} (mean squared error "
                  f"between prediction and target)")
    else:
        scores = (f"{done}: training accuracy {result.train_accuracy():.0%}, "
                  f"test accuracy {result.test_accuracy():.0%}, training loss {run.loss[-1]:.3g}")
    verdict = run.verdict
    if verdict.cause == "overshoot":
        return (f"training diverged at epoch {verdict.epoch}: {verdicts.overshoot_words(run)}. "
                f"The learning rate {s.learning_rate:g} is too large for this network; try a "
                f"smaller one. After {scores}")
    return scores


def unused_data_controls(settings: Settings) -> str:
    """A sentence naming the data controls that do nothing for this data set (or "")."""
    if settings.dataset == "draw":
        return (" *Number of points* and *noise* make generated data only: here the points "
                "are yours.")
    if settings.dataset == "csv":
        return " *Number of points* and *noise* make generated data only: here the file decides."
    return ""


# The range sliders each start reads (nnlab.init): uniform draws in both ranges, normal
# uses the weight range as its std and sets biases to 0, the others read neither.
INIT_RANGES = {"uniform": ("weight_range", "bias_range"), "normal": ("weight_range",),
               "xavier": (), "he": (), "zeros": ()}
_USE_UNIFORM = "pick uniform init to use them"
_UNUSED_RANGES = {
    "normal": "*Bias range hidden: normal init sets biases to 0 (its std is the weight range).*",
    "xavier": f"*Weight and bias range hidden: Xavier init ignores them (std √(1/fan-in), "
              f"biases 0); {_USE_UNIFORM}.*",
    "he": f"*Weight and bias range hidden: He init ignores them (std √(2/fan-in), biases 0); "
          f"{_USE_UNIFORM}.*",
    "zeros": f"*Weight and bias range hidden: all-zeros init ignores them; {_USE_UNIFORM}.*",
}


def range_controls(init: str) -> tuple[str, ...]:
    """The range controls that act under ``init``: the page shows these and hides the rest."""
    return INIT_RANGES[_choice(init, "init", INIT_METHODS)]


def unused_range_controls(init: str) -> str:
    """Why the page hides the weight and/or bias range under ``init`` ('' when both act)."""
    range_controls(init)  # (an unknown init is refused by name)
    return _UNUSED_RANGES.get(init, "")


GENERATED_ONLY = ("points", "noise")  # the controls that make generated data only
_IDLE_NOTES = {
    "data": "*Number of points and noise hidden: they make generated data only; here {} "
            "decides.*",
    "weight_seed": "*Weight seed hidden: all-zeros init draws no random numbers.*",
    "activation": "*Hidden activation hidden: the activation per layer (under Network) sets "
                  "every layer.*",
}


def idle_controls(values: Mapping, dataset: str) -> dict[str, str]:
    """The controls that do nothing with these control ``values`` and ``dataset``, each
    with the reason the page shows in its place. A control that moves without effect tells
    the learner something false, so the page hides these (nnlab.init, ``prepare`` and
    ``settings_from_controls`` are what ignore them)."""
    init = values["init"]
    idle = {name: unused_range_controls(init) for name in ("weight_range", "bias_range")
            if name not in range_controls(init)}
    if init == "zeros":
        idle["weight_seed"] = _IDLE_NOTES["weight_seed"]
    if dataset in ("draw", "csv"):
        source = "your drawing" if dataset == "draw" else "the file"
        idle.update(dict.fromkeys(GENERATED_ONLY, _IDLE_NOTES["data"].format(source)))
    if str(values.get("per_layer_activation") or "").strip():
        idle["activation"] = _IDLE_NOTES["activation"]
    return idle


def gap_answer(result: Result) -> str:
    """The reason under the lesson's self-check on train versus test (markdown): the run's own
    gap, in loss for regression (where accuracy means nothing) and in accuracy for classes.
    The question itself is fixed, in the notebook, so its radio survives a new run."""
    cure = ("More data, more noise-free data, a smaller network, fewer epochs or some L2 "
            "weight decay all help; try noise 0.3, 50 points, `32,32` and 2000 epochs to see "
            "the gap open.")
    if is_regression(result.settings) and result.run.test_loss is not None:
        train, test = result.run.loss[-1], result.run.test_loss[-1]
        return (f"This run ends at a training loss of {train:.3g} and a test loss of "
                f"{test:.3g}: the test loss is {test / max(train, 1e-300):.2g} times the "
                "training loss. A network that predicts the points it trained on much better "
                "than held-back points has learnt their noise rather than the surface behind "
                "them (overfitting). " + cure)
    train, test = result.train_accuracy(), result.test_accuracy()
    return (f"This run ends at {train:.0%} training and {test:.0%} test accuracy, a gap of "
            f"{train - test:+.0%}. A network that scores much better on the points it trained "
            "on than on held-back points has learnt their noise rather than the shape behind "
            "them (overfitting). " + cure)


def describe_network(settings: Settings, classes: int = 2) -> str:
    """``"4 inputs (x1, x2, x1², x2²) -> 8 ReLU -> 8 ReLU -> 1 sigmoid output, 121 weights and
    biases"``."""
    network = build_network(settings, classes)
    acts = ((settings.activation,) * len(settings.hidden) if isinstance(settings.activation, str)
            else settings.activation)
    inputs = ", ".join(FEATURE_LABELS.get(n, n) for n in network.input_names)
    parts = [f"{network.sizes[0]} inputs ({inputs})"]
    parts += [f"{h} {ACTIVATION_LABELS[a].split(' (')[0]}" for h, a in zip(settings.hidden, acts)]
    k = network.sizes[-1]
    parts.append(f"{k} {settings.output} output{'s' if k > 1 else ''}")
    return " -> ".join(parts) + f", {network.n_params} weights and biases"


def run_file_bytes(result: Result) -> bytes:
    """A saved run: settings (as URL parameters), seeds, weights, snapshots and history."""
    run = result.run
    run = replace(run, settings={**run.settings, "playground": to_query(result.settings),
                                 "data_source": result.data.source})
    if result.data.drawn:  # the drawn points travel with the run (the link may be too short)
        run = replace(run, settings={**run.settings,
                                     "drawn": drawing.to_text(result.data.drawn, limit=None)})
    return run_to_bytes(run)


@dataclass(frozen=True, eq=False)
class Loaded:
    """A run read back from a file, with the settings to continue from it."""

    settings: Settings
    run: Run
    warnings: tuple[str, ...]
    drawn: tuple = ()  # drawn points, for a run trained on them


def read_run_file(data: bytes) -> Loaded:
    """Read a run saved by ``run_file_bytes``; a bad or foreign file raises ValueError."""
    data = bytes(data)
    if not data.startswith(b"PK"):  # every .npz is a zip archive
        raise ValueError("run file: this is not a saved run (a run file is the .npz archive "
                         "that the download button writes)")
    run = run_from_bytes(data)
    query = run.settings.get("playground")
    if not isinstance(query, dict):
        raise ValueError("run file: this run was not saved by the playground (it has no "
                         "playground settings)")
    settings, warnings = from_query(query)
    if warnings:
        raise ValueError("run file: its settings are damaged: " + "; ".join(warnings))
    if query.get("data") == "csv" or run.settings.get("data_source", "").startswith("your CSV"):
        raise ValueError("run file: this run was trained on an uploaded CSV file, which the "
                         "run file does not contain")
    network = build_network(settings, 0 if is_regression(settings) else  # (0: no classes)
                            run.network.sizes[-1] if settings.output == "softmax" else 2)
    if network.sizes != run.network.sizes:
        raise ValueError(f"run file: its weights have layer sizes {list(run.network.sizes)}, "
                         f"but its settings make {list(network.sizes)}")
    run = replace(run, network=network)
    drawn = ()
    if settings.dataset == "draw":
        try:
            drawn = drawing.from_text(run.settings.get("drawn", ""))
            drawing.dataset(drawn)
        except ValueError as error:
            raise ValueError(f"run file: its drawn points are damaged ({error})")
    return Loaded(settings, run, tuple(warnings), drawn)


def loaded_result(loaded: Loaded) -> Result:
    """A loaded run with the data its settings make, ready to draw (it is not retrained)."""
    return Result(loaded.settings, build_data(loaded.settings, drawn=loaded.drawn or None),
                  loaded.run)


# ---------------------------------------------------------------------------------------------
# Comparing two runs
# ---------------------------------------------------------------------------------------------

DATA_FIELDS = ("dataset", "points", "noise", "test_fraction", "data_seed")


def _same_params(a: Params, b: Params) -> bool:
    return len(a) == len(b) and all(
        W1.shape == W2.shape and np.array_equal(W1, W2) and np.array_equal(b1, b2)
        for (W1, b1), (W2, b2) in zip(a, b))


def describe_comparison(pinned: Result, current: Result) -> str:
    """What differs between a pinned run and the current one, and what stayed the same."""
    lines = differences(pinned.settings, current.settings)
    same_start = _same_params(pinned.run.initial_params, current.run.initial_params)
    if not lines:
        return ("Nothing differs: the pinned run and the current run have the same settings, "
                "so they start from the same weights and end with the same numbers.")
    what = "1 setting differs" if len(lines) == 1 else f"{len(lines)} settings differ"
    text = f"{what}: " + "; ".join(lines) + "."
    same_data = all(getattr(pinned.settings, f) == getattr(current.settings, f)
                    for f in DATA_FIELDS) and pinned.settings.dataset != "csv" \
        and pinned.data.drawn == current.data.drawn
    if same_data and same_start:
        text += (" Same data and the very same starting weights, so this change is the only "
                 "difference between the two runs.")
    elif same_start:
        text += " The starting weights are the same."
    elif same_data:
        text += (" Same data; the starting weights differ, because the network's shape or "
                 "its initialisation changed.")
    return text


# ---------------------------------------------------------------------------------------------
# Pre-computed scenarios, for the static copy of the lesson
# ---------------------------------------------------------------------------------------------

_SPIRAL_NET = dict(hidden=(16, 16), activation="tanh", init="xavier", optimizer="momentum",
                   learning_rate=0.1, epochs=500)
# Tab names stay short, so the seven tabs fit in one row next to the sidebar at 1280 px
# (each tab's text says the dataset and the numbers).
SCENARIOS: dict[str, Settings] = {
    "no hidden layer": Settings(hidden=()),
    "with x1², x2²": Settings(hidden=(), features=("x1^2", "x2^2")),
    "8,8 ReLU": Settings(),
    "XOR, x1·x2": Settings(dataset="quadrants", noise=0.0, hidden=(), features=("x1*x2",)),
    "two spirals": Settings(dataset="spirals", **_SPIRAL_NET),
    "three spirals": Settings(dataset="spirals3", output_loss="softmax_ce", **_SPIRAL_NET),
    "rate 10": Settings(learning_rate=10.0),
    "a bump": Settings(dataset="bump", output_loss="mse_linear", activation="tanh"),
}


# The "Try it" links of the lesson (a long spiral run shows the chunks streaming in).
TRY_SETTINGS: dict[str, Settings] = {
    "no hidden layer": Settings(hidden=()),
    "squared inputs": Settings(hidden=(), features=("x1^2", "x2^2")),
    "long spirals": Settings(dataset="spirals", **{**_SPIRAL_NET, "epochs": 2000}),
}


def markdown_link(text: str, settings: Settings) -> str:
    """``[text](?data=...)``: a link that reopens the lesson with ``settings``."""
    return f"[{text}]({query_string(settings)})"


def run_settings(settings: Settings) -> Result:
    """Build the data and train the whole run: one finished ``Result``."""
    data = build_data(settings)
    return Result(settings, data, train_playground(settings, data))


# ---------------------------------------------------------------------------------------------
# Small readings of a result, for the lesson's text
# ---------------------------------------------------------------------------------------------

DIAGRAM_MAX_WEIGHTS = 700  # the network diagram draws every weight as a line
MAPS_MAX_NEURONS = 48  # neuron maps: one small picture per hidden and output neuron


def diagram_fits(network: Network) -> bool:
    return network.n_params <= DIAGRAM_MAX_WEIGHTS


def maps_fit(network: Network) -> bool:
    return sum(network.sizes[1:]) <= MAPS_MAX_NEURONS


def unit_health_line(result: Result) -> str:
    """Dead ReLU units and saturated sigmoid/tanh units on the training points, in words."""
    report = unit_health(result.network, result.run.params, result.data.X)
    # Units that started as copies and still are: the symmetry of the start, whatever their
    # slope (all-zero ReLU units also have z <= 0 everywhere, but "dead" names the wrong cause).
    symmetric = verdicts.unit_trouble(report, result.run.initial_params, result.run.params)
    copies = [(h.layer, h.units) for h in report if h.layer in symmetric]
    messages = [verdicts.symmetry_message(copies)] if copies else []
    messages += health_messages([h for h in report if h.layer not in symmetric],
                                len(result.data.X))
    if not messages:
        return "No hidden unit is dead or saturated on the training points."
    return "; ".join(messages) + "."


def run_file_problem(contents: bytes) -> str | None:
    """Why a file cannot be loaded as a playground run, or None when it can."""
    try:
        read_run_file(contents)
    except ValueError as error:
        return str(error)
    return None


def parameter_count_formula(settings: Settings, classes: int = 2) -> str:
    """``"(4+1)x8 + (8+1)x8 + (8+1)x1 = 121"``: every layer's weights plus its biases."""
    sizes = build_network(settings, classes).sizes
    terms = [f"({a}+1)×{b}" for a, b in zip(sizes[:-1], sizes[1:])]
    total = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    return " + ".join(terms) + f" = {total}"


# ---------------------------------------------------------------------------------------------
# The live pictures
# ---------------------------------------------------------------------------------------------

BOUNDARY_RESOLUTION = 60  # cells per side of the live boundary (the Altair one draws 100)
MAP_RESOLUTION = 20  # cells per side of each neuron's map in the diagram
# Sizes of the live pictures in CSS pixels, chosen so that the diagram, the boundary and the
# loss curve fit one 1280x800 screen next to the 320 px sidebar.
NETWORK_WIDTH = 360
BOUNDARY_SIZE = 240  # the plotted square (axes and title add about 60 px)
CURVES_SIZE = (320, 170)  # width, height of the plot area's canvas


def live_frame(result: Result, epoch: int | None = None) -> dict:
    """The playground's live pictures of ``result``: the decision boundary with training and
    test points, the loss and accuracy curves (train solid, test dashed) and the network with
    each neuron's activation map. ``epoch`` (from the player) goes into the titles."""
    run = result.run
    at = f" at epoch {run.epochs}" if epoch is not None else ""
    panels = []
    if diagram_fits(result.network):  # (a diagram of thousands of lines tells nothing)
        maps = dict(extent=result.data.extent, resolution=MAP_RESOLUTION) if maps_fit(
            result.network) else {}
        panels.append(live.network_panel("network", result.network, run.params,
                                         title=f"the network{at}", **maps))
        panels[-1]["width"] = NETWORK_WIDTH
        panels[-1]["names"][0] = [FEATURE_LABELS.get(n, n) for n in result.network.input_names]
    panels += [_boundary_panel("boundary", result, f"decision boundary{at}")
               | ({"draw": {"classes": drawing.CLASSES, "max": drawing.MAX_POINTS}}
                  if result.settings.dataset == "draw" else {}),
               live.curves_panel("loss", run, "loss", title=f"{run.loss_name} loss",
                                 y_title="loss", log=True, log_toggle=True)]
    if not is_regression(result.settings):  # (regression has no classes to get right)
        panels.append(live.curves_panel("accuracy", run, "accuracy", title="accuracy",
                                        y_title="points right", percent=True))
    for panel in panels:
        if panel["kind"] == "curves":
            panel["width"], panel["height"] = CURVES_SIZE
    # As in TensorFlow Playground, data flows left to right: the network with its neuron maps,
    # then what it outputs (the boundary, the loss under it), all on one laptop screen.
    names = {panel["name"] for panel in panels}
    return live.frame(*panels, epoch=run.epochs if epoch is not None else None,
                      columns=[[n for n in column if n in names]
                               for column in (["network", "accuracy"], ["boundary", "loss"])])


def _boundary_panel(name: str, result: Result, title: str) -> dict:
    d = result.data
    if is_regression(result.settings):  # the prediction itself, points coloured by target
        return prediction.prediction_panel(
            name, result.network, result.run.params, d.X, d.labels, X_test=d.X_test,
            y_test=d.labels_test, extent=d.extent, resolution=BOUNDARY_RESOLUTION,
            title=title.replace("decision boundary", "prediction")) | {"size": BOUNDARY_SIZE}
    return live.boundary_panel(name, result.network, result.run.params, d.X, d.labels,
                               X_test=d.X_test, labels_test=d.labels_test, extent=d.extent,
                               resolution=BOUNDARY_RESOLUTION, title=title) | {
                                   "size": BOUNDARY_SIZE}


def compare_frame(pinned: Result | None, current: Result) -> dict:
    """The pinned run next to the current one: both boundaries and both loss curves (an
    empty frame while nothing is pinned)."""
    if pinned is None:
        return live.frame()
    runs = {"pinned": pinned.run, "current": current.run}
    return live.frame(
        _boundary_panel("pinned", pinned, "pinned run"),
        _boundary_panel("current", current, "current run"),
        live.curves_panel("loss", runs, "loss", title="loss, pinned and current",
                          y_title="loss", log=True, log_toggle=True))


def code_markdown(result: Result) -> str:
    """The code that trains this network: the matrix forward and backward pass, then the
    hidden activation(s) and the loss of this run, value and derivative side by side."""
    hidden = dict.fromkeys(f.name for f in result.network.activations[:-1])
    return "\n\n".join([code.network_markdown()]
                       + [code.formulas_markdown(name) for name in hidden]
                       + [code.formulas_markdown(result.network.output, result.settings.loss)])
