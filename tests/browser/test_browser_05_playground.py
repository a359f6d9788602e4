"""Lesson 5 in a real browser: the playground redraws when a setting changes, writes its
settings into the page address, and keeps its last good pictures when the input is bad."""

import pytest
from harness import (REPO, canvas_hashes, dropdown, open_lesson, page_errors, record, slider,
                     stable_hashes, ui_element, wait_for_canvas_change, wait_for_idle)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
NOTEBOOK = REPO / "notebooks" / "05_playground.py"
REDRAW_TIMEOUT_MS = 30_000
# The live view: boundary, loss (a chart and a hover layer), diagram with the neuron maps,
# accuracy (chart and hover layer); then the first pre-computed tab (Altair).
CHARTS = 7


def settled_hashes(page, before):
    """Wait for a redraw, then until every chart has settled."""
    wait_for_canvas_change(page, before, timeout=REDRAW_TIMEOUT_MS)
    return stable_hashes(page, CHARTS)


def test_playground_redraws_and_keeps_the_last_good_picture(page, marimo_app):
    with marimo_app(NOTEBOOK) as url:
        open_lesson(page, url)
        start = stable_hashes(page, CHARTS)
        assert page_errors(page) == []
        assert "data=circles" in page.url and "layers=8%2C8" in page.url

        # Another dataset: the boundary (the first chart on the page) is redrawn.
        dropdown(page, "dataset").select_option(label="two moons")
        moons = settled_hashes(page, start)
        assert moons[0] != start[0]
        assert "data=moons" in page.url  # the address follows the settings

        # A slider: more noise moves the points, so the boundary is redrawn again.
        slider(page, "noise").press("ArrowRight")
        noisier = settled_hashes(page, moons)
        assert noisier[0] != moons[0]
        assert "noise=0.15" in page.url

        # A shape the network cannot have: the message shows, the pictures stay.
        box = ui_element(page, "hidden layers").locator("input").filter(visible=True)
        box.fill("16,,x")
        box.press("Enter")
        expect(page.get_by_text("item 2 of 3 is empty").first).to_be_visible(
            timeout=REDRAW_TIMEOUT_MS)
        assert stable_hashes(page, CHARTS) == noisier
        expect(page.locator("canvas").first).to_be_visible()
        assert "layers=8%2C8" in page.url  # the link still holds the last good settings

        assert page_errors(page) == []
        assert record(page).js_errors == []


def visible_text(page, text):
    return page.get_by_text(text).filter(visible=True).first


def upload(page, label, name, data):
    """Hand a file to the upload widget labelled ``label`` (its input is hidden by design;
    the sidebar's own copy comes first in the page)."""
    widget = ui_element(page, label).first
    widget.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}])


def test_own_data_pinning_and_run_files(page, marimo_app):
    rows = [(x / 10, y / 10) for x in range(-9, 10, 3) for y in range(-9, 10, 2)]
    own = "x1,x2,label\n" + "\n".join(f"{x},{y},{int(x * y > 0)}" for x, y in rows)
    with marimo_app(NOTEBOOK) as url:
        open_lesson(page, url)
        stable_hashes(page, CHARTS)

        # Your own data: uploading switches the dataset and trains on the file.
        upload(page, "upload a CSV", "mine.csv", own.encode())
        expect(visible_text(page, f"your CSV file ({len(rows)} rows)")).to_be_visible(
            timeout=REDRAW_TIMEOUT_MS)
        stable_hashes(page, CHARTS)
        chosen = dropdown(page, "dataset")
        assert chosen.evaluate("e => e.options[e.selectedIndex].text") == "your CSV file"
        good = stable_hashes(page, CHARTS)

        # A bad file: the row and the problem are named, the last good pictures stay.
        upload(page, "upload a CSV", "bad.csv", b"x1,x2,label\n0,0,0\n1,oops,1\n2,2,1\n")
        expect(visible_text(page, "row 3: x2 'oops' is not a finite number")).to_be_visible(
            timeout=REDRAW_TIMEOUT_MS)
        assert stable_hashes(page, CHARTS) == good

        # Pin the default run, change one setting: the comparison names that one change.
        dropdown(page, "dataset").select_option(
            label="circles (a disc inside a ring)")
        wait_for_canvas_change(page, good, timeout=REDRAW_TIMEOUT_MS)
        wait_for_idle(page)
        page.get_by_role("button", name="pin this run").click()
        expect(visible_text(page, "Nothing differs")).to_be_visible(timeout=REDRAW_TIMEOUT_MS)
        wait_for_idle(page)
        slider(page, "learning rate").press("ArrowRight")
        expect(visible_text(page, "1 setting differs: learning rate: 0.3 -> 0.5.")).to_be_visible(
            timeout=REDRAW_TIMEOUT_MS)
        wait_for_idle(page)

        # Download this run (learning rate 0.5), go back to 0.3, load the file: its settings
        # return and the saved run is pinned next to the same settings retrained.
        with page.expect_download() as download:
            page.get_by_text("download this run").click()
        saved = open(download.value.path(), "rb").read()
        slider(page, "learning rate").press("ArrowLeft")
        wait_for_idle(page)
        assert "lr=0.3" in page.url
        upload(page, "load a saved run", "run.npz", saved)
        expect(visible_text(page, "Loaded run.npz")).to_be_visible(timeout=REDRAW_TIMEOUT_MS)
        wait_for_idle(page)
        assert "lr=0.5" in page.url
        expect(visible_text(page, "Nothing differs")).to_be_visible(timeout=REDRAW_TIMEOUT_MS)

        # A file that is not a run: a clear message, and nothing else changes.
        before = stable_hashes(page, CHARTS)
        upload(page, "load a saved run", "notes.npz", b"not a run at all")
        expect(visible_text(page, "This file cannot be loaded")).to_be_visible(
            timeout=REDRAW_TIMEOUT_MS)
        assert stable_hashes(page, CHARTS) == before and "lr=0.5" in page.url

        assert page_errors(page) == []
        assert record(page).js_errors == []


def test_playground_plays_pauses_and_steps(page, marimo_app):
    with marimo_app(NOTEBOOK) as url:
        open_lesson(page, url)
        stable_hashes(page, CHARTS)
        counter = page.locator(".nnlab-counter").first
        expect(counter).to_have_text("epoch 300 of 300")
        page.get_by_role("button", name="Reset").click()
        expect(counter).to_have_text("epoch 0 of 300", timeout=REDRAW_TIMEOUT_MS)
        before = canvas_hashes(page)
        page.get_by_role("button", name="Play").click()
        wait_for_canvas_change(page, before, timeout=REDRAW_TIMEOUT_MS)  # the pictures move
        page.get_by_role("button", name="Pause").click()
        page.wait_for_timeout(600)
        paused = counter.inner_text()
        page.wait_for_timeout(800)
        assert counter.inner_text() == paused  # nothing moves while paused
        epoch = int(paused.split()[1])
        page.get_by_role("button", name="Step").click()
        expect(counter).not_to_have_text(paused, timeout=REDRAW_TIMEOUT_MS)
        assert int(counter.inner_text().split()[1]) > epoch
        assert page_errors(page) == [] and record(page).js_errors == []
