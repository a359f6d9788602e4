"""Lesson 5, your own points: clicks on the picture add points of the chosen class, the
network retrains and the boundary changes; the eraser removes points; the drawing goes into
the page's link; clearing it says what is missing and keeps the drawing tools."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from harness import (REPO, open_lesson, page_errors, record, stable_hashes, visible_text,
                     wait_for_idle)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
NOTEBOOK = REPO / "notebooks" / "05_playground.py"
TIMEOUT_MS = 30_000
PLOT = {"left": 46, "top": 30, "size": 240}  # the boundary square inside its canvas (live_js)


def boundary_hash(page):
    return page.locator('.nnlab-panel[data-panel="boundary"] canvas').evaluate(
        "c => c.toDataURL().length + ':' + c.toDataURL().slice(-4000)")


def drawn_in_link(page):
    pts = parse_qs(urlparse(page.url).query).get("pts", [""])[0]
    return [p for p in pts.split(";") if p]


def at(page, fx, fy):
    """Page coordinates of the point (fx, fy) of the plotted square, 0..1 from the top left."""
    box = page.locator('.nnlab-panel[data-panel="boundary"] canvas').bounding_box()
    return (box["x"] + PLOT["left"] + PLOT["size"] * fx, box["y"] + PLOT["top"] + PLOT["size"] * fy)


def test_drawing_points_retrains_the_network(page, marimo_app):
    with marimo_app(NOTEBOOK) as url:
        open_lesson(page, url + "/?data=draw")
        stable_hashes(page, 5)
        start = drawn_in_link(page)
        assert len(start) == 10  # the starting drawing: two small clouds, in the link
        before = boundary_hash(page)

        # Class 1 in the corner where only class 0 lived: the boundary must bend round them.
        page.locator(".nnlab-draw button", has_text=re.compile(r"^1$")).click()
        for fx, fy in ((0.2, 0.8), (0.25, 0.75), (0.3, 0.85), (0.15, 0.7)):
            page.mouse.click(*at(page, fx, fy))
            page.wait_for_timeout(100)
        page.wait_for_function("n => new URLSearchParams(location.search).get('pts')"
                               ".split(';').length === n", arg=14, timeout=TIMEOUT_MS)
        wait_for_idle(page)
        stable_hashes(page, 5)
        assert boundary_hash(page) != before
        assert "your drawn points (14)" in visible_text(page)

        # The eraser: a drag over the new points removes them.
        page.locator(".nnlab-draw button", has_text="erase").click()
        page.mouse.move(*at(page, 0.1, 0.75))
        page.mouse.down()
        page.mouse.move(*at(page, 0.35, 0.8), steps=10)
        page.mouse.up()
        page.wait_for_function("() => new URLSearchParams(location.search).get('pts')"
                               ".split(';').length < 14", timeout=TIMEOUT_MS)
        wait_for_idle(page)

        # Clear: the page says what is missing; the tools stay, and one class alone is refused.
        page.locator(".nnlab-draw button", has_text="clear").click()
        expect(page.get_by_text("draw at least 2 points of each class").first).to_be_visible(
            timeout=TIMEOUT_MS)
        page.locator(".nnlab-draw button", has_text=re.compile(r"^0$")).click()
        page.mouse.click(*at(page, 0.2, 0.2))
        page.mouse.click(*at(page, 0.3, 0.2))
        page.locator(".nnlab-draw button", has_text=re.compile(r"^1$")).click()
        page.mouse.click(*at(page, 0.8, 0.8))
        page.mouse.click(*at(page, 0.7, 0.8))
        page.wait_for_function("() => (new URLSearchParams(location.search).get('pts') || '')"
                               ".split(';').length === 4", timeout=TIMEOUT_MS)
        wait_for_idle(page)
        assert "your drawn points (4)" in visible_text(page)
        assert page_errors(page) == [] and record(page).js_errors == []
