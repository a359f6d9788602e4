"""Lesson 8, draw a digit: strokes on the pad change the ten probabilities, which are the
trained network's own (checked against nnlab.forward on the pixels the page computed)."""

import json
import re
import time

import numpy as np
import pytest
from harness import REPO, open_lesson, page_errors, record, wait_for_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
NOTEBOOK = REPO / "notebooks" / "08_handwriting.py"
TIMEOUT_MS = 60_000
SHOTS = REPO / "__marimo__" / "screenshots"  # (ignored by git) for a person to look at


def stroke(page, points):
    box = page.locator(".nnlab-pad-canvas").bounding_box()
    xy = [(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for p in xy[1:]:
        page.mouse.move(*p, steps=8)
    page.mouse.up()


def shown(page):
    bars = page.locator(".nnlab-pad-bars")
    probs = bars.get_attribute("data-probs")
    return (json.loads(probs) if probs else None), json.loads(bars.get_attribute("data-pixels"))


def test_drawing_a_digit_changes_the_probabilities(page, marimo_app):
    from nnlab.lessons import handwriting
    run = handwriting.train_digits()  # the page's run at its defaults (seeded: the same one)
    page.set_viewport_size({"width": 1280, "height": 800})
    with marimo_app(NOTEBOOK) as url:
        open_lesson(page, url)
        pad = page.locator(".nnlab-pad-canvas")
        expect(pad).to_be_visible(timeout=TIMEOUT_MS)
        pad.scroll_into_view_if_needed()
        assert shown(page)[0] is None  # nothing drawn: no bars

        # A "1": one vertical stroke.
        started = time.perf_counter()
        stroke(page, [(0.5, 0.15), (0.5, 0.85)])
        expect(page.locator(".nnlab-pad-bars")).to_have_attribute("data-probs", re.compile(r"\["),
                                                                   timeout=TIMEOUT_MS)
        print(f"first stroke to bars: {1e3 * (time.perf_counter() - started):.0f} ms (browser "
              "round trip included)")
        one, pixels = shown(page)
        assert sum(pixels) > 0 and max(pixels) <= 16 and len(pixels) == 64
        want = handwriting.pad_probabilities(run, pixels)
        np.testing.assert_allclose(one, want, atol=1e-4)  # the page's numbers are nnlab's

        # Make it a "7": a bar across the top. The probabilities must move.
        before = page.locator(".nnlab-pad-bars").get_attribute("data-probs")
        stroke(page, [(0.2, 0.15), (0.5, 0.15)])
        expect(page.locator(".nnlab-pad-bars")).not_to_have_attribute("data-probs", before,
                                                                       timeout=TIMEOUT_MS)
        seven, pixels7 = shown(page)
        assert pixels7 != pixels and seven != one
        np.testing.assert_allclose(seven, handwriting.pad_probabilities(run, pixels7), atol=1e-4)
        assert max(abs(a - b) for a, b in zip(one, seven)) > 0.01

        # Python hears the finished stroke too.
        expect(page.get_by_text("Python, from the same 64 numbers").first).to_be_visible(
            timeout=TIMEOUT_MS)
        wait_for_idle(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "08_pad_1280.png"))
        # Clear empties the bars.
        page.locator(".nnlab-pad-clear").click()
        expect(page.locator(".nnlab-pad-bars")).to_have_attribute("data-probs", "",
                                                                   timeout=TIMEOUT_MS)
        assert page_errors(page) == [] and record(page).js_errors == []
