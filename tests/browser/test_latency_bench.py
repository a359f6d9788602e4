"""The latency benchmark's machinery works (benchmarks/latency.py): two changes of every
measured control, each with a finite, positive time to the first and the last repaint.
No timing threshold is asserted: this machine's speed varies too much for that."""

import math
import sys

import pytest
from harness import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import latency  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lesson", latency.LESSONS, ids=lambda lesson: lesson.notebook[:2])
def test_every_control_gives_finite_positive_timings(browser, lesson):
    rows = latency.measure_lesson(browser, lesson, changes=2, warmup=0, log=lambda *_: None)
    assert [row.control.name for row in rows] == [c.name for c in lesson.controls]
    for row in rows:
        assert row.failures == [], (row.control.name, row.failures)
        assert len(row.changes) == 2, row.control.name
        for change in row.changes:
            for what in ("first", "last", "completed"):
                value = getattr(change, what)
                assert math.isfinite(value) and value > 0, (row.control.name, what, change)
            for what in ("send", "kernel_start", "kernel_done"):  # the breakdown's times
                assert math.isfinite(getattr(change, what)), (row.control.name, what, change)
            assert change.first <= change.last, (row.control.name, change)
            assert change.cells, row.control.name  # the kernel reported the cells it ran
    lines = []
    latency.report(rows, {}, out=lines.append)  # the report prints every row
    assert all(any(row.control.name in line for line in lines) for row in rows)
