"""Lesson 5 on one laptop screen: at 1280x800 the controls a learner moves most and the three
main pictures (network diagram with its neuron maps, decision boundary, loss curve) are all
in view without scrolling, as in TensorFlow Playground; no chart is wider than the cell it
sits in, at 1280 and at 1400 px; the pre-computed tab strip fits its row."""

import pytest
from harness import (REPO, open_lesson, page_errors, prepare_page, record, slider,
                     stable_hashes, ui_element, wait_for_idle)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
NOTEBOOK = REPO / "notebooks" / "05_playground.py"
CHARTS = 7

# Every canvas with the box of the marimo cell that holds it (through shadow roots).
_CANVAS_BOXES_JS = """() => {
  const out = [];
  const hostOf = (node) => node.parentElement || (node.getRootNode && node.getRootNode().host);
  const visit = (root) => {
    root.querySelectorAll('canvas').forEach((c) => {
      let cell = hostOf(c);
      while (cell && !(cell.classList && cell.classList.contains('marimo-cell'))) cell = hostOf(cell);
      const r = c.getBoundingClientRect(), k = cell ? cell.getBoundingClientRect() : null;
      if (r.width > 0) out.push({left: r.left, right: r.right, width: r.width,
                                 cellLeft: k && k.left, cellRight: k && k.right});
    });
    root.querySelectorAll('*').forEach((e) => e.shadowRoot && visit(e.shadowRoot));
  };
  visit(document);
  return out;
}"""



def assert_in_view(page, what, locator):
    b = locator.bounding_box()
    size = page.viewport_size
    assert b is not None, f"{what}: not rendered"
    assert b["x"] >= 0 and b["y"] >= 0, f"{what}: starts outside the screen at {b}"
    assert b["x"] + b["width"] <= size["width"] + 0.5, f"{what}: sticks out to the right: {b}"
    assert b["y"] + b["height"] <= size["height"] + 0.5, f"{what}: below the fold: {b}"


def assert_charts_fit(page):
    boxes = page.evaluate(_CANVAS_BOXES_JS)
    assert len(boxes) >= CHARTS
    for b in boxes:
        assert b["cellLeft"] is not None, f"a canvas outside any cell: {b}"
        assert b["left"] >= b["cellLeft"] - 0.5 and b["right"] <= b["cellRight"] + 0.5, (
            f"a chart {b['width']:.0f} px wide sticks out of its cell "
            f"({b['cellLeft']:.0f}-{b['cellRight']:.0f}): {b}")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_the_playground_fits_one_laptop_screen(browser, marimo_app):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    prepare_page(page)
    try:
        with marimo_app(NOTEBOOK) as url:
            open_lesson(page, url)
            stable_hashes(page, CHARTS)
            key_controls = {
                "dataset": ui_element(page, "dataset").locator("select").filter(visible=True),
                "hidden layers": ui_element(page, "hidden layers").locator("input").filter(
                    visible=True),
                "learning rate": ui_element(page, "learning rate").get_by_role("slider").filter(
                    visible=True),
                "epochs": ui_element(page, "epochs").get_by_role("slider").filter(visible=True),
                "Play": page.get_by_role("button", name="Play").first,
            }
            for name, locator in key_controls.items():
                assert_in_view(page, name, locator.first)
            for panel in ("network", "boundary", "loss"):
                assert_in_view(page, f"the {panel} picture",
                               page.locator(f'.nnlab-panel[data-panel="{panel}"] canvas').first)
            # The neuron maps are in the diagram itself (drawn inside the neurons' squares),
            # so they are in view with it, and they follow the replay: at epoch 0 they differ.
            assert_charts_fit(page)
            diagram = page.locator('.nnlab-panel[data-panel="network"] canvas').first
            trained = diagram.evaluate("c => c.toDataURL()")
            page.get_by_role("button", name="Reset").click()
            expect(page.locator(".nnlab-counter").first).to_have_text("epoch 0 of 300",
                                                                       timeout=30_000)
            wait_for_idle(page)
            assert diagram.evaluate("c => c.toDataURL()") != trained

            # Pinned and current boundaries side by side (one row, the same size).
            page.get_by_role("button", name="pin this run").click()
            wait_for_idle(page)
            slider(page, "learning rate").press("ArrowLeft")
            expect(page.get_by_text("1 setting differs").first).to_be_attached(timeout=30_000)
            wait_for_idle(page)
            pinned, current = (page.locator(f'.nnlab-panel[data-panel="{name}"] canvas').last
                               .bounding_box() for name in ("pinned", "current"))
            assert abs(pinned["y"] - current["y"]) < 1 and current["x"] >= pinned["x"] + pinned["width"]
            page.evaluate("window.scrollTo(0, 0)")
            for width in (1280, 1400):
                page.set_viewport_size({"width": width, "height": 900})
                page.wait_for_timeout(500)
                assert_charts_fit(page)
                strip = page.get_by_role("tablist").last
                fits = strip.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
                assert fits, f"the pre-computed tab strip is cut off at {width} px"
            assert page_errors(page) == [] and record(page).js_errors == []
    finally:
        context.close()
