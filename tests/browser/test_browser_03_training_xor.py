"""Lesson 3, "Training XOR", driven in headless Chromium through `marimo run`."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness import (_CANVAS_JS as CANVAS_HASH_JS, canvas_hashes, dropdown, open_lesson,
                     page_errors, record, slider, stable_hashes, wait_for_canvas_change,
                     wait_for_idle)

pytestmark = pytest.mark.browser
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_training_xor.py"
FINAL_LOSS = re.compile(r"final \w+ loss \d")
WAIT_MS = 30_000
# The live view: loss and accuracy (a chart and a hover layer each), boundary, network;
# then the first pre-computed tab's loss chart (Altair).
CHARTS = 7
LIVE_CANVASES_JS = """() => [...document.querySelectorAll('*')].flatMap((el) =>
  el.shadowRoot ? [...el.shadowRoot.querySelectorAll('.nnlab-live canvas')] : [])
  .concat([...document.querySelectorAll('.nnlab-live canvas')])"""


def final_loss(page):
    """The summary line under the status callout (the first visible one on the page)."""
    return page.get_by_text(FINAL_LOSS).filter(visible=True).first


def final_loss_text(page) -> str:
    return final_loss(page).inner_text()


def assert_clean(page):
    rec = record(page)
    assert page_errors(page) == []
    assert rec.js_errors == [] and rec.console_errors == []
    assert rec.failed_requests == [] and rec.blocked_requests == []


@pytest.fixture
def lesson(page, marimo_app):
    with marimo_app(NOTEBOOK) as url:
        open_lesson(page, url)
        stable_hashes(page, CHARTS)
        yield page


def test_loads_without_errors_and_shows_the_fixed_start_run(lesson):
    page = lesson
    assert page.locator("h1").first.inner_text() == "Training XOR"
    assert final_loss_text(page).startswith("final mse loss 0.0004 after 4001 epochs")
    assert page.get_by_text("Converged at epoch 698").first.is_visible()  # the shared rule
    assert len(canvas_hashes(page)) == CHARTS
    assert_clean(page)


def test_learning_rate_slider_changes_the_loss_chart_and_final_loss(lesson):
    page = lesson
    before, text = canvas_hashes(page), final_loss_text(page)
    rate = slider(page, "learning rate")
    assert rate.count() == 1
    rate.press("ArrowRight")  # 2.0 -> 3.0 on the log-spaced steps
    wait_for_canvas_change(page, before)
    wait_for_idle(page)
    after = canvas_hashes(page)
    assert after[0] != before[0]  # the loss chart is the first canvas on the page
    expect(final_loss(page)).not_to_have_text(text, timeout=WAIT_MS)
    assert final_loss_text(page).startswith("final mse loss")
    assert_clean(page)


def test_switching_the_loss_retrains(lesson):
    page = lesson
    before = canvas_hashes(page)
    loss = dropdown(page, "loss")
    assert loss.count() == 1
    loss.select_option(label="cross-entropy (bce)")
    wait_for_canvas_change(page, before)
    wait_for_idle(page)
    expect(final_loss(page)).to_have_text(re.compile("^final bce loss"), timeout=WAIT_MS)
    assert canvas_hashes(page)[0] != before[0]
    assert_clean(page)


def test_a_diverging_learning_rate_shows_the_callout(lesson):
    page = lesson
    dropdown(page, "loss").select_option(label="cross-entropy (bce)")
    expect(final_loss(page)).to_have_text(re.compile("^final bce loss"), timeout=WAIT_MS)
    wait_for_idle(page)
    before = canvas_hashes(page)
    rate = slider(page, "learning rate")
    rate.press("End")  # 20
    wait_for_canvas_change(page, before)
    wait_for_idle(page)
    # visible=True skips the same words inside the closed self-check answers
    callout = page.get_by_text("Training diverged at epoch 2").filter(visible=True).first
    expect(callout).to_be_visible(timeout=WAIT_MS)
    assert "learning rate (20) is too large" in callout.locator("xpath=..").inner_text()
    assert_clean(page)


def counter(page):
    return page.locator(".nnlab-counter").first


def test_a_change_redraws_the_live_view_in_place(lesson):
    page = lesson
    # Mark the live view's canvases; after the change the same elements must be on the
    # page (nothing re-created) and the loss picture must differ.
    marked = page.evaluate(f"""() => {{ const cs = ({LIVE_CANVASES_JS})();
        cs.forEach((c, i) => {{ c.__nnlabMark = i + 1; }});
        window.__lossBefore = cs[0].toDataURL(); return cs.length; }}""")
    assert marked == 6
    before = canvas_hashes(page)
    slider(page, "learning rate").press("ArrowRight")
    wait_for_canvas_change(page, before)
    wait_for_idle(page)
    same = page.evaluate(f"""() => {{ const cs = ({LIVE_CANVASES_JS})();
        return {{count: cs.length, marks: cs.map((c) => c.__nnlabMark || 0),
                 changed: cs[0].toDataURL() !== window.__lossBefore}}; }}""")
    assert same["marks"] == [1, 2, 3, 4, 5, 6] and same["changed"], same
    # live, nothing says "static copy", and the view offers no pre-computed controls
    assert not page.locator(".nnlab-live-only").first.is_visible()
    assert page.locator("input[data-explore]").count() == 0
    assert_clean(page)


def test_the_learning_rate_slider_follows_a_drag(lesson):
    page = lesson
    rate = slider(page, "learning rate")
    before = canvas_hashes(page)[0]
    for _ in range(4):  # no debounce: every step reaches the kernel as it happens
        rate.press("ArrowLeft")
        page.wait_for_timeout(30)
    wait_for_canvas_change(page, [before] + canvas_hashes(page)[1:])
    wait_for_idle(page)
    expect(final_loss(page)).not_to_have_text(re.compile("loss 0.0004 "), timeout=WAIT_MS)
    # the picture equals the one that value gives when chosen directly
    settled = canvas_hashes(page)[0]
    rate.press("ArrowRight")
    wait_for_canvas_change(page, canvas_hashes(page))
    wait_for_idle(page)
    rate.press("ArrowLeft")
    page.wait_for_function(f"(h) => ({CANVAS_HASH_JS})()[0] === h", arg=settled, timeout=WAIT_MS)
    assert_clean(page)


def test_play_pause_step_and_reset(lesson):
    page = lesson
    final_picture = canvas_hashes(page)[0]
    expect(counter(page)).to_have_text("epoch 4001 of 4001")
    page.get_by_role("button", name="Reset").click()
    expect(counter(page)).to_have_text("epoch 0 of 4001", timeout=WAIT_MS)
    page.get_by_role("button", name="Step").click()
    expect(counter(page)).to_have_text("epoch 34 of 4001", timeout=WAIT_MS)
    page.get_by_role("button", name="Play").click()
    expect(counter(page)).not_to_have_text(re.compile(r"^epoch (34|[0-9]{1,2}) of"),
                                           timeout=WAIT_MS)  # it moves on by itself
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(600)  # (a request in flight may still be answered)
    paused = counter(page).inner_text()
    page.wait_for_timeout(800)
    assert counter(page).inner_text() == paused  # nothing moves while paused
    # the scrubber's end trains the rest of the way
    page.locator(".nnlab-player input[type=range]").first.press("End")
    expect(counter(page)).to_have_text("epoch 4001 of 4001", timeout=WAIT_MS)
    wait_for_idle(page)
    # trained to the end again, the picture is the instant run's, pixel for pixel
    page.wait_for_function(f"(h) => ({CANVAS_HASH_JS})()[0] === h", arg=final_picture,
                           timeout=WAIT_MS)
    assert_clean(page)


def test_a_quiz_answer_survives_a_control_change(lesson):
    # The radios are made once; a control change retrains and redraws, and the learner's
    # pick and its feedback stay (a radio made anew would come back empty).
    page = lesson
    pick = page.get_by_role("radio", name="nothing in the fixed run is random")
    pick.scroll_into_view_if_needed()
    pick.check()
    expect(page.get_by_text("Same nine numbers, same order of cases").first).to_be_visible(
        timeout=WAIT_MS)
    wait_for_idle(page)
    before, text = canvas_hashes(page), final_loss_text(page)
    slider(page, "learning rate").press("ArrowRight")
    wait_for_canvas_change(page, before)
    wait_for_idle(page)
    expect(final_loss(page)).not_to_have_text(text, timeout=WAIT_MS)  # it did retrain
    expect(pick).to_be_checked()
    assert page.get_by_text("Same nine numbers, same order of cases").first.is_visible()
    assert_clean(page)
