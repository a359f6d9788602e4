"""Lesson 5 under `marimo run`: a long run trains in the background, so it can be stopped
(Stop keeps the epochs trained so far and says so) and a changed control replaces it with a
new run at once, instead of waiting for the old one to end.

No time or CPU figure is asserted (the machine is shared): the run is long enough to be
caught training (about 5-10 s estimated), and every wait is generous."""

import re

import pytest
from harness import (REPO, canvas_hashes, page_errors, record, slider, stable_hashes,
                     visible_text, wait_for_canvas_change)
from playwright.sync_api import expect

from nnlab.lessons import playground as pg

pytestmark = pytest.mark.browser
NOTEBOOK = REPO / "notebooks" / "05_playground.py"
CHARTS = 7
LONG = pg.Settings(epochs=10000, batch_size=10)  # some 20 chunks of epochs
WAIT_MS = 120_000


def test_the_long_run_is_long_enough_to_catch_and_under_the_budget():
    data = pg.build_data(LONG)
    assert 3 < pg.check_budget(LONG, data) < pg.BUDGET_SECONDS / 2
    assert len(pg.chunk_plan(LONG, data)) > 10


def open_training(page, url):
    """Open the lesson with the long run's settings; return once it is caught training."""
    page.goto(url + "/" + pg.query_string(LONG))
    stop = page.get_by_role("button", name="Stop")
    expect(stop).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("training 10,000 epochs").first).to_be_visible(timeout=WAIT_MS)
    return stop


def summary_text(page):
    """The summary line under the pictures (the first line that reports epochs)."""
    found = re.search(r"(stopped at epoch [\d,]+ of [\d,]+|\d[\d,]* (of [\d,]+ )?epochs)"
                      r"[^\n]*", visible_text(page))
    return found.group(0) if found else None


def test_stop_keeps_the_epochs_trained_so_far(page, marimo_app):
    page.set_viewport_size({"width": 1280, "height": 800})
    with marimo_app(NOTEBOOK) as url:
        stop = open_training(page, url)
        # At hand on a laptop screen with nothing scrolled, though the progress bar is below
        # the fold: the button floats at the window's top right while the run trains.
        box = stop.bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 800
        assert page.evaluate("document.scrollingElement.scrollTop") == 0
        before = canvas_hashes(page)
        wait_for_canvas_change(page, before, timeout=WAIT_MS)  # the pictures grow
        stop.click()
        stopped = page.get_by_text(re.compile(r"stopped at epoch [\d,]+ of 10,000")).first
        expect(stopped).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_role("button", name="Stop")).to_have_count(0, timeout=WAIT_MS)
        epoch = int(re.search(r"stopped at epoch ([\d,]+)", stopped.inner_text()).group(1)
                    .replace(",", ""))
        assert 0 < epoch < 10000
        # The pictures stay as the stopped run left them: nothing trains on behind them.
        still = stable_hashes(page, CHARTS)
        page.wait_for_timeout(3000)
        assert canvas_hashes(page) == still
        assert summary_text(page).startswith(f"stopped at epoch {epoch:,} of 10,000")
        assert "training accuracy" in summary_text(page)
        # The page below follows the stopped run: the share line and its download are there.
        expect(page.get_by_text("download this run").first).to_be_visible(timeout=WAIT_MS)
        assert page_errors(page) == []
        assert record(page).js_errors == []


def test_a_changed_control_replaces_the_run_in_training(page, marimo_app):
    with marimo_app(NOTEBOOK) as url:
        open_training(page, url)
        wait_for_canvas_change(page, canvas_hashes(page), timeout=WAIT_MS)
        # Fewest epochs: a one-chunk run, which only a kernel free to listen can start now.
        epochs = slider(page, "epochs")
        epochs.focus()
        epochs.press("Home")
        expect(page.get_by_text(re.compile(r"^10 epochs: training accuracy")).first).to_be_visible(
            timeout=WAIT_MS)
        expect(page.get_by_role("button", name="Stop")).to_have_count(0, timeout=WAIT_MS)
        assert "epochs=10&" in page.url or page.url.endswith("epochs=10")
        # No stale run keeps drawing: the pictures settle on the new run and stay there.
        still = stable_hashes(page, CHARTS)
        page.wait_for_timeout(3000)
        assert canvas_hashes(page) == still
        text = visible_text(page)
        assert "stopped at epoch" not in text and "10,000" not in summary_text(page)
        assert page_errors(page) == []
        assert record(page).js_errors == []
