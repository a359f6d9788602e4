"""Lesson 05 as a shared server: a compute budget, and uploads read once with readable refusals."""

import pytest

from lesson_helpers import Value, page_text, state
from nnlab.lessons import playground as pg
from test_lesson_05 import APP, Upload, controls_with, run_page

HUGE = dict(points=1000, hidden=(64,) * 6, batch_size=1, epochs=20000)


def test_the_budget_refuses_six_wide_layers_online_for_20000_epochs():
    settings = pg.Settings(**HUGE)
    data = pg.build_data(settings)
    assert pg.estimate_seconds(settings, data) > 10 * pg.BUDGET_SECONDS
    with pytest.raises(ValueError) as error:
        pg.check_budget(settings, data)
    message = str(error.value)
    assert message.startswith("compute budget: runs estimated at up to 30 s on this machine; "
                              "this one would take about 25 min (700 training points x 21,057 ")
    assert "Lower epochs to at most 401; or the updates per epoch with a larger batch size" \
        in message and "full batch would take about 2 min" in message


def test_the_budget_accepts_the_defaults_and_every_prepared_run_of_the_lesson():
    for settings in [pg.Settings(), *pg.SCENARIOS.values(), *pg.TRY_SETTINGS.values()]:
        assert pg.check_budget(settings, pg.build_data(settings)) < 1.0


def test_prepare_refuses_over_the_budget_before_training():
    with pytest.raises(ValueError, match="^compute budget:"):
        pg.prepare({**HUGE, "hidden": "64,64,64,64,64,64"})
    with pytest.raises(ValueError, match="Lower epochs to at most"):
        pg.prepare({"points": 1000, "hidden": "64,64", "batch_size": 1, "epochs": 2000})


@pytest.fixture(scope="module")
def good():
    return run_page({})[1]


def test_the_page_refuses_an_expensive_run_and_keeps_the_last_good_result(good):
    controls = controls_with(good, points=1000, hidden="64,64,64,64,64,64", batch_size=1,
                             epochs=20000)
    outputs, defs = run_page({"controls": controls, **state("good", good["result"])})
    assert defs["problem"].startswith("compute budget:") and defs["result"] is good["result"]
    assert "These settings cannot run: compute budget: runs estimated at up to 30 s" \
        in page_text(outputs)


def test_a_5000_digit_layer_size_reads_as_out_of_range(good):
    controls = controls_with(good, hidden="9" * 5000)
    outputs, defs = run_page({"controls": controls, **state("good", good["result"])})
    assert "hidden layers: item 1 of 1 is 99999999999999999999... (5,000 characters), " \
           "outside 1 to 64" in page_text(outputs)
    assert "int_max_str_digits" not in page_text(outputs)


def test_a_5000_digit_number_in_a_link_is_a_readable_warning():
    _, warnings = pg.from_query({"points": "9" * 5000, "layers": "0" * 5000 + "8"})
    assert warnings == ["points='" + "9" * 59 + "... (5,002 characters) in the link was "
                        "ignored (points must be a whole number of at most 18 digits; got "
                        "99999999999999999999... (5,000 characters)); using 200"]


def _cell_refs(defined: str) -> set:
    for data in APP._cell_manager.cell_data():
        if data.cell is not None and defined in data.cell.defs:
            return set(data.cell.refs)
    raise AssertionError(defined)


def test_uploads_are_parsed_by_cells_that_depend_on_the_upload_alone():
    # A control change re-runs the cells that read the controls; these do not.
    assert _cell_refs("csv_upload") == {"csv_file", "playground"}
    assert _cell_refs("run_file_problem") == {"load_run", "run_file"}


def test_a_csv_upload_is_parsed_once_across_control_changes(good, monkeypatch):
    calls = []
    real = pg.datasets.from_csv_text
    monkeypatch.setattr(pg.datasets, "from_csv_text",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    upload = pg.read_upload(b"x1,x2,label\n" + b"".join(
        b"%d,%d,%d\n" % (i % 5, i % 3, (i % 5 + i % 3) % 2) for i in range(40)))
    for lr in (0.3, 1.0):
        _, defs = run_page({"dataset": Value("csv"), "csv_upload": upload,
                            "controls": controls_with(good, learning_rate=lr)})
        assert defs["problem"] is None and defs["result"].data.source == "your CSV file (40 rows)"
    assert len(calls) == 1  # read_upload's; the page's cells never parsed it again


def test_a_bad_upload_and_a_huge_one_give_one_message_each():
    assert pg.read_upload(b"1,2\n").problem.startswith("row 1: expected 3 comma-separated")
    assert pg.read_upload(b"," * 2_000_000).problem.startswith("file: at most 1,000,000 bytes")
    bad = Value((Upload("x.csv", b"," * 2_000_000),))
    outputs, defs = run_page({"dataset": Value("csv"), "csv_file": bad})
    assert defs["problem"].startswith("your CSV file: file: at most 1,000,000 bytes")
