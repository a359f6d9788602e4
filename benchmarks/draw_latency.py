"""Draw a digit -> probabilities repainted, in a real browser: ``python benchmarks/draw_latency.py``.

Serves lesson 08 with ``marimo run``, opens it in headless Debian Chromium, waits for the
training run to finish (the pad needs its weights), then draws digits on the draw-a-digit pad
(``nnlab/view/digit_pad.py``) with the mouse, a stroke at a time, pressing Clear after each
digit. The pad computes the ten probabilities in the page (no kernel in the path): every
pointer event draws ink and asks for one recount in the next animation frame, which crops
the ink to 8x8 counts, runs the forward pass and rewrites the ten bars.

Timed in the page, on ``performance.now()`` (Playwright's round trips do not count), for every
pointer event on the pad (down, move with the button pressed, up) from the event's own
``timeStamp`` (when the browser received it, so input queueing counts) to:

* **written**: the bars' ``data-probs`` rewritten (a ``MutationObserver``): recount, forward
  pass and bar styles done;
* **repainted**: the end of the frame that shows them (a ``MessageChannel`` message posted
  when the bars change runs right after that frame's style, layout and paint);
* **next frame**: the following ``requestAnimationFrame`` (an upper bound, one frame later).

Pen moves are spaced ``--gap`` ms apart (8 ms: a 125 Hz mouse). Several moves within one
frame share one recount, so each is timed to the same repaint. The finished stroke also goes
to Python (the notebook's cell that checks the page's numbers runs); that is the kernel's
work, beside the path measured here, but it shares the machine's cores.

Nothing is asserted: the target (< 100 ms from pen to bars) is printed next to the numbers.

    --strokes N   strokes to measure (default 40)
    --warmup N    unmeasured strokes first (default 3)
    --gap MS      pause between pen moves (default 8)
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

import harness  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

NOTEBOOK = REPO / "notebooks" / "08_handwriting.py"
TARGET_MS = 100.0
GAP_MS = 8
TIMEOUT_MS = 60_000

# Digits as strokes on the pad, in fractions of its width and height (x right, y down).
_RING = [(0.5 + 0.22 * math.sin(t), 0.5 - 0.32 * math.cos(t))
         for t in np.linspace(0, 2 * math.pi, 17)]
DIGITS = [
    ("1", [[(0.5, 0.15), (0.5, 0.85)]]),
    ("7", [[(0.25, 0.18), (0.75, 0.18), (0.42, 0.85)]]),
    ("0", [_RING]),
    ("4", [[(0.6, 0.15), (0.25, 0.6), (0.78, 0.6)], [(0.6, 0.15), (0.6, 0.85)]]),
    ("5", [[(0.7, 0.15), (0.32, 0.15), (0.3, 0.45), (0.62, 0.45), (0.7, 0.65), (0.55, 0.84),
            (0.28, 0.8)]]),
]

# Installed on the pad's bars element (inside the widget, which may sit in a shadow root).
PROBE = """
(bars) => {
  const canvas = bars.closest('.nnlab-pad').querySelector('.nnlab-pad-canvas');
  const probe = window.__nnlabDraw = {
    pending: [], laps: [], events: 0, rewrites: 0,
    take() {
      const out = {laps: this.laps, events: this.events, rewrites: this.rewrites};
      this.laps = []; this.events = 0; this.rewrites = 0; this.pending = [];
      return out;
    },
  };
  const onPointer = (e) => {
    if (!e.composedPath().includes(canvas)) return;
    if (e.type === 'pointermove' && !(e.buttons & 1)) return;  // the pen is up
    probe.events++;
    probe.pending.push([e.type, e.timeStamp, performance.now()]);
  };
  for (const type of ['pointerdown', 'pointermove', 'pointerup'])
    window.addEventListener(type, onPointer, true);  // before the pad's own handlers
  new MutationObserver(() => {
    probe.rewrites++;
    const events = probe.pending;
    probe.pending = [];
    if (!events.length) return;
    const written = performance.now();
    let painted = null;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { painted = performance.now(); };
    channel.port2.postMessage(0);  // runs once this frame's rendering is done
    requestAnimationFrame(() => {
      const frame = performance.now();
      for (const [type, t, handled] of events)
        probe.laps.push({type, handled: handled - t, written: written - t,
                         painted: (painted === null ? frame : painted) - t, frame: frame - t});
    });
  }).observe(bars, {attributes: true, attributeFilter: ['data-probs']});
}
"""


def strokes(count: int):
    """``count`` strokes as (digit, stroke points, clear afterwards), cycling over DIGITS."""
    out = []
    while len(out) < count:
        for digit, parts in DIGITS:
            for i, part in enumerate(parts):
                out.append((digit, part, i == len(parts) - 1))
    return out[:count]


def _dense(points, step=0.03):
    """The stroke's corners with points every ``step`` (of the pad's side) between them."""
    out = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) / step))
        out += [(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(1, n + 1)]
    return out


def draw(page: Page, box, points, gap_ms: int) -> None:
    xy = [(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
          for fx, fy in _dense(points)]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.wait_for_timeout(gap_ms)
        page.mouse.move(x, y)
    page.mouse.up()


def measure(browser, n_strokes: int, warmup: int = 3, gap_ms: int = GAP_MS, log=print) -> dict:
    """Serve lesson 08, draw ``warmup`` + ``n_strokes`` strokes; the measured strokes' laps
    (ms from each pointer event to written, repainted and next frame) and counts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # No request interception: its round trip to Python would sit in front of every request.
    harness.prepare_page(page, intercept=False)
    try:
        with harness.marimo_app(NOTEBOOK) as url:
            started = time.monotonic()
            harness.open_lesson(page, url)
            log(f"  lesson 08 served and trained in {time.monotonic() - started:.1f} s")
            canvas = page.locator(".nnlab-pad-canvas").first
            canvas.wait_for(timeout=TIMEOUT_MS)
            canvas.scroll_into_view_if_needed()
            bars = page.locator(".nnlab-pad-bars").first
            clear = page.locator(".nnlab-pad-clear").first
            # The pad answers only once it has the trained weights: wait for a first answer.
            box = canvas.bounding_box()
            draw(page, box, DIGITS[0][1][0], gap_ms)
            page.wait_for_function("(el) => el.dataset.probs !== ''", arg=bars.element_handle(),
                                   timeout=TIMEOUT_MS)
            clear.click()
            harness.wait_for_idle(page)
            bars.evaluate(PROBE)
            result = {"laps": [], "events": 0, "rewrites": 0, "strokes": 0, "answered": 0}
            for i, (digit, points, last) in enumerate(strokes(warmup + n_strokes)):
                draw(page, canvas.bounding_box(), points, gap_ms)
                page.wait_for_timeout(150)  # the last frames; the pen lifts between strokes
                answered = bars.get_attribute("data-probs") != ""
                if last:
                    clear.click()
                    page.wait_for_timeout(100)
                taken = page.evaluate("window.__nnlabDraw.take()")
                if i < warmup:
                    continue
                result["strokes"] += 1
                result["answered"] += answered
                result["laps"] += taken["laps"]
                result["events"] += taken["events"]
                result["rewrites"] += taken["rewrites"]
            result["js_errors"] = list(harness.record(page).js_errors)
            return result
    finally:
        context.close()


def _stats(values):
    values = [v for v in values if math.isfinite(v)]
    if not values:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(values), float(np.percentile(values, 90)), max(values)


def report(result: dict, out=print) -> None:
    laps = result["laps"]
    out(f"\nDraw a digit -> probabilities repainted (lesson 08's pad, headless Chromium): "
        f"{result['events']} pointer events over {result['strokes']} strokes, "
        f"{result['rewrites']} rewrites of the bars, {result['answered']}/{result['strokes']} "
        "strokes with bars shown")
    out(f"  {'ms from the pointer event to':34s} {'median':>7s} {'p90':>7s} {'max':>7s}")
    rows = [("event handled (input queueing)", "handled", None),
            ("bars written (recount + forward)", "written", None),
            ("bars repainted (frame rendered)", "painted", TARGET_MS),
            ("next animation frame (upper bound)", "frame", None)]
    for label, key, target in rows:
        median, p90, top = _stats([lap[key] for lap in laps])
        verdict = ""
        if target is not None:
            verdict = f"   target: < {target:.0f} ms " + ("ok" if p90 < target else "MISSED")
        out(f"  {label:34s} {median:7.1f} {p90:7.1f} {top:7.1f}{verdict}")
    if result.get("js_errors"):
        out(f"  page errors: {result['js_errors']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strokes", type=int, default=40, help="strokes measured")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured strokes first")
    parser.add_argument("--gap", type=int, default=GAP_MS, help="ms between pen moves")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = harness.launch_chromium(pw)
        try:
            print("lesson 08: serving and drawing ...", flush=True)
            result = measure(browser, args.strokes, args.warmup, args.gap)
        finally:
            browser.close()
    report(result)
    print(f"\n{args.strokes} strokes after {args.warmup} warm-up, pen moves {args.gap} ms "
          f"apart; {time.monotonic() - started:.0f} s")
    return 1 if not result["laps"] or result.get("js_errors") else 0


if __name__ == "__main__":
    sys.exit(main())
