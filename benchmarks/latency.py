"""Control change -> charts repainted, in a real browser: ``python benchmarks/latency.py [--quick]``.

Serves each lesson with ``marimo run``, opens it in headless Debian Chromium, changes one
control at a time (alternating between two values so every change changes something) and
times, in the page and from the moment the input event is dispatched:

* **first repaint**: the first animation frame in which some chart ``<canvas>`` shows a
  picture that was not on the page before the change;
* **last repaint** (the finished picture): the last frame in which a canvas showed a picture
  it did not show the frame before, once the kernel has finished the run ("completed-run",
  no cell queued or running, no request pending) and neither the canvases nor the websocket
  have changed for ``--quiet`` ms (500 by default);
* **curves**: the last frame in which the loss or accuracy curves showed a new picture (the
  canvases inside the cells named by the lesson's ``curves``), which is what a learner
  watches while moving a control; the rest of the page may still be drawing.

How it is measured (all in the page, on ``performance.now()``, so Playwright round trips do
not count): a script installed before marimo's own code

* notes the time of the input event (``keydown`` / ``input`` captured on ``window``),
* wraps ``fetch`` to time marimo's ``POST /api/kernel/set_ui_element_value``,
* wraps ``WebSocket`` to time every kernel message (op, cell, status, the kernel's own
  timestamp, size),
* wraps the drawing methods of ``CanvasRenderingContext2D`` to know which canvases were
  drawn on, and in a ``requestAnimationFrame`` loop hashes only those (``getImageData``,
  blank canvases ignored). The time spent hashing is reported as "probe" so its cost is
  visible; it is the only work the measurement adds to the page.

The breakdown table splits each median into: input -> request sent (front end), request ->
kernel starts the run, the kernel run (first cell queued -> last cell idle, on the kernel's
clock), kernel done -> page receives "completed-run" (delivery + page backlog), and kernel
done -> last repaint (front end: parsing, React, Vega). On Linux it also gives the CPU time
the change cost the page's main thread and the marimo process (``/proc/*/schedstat``, idle
rate subtracted): the page's figure is work done one piece after another on one thread, so
the last repaint cannot come sooner than that unless the page is given less to do. The cells
table lists the slowest cells (running -> idle on the kernel's clock, i.e. the cell's code
plus formatting its output) and the size of the outputs they sent.

    --quick       6 changes per control, no warm-up (about a minute)
    --changes N   changes per control (default 20)
    --lesson 03   only lessons whose file name starts with this, with their baseline
                  copies (repeatable)
    --drags N     30-step drags of a lesson's drag slider, N times (default 3)
    --plays N     rounds of Reset, Play for 2 s, Pause, on lessons with a player (default 3)
    --static N    changes of the learning rate on lesson 03's static export (default 10)

Lesson 03 is measured twice in one run: the lesson (a live view: one widget redrawn in
place) and ``benchmarks/baseline_03_altair.py``, the same lesson as it was with Altair
outputs; the report prints live / baseline ratios. The drag benchmark presses the slider's
arrow key 30 times, 30 ms apart, and counts frames with a new picture during the drag,
the time from the last step to the last repaint, and whether the final picture is the one
the final value gives when chosen directly.

Nothing is asserted: the targets are printed next to the numbers.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

import harness  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

QUIET_MS = 500
CHANGE_TIMEOUT_MS = 60_000

# --------------------------------------------------------------------------
# The in-page probe
# --------------------------------------------------------------------------

PROBE_JS = r"""
(() => {
  if (window.__nnlabLatency) return;
  const now = () => performance.now();
  const P = window.__nnlabLatency = {
    armed: false, t0: null, inputKind: null,
    sends: [],    // [start, end|null] of set_ui_element_value requests
    msgs: [],     // [t, length, op, cellId, status, kernelTs(s), hasOutput]
    frames: [],   // [t, new vs baseline, new vs previous frame]
    cellPaints: {},  // cell id -> last frame in which one of its canvases changed picture
    cellFrames: {},  // cell id -> how many frames showed a new picture in its canvases
    cells: {},    // cellId -> last status seen
    lastMsg: 0, lastChange: 0, probeMs: 0,
  };

  // -- kernel messages ------------------------------------------------------
  const OP = /^\{"op": "([a-z-]+)"/;
  const CELL = /"cell_id":"([^"]+)"/;
  const STATUS = /,"status":(?:null|"([a-z-]+)")/;
  const TS = /"timestamp":([0-9.eE+-]+)\}\}\s*$/;
  const onMessage = (data) => {
    const t = now();
    if (typeof data !== 'string') return;
    const m = OP.exec(data.slice(0, 40));
    const op = m ? m[1] : '?';
    let cell = null, status = null, ts = null, out = false;
    if (op === 'cell-op') {
      const head = data.slice(0, 120), tail = data.slice(-400);
      cell = (CELL.exec(head) || [])[1] || null;
      out = head.includes('"output":{');
      const s = STATUS.exec(tail); status = s ? (s[1] || null) : null;
      const k = TS.exec(tail); ts = k ? Number(k[1]) : null;
      if (cell && status) P.cells[cell] = status;
    }
    if (!P.armed) return;
    P.lastMsg = t;
    P.msgs.push([t, data.length, op, cell, status, ts, out]);
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => onMessage(e.data));
    }
  };

  // -- UI value requests ------------------------------------------------------
  const nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    const promise = nativeFetch.apply(this, arguments);
    if (P.armed && url.includes('/api/kernel/set_ui_element_value')) {
      const rec = [now(), null];
      P.sends.push(rec);
      const done = () => { rec[1] = now(); };
      promise.then(done, done);
    }
    return promise;
  };

  // -- the input event: the time base ---------------------------------------
  const onInput = (e) => {
    if (P.armed && P.t0 === null) { P.t0 = now(); P.inputKind = e.type; }
  };
  for (const type of ['keydown', 'input', 'change', 'pointerdown']) {
    window.addEventListener(type, onInput, true);
  }

  // -- canvases ---------------------------------------------------------------
  const dirty = new Set();
  const C2D = CanvasRenderingContext2D.prototype;
  for (const name of ['clearRect', 'fillRect', 'strokeRect', 'fill', 'stroke', 'drawImage',
                      'fillText', 'strokeText', 'putImageData']) {
    const orig = C2D[name];
    C2D[name] = function (...args) { dirty.add(this.canvas); return orig.apply(this, args); };
  }
  const BLANK = 'blank';
  const hashCanvas = (c) => {
    const w = c.width, h = c.height;
    if (!w || !h) return BLANK;
    let d;
    try { d = new Uint32Array(c.getContext('2d').getImageData(0, 0, w, h).data.buffer); }
    catch (e) { return BLANK; }
    let h1 = 0x811c9dc5 ^ w, h2 = 0x9747b28c ^ h, any = 0;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      any |= v;
      h1 = Math.imul(h1 ^ v, 16777619);
      h2 = Math.imul(h2 + v, 2654435761) ^ (h2 >>> 15);
    }
    return any === 0 ? BLANK : `${w}x${h}:${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
  };
  const hashes = new Map();   // canvas -> hash of its last drawn picture
  const cellOf = (el) => {    // the marimo cell a canvas is drawn in (across shadow roots)
    while (el) {
      const cell = el.closest && el.closest('.marimo-cell');
      if (cell) return cell.id.replace(/^cell-/, '');
      const root = el.getRootNode();
      el = root && root.host;
    }
    return null;
  };
  let previous = new Set();   // hashes shown in the previous frame
  P.picture = () => new Set([...hashes].filter(([c, h]) => c.isConnected && h !== BLANK)
                                       .map(([, h]) => h));
  P.baseline = new Set();
  const frame = () => {
    if (dirty.size) {
      const start = now();
      const timed = P.armed && P.t0 !== null;
      for (const c of dirty) {
        const h = hashCanvas(c);
        if (timed && h !== BLANK && h !== hashes.get(c)) {
          const cell = cellOf(c);
          if (cell) {
            if (P.cellPaints[cell] !== start) P.cellFrames[cell] = (P.cellFrames[cell] || 0) + 1;
            P.cellPaints[cell] = start;
          }
        }
        hashes.set(c, h);
      }
      dirty.clear();
      for (const c of [...hashes.keys()]) if (!c.isConnected) hashes.delete(c);
      const shown = P.picture();
      let vsBase = 0, vsPrev = 0;
      for (const h of shown) {
        if (!P.baseline.has(h)) vsBase++;
        if (!previous.has(h)) vsPrev++;
      }
      previous = shown;
      const t = now();
      if (timed) {
        P.probeMs += t - start;
        if (vsBase || vsPrev) P.frames.push([start, vsBase, vsPrev]);
        if (vsPrev) P.lastChange = start;
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  // -- the Python side's entry points -----------------------------------------
  P.arm = () => {
    Object.assign(P, {armed: true, t0: null, inputKind: null, sends: [], msgs: [], frames: [],
                      cellPaints: {}, cellFrames: {}, lastMsg: 0, lastChange: 0, probeMs: 0});
    for (const [c, h] of hashes) if (!c.isConnected) hashes.delete(c);
    P.baseline = P.picture();
    previous = P.baseline;
  };
  P.settled = (quietMs) => {
    if (P.t0 === null) return false;
    if (!P.msgs.some((m) => m[2] === 'completed-run')) return false;
    if (P.sends.some((s) => s[1] === null)) return false;
    if (Object.values(P.cells).some((s) => s === 'running' || s === 'queued')) return false;
    return now() - Math.max(P.t0, P.lastMsg, P.lastChange) >= quietMs;
  };
  P.pictureKey = () => [...P.picture()].sort().join(',');
  P.take = () => {
    P.armed = false;
    return {t0: P.t0, inputKind: P.inputKind, sends: P.sends, msgs: P.msgs, frames: P.frames,
            cellPaints: P.cellPaints, cellFrames: P.cellFrames, probeMs: P.probeMs,
            timeOrigin: performance.timeOrigin};
  };
})();
"""


def install_probe(page: Page) -> None:
    """Install the probe; call before the lesson is opened (it wraps WebSocket and fetch)."""
    page.add_init_script(PROBE_JS)


# --------------------------------------------------------------------------
# One change, measured
# --------------------------------------------------------------------------


@dataclass
class Change:
    """One control change, every time in ms from the input event (page clock)."""

    first: float  # first repaint (a picture not on the page before)
    last: float  # last repaint before the page went quiet
    send: float  # set_ui_element_value request started
    kernel_start: float  # first cell queued (kernel clock mapped to the page's)
    kernel_done: float  # last cell-op of the run (kernel clock)
    completed: float  # page received "completed-run"
    cells: dict[str, float]  # cell id -> running -> idle (ms, kernel clock)
    out_kb: dict[str, float]  # cell id -> output kB sent
    total_kb: float  # every message of the run
    probe_ms: float
    cell_paints: dict[str, float] = field(default_factory=dict)  # cell id -> its last repaint
    curves: float = float("nan")  # last repaint of the lesson's curve cells (LessonSpec.curves)
    page_cpu: float = float("nan")  # CPU ms of the page's main thread (idle subtracted)
    marimo_cpu: float = float("nan")  # CPU ms of the marimo process, kernel included


def _nan() -> float:
    return float("nan")


class CpuMeter:
    """CPU time (ms) of the browser's renderer main threads and of the marimo server process
    (all its threads, the kernel's included), from ``/proc/*/schedstat``; NaN off Linux."""

    def __init__(self, marimo_port: int):
        self.available = Path("/proc/self/schedstat").exists()
        self.marimo = self._find(lambda args: "marimo" in args and "--port" in args
                                 and args[args.index("--port") + 1:][:1] == [str(marimo_port)])
        self.idle = (0.0, 0.0)  # ms of CPU per ms of wall time while nothing happens

    @staticmethod
    def _find(match) -> list[str]:
        pids = []
        for entry in Path("/proc").iterdir() if Path("/proc").exists() else ():
            try:
                args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            except OSError:
                continue
            if entry.name.isdigit() and match(args):
                pids.append(entry.name)
        return pids

    @staticmethod
    def _ms(path: Path) -> float:
        try:
            return int(path.read_text().split()[0]) / 1e6  # ns on the CPU
        except (OSError, ValueError, IndexError):
            return 0.0

    def sample(self) -> tuple[float, dict[str, float], dict[str, float]]:
        """(wall ms, {renderer pid: main-thread ms}, {marimo thread: ms}) so far."""
        wall = time.perf_counter() * 1000
        if not self.available:
            return wall, {}, {}
        # (Chromium rewrites its children's command lines into one string: match a substring)
        renderers = self._find(lambda args: "--type=renderer" in " ".join(args))
        page = {pid: self._ms(Path(f"/proc/{pid}/task/{pid}/schedstat")) for pid in renderers}
        marimo = {str(task): self._ms(task / "schedstat") for pid in self.marimo
                  for task in Path(f"/proc/{pid}/task").glob("*")}
        return wall, page, marimo

    @staticmethod
    def _delta(before: dict[str, float], after: dict[str, float]) -> float:
        # Only processes and threads alive at both samples: one that started or ended in
        # between would add or remove its whole lifetime's CPU time (a negative "cost").
        return sum(after[key] - before[key] for key in before.keys() & after.keys())

    def measure_idle(self, seconds: float = 2.0) -> None:
        before = self.sample()
        time.sleep(seconds)
        after = self.sample()
        wall = after[0] - before[0]
        self.idle = (self._delta(before[1], after[1]) / wall, self._delta(before[2], after[2]) / wall)

    def spent(self, before, after) -> tuple[float, float]:
        """CPU ms of (page main thread, marimo) between two samples, idle rate subtracted.
        On a busy machine the idle rate is itself noisy, so a figure can come out near or
        below zero: it is reported, never asserted."""
        if not self.available:
            return _nan(), _nan()
        wall = after[0] - before[0]
        return (self._delta(before[1], after[1]) - self.idle[0] * wall,
                self._delta(before[2], after[2]) - self.idle[1] * wall)


def measure_change(page: Page, act: Callable[[], None], quiet_ms: int = QUIET_MS,
                   timeout_ms: int = CHANGE_TIMEOUT_MS, cpu: CpuMeter | None = None) -> Change:
    """Arm the probe, run ``act`` (which dispatches one input event), wait until the kernel is
    done and the canvases are quiet, and return the timings."""
    page.evaluate("window.__nnlabLatency.arm()")
    before = cpu.sample() if cpu else None
    act()
    page.wait_for_function("(q) => window.__nnlabLatency.settled(q)", arg=quiet_ms,
                           polling=50, timeout=timeout_ms)
    after = cpu.sample() if cpu else None
    raw = page.evaluate("window.__nnlabLatency.take()")
    change = summarise(raw)
    if cpu:
        change.page_cpu, change.marimo_cpu = cpu.spent(before, after)
    return change


def summarise(raw: dict) -> Change:
    t0 = raw["t0"]
    if t0 is None:
        raise RuntimeError("the control change dispatched no input event")
    frames = raw["frames"]
    first = next((f[0] for f in frames if f[1] > 0), None)
    last = max((f[0] for f in frames if f[2] > 0), default=None)
    to_page = lambda ts: ts * 1000.0 - raw["timeOrigin"]  # noqa: E731 (kernel s -> page ms)
    running: dict[str, float] = {}
    cells: dict[str, float] = defaultdict(float)
    out_kb: dict[str, float] = defaultdict(float)
    kernel_ts = []
    completed = None
    for t, length, op, cell, status, ts, has_output in raw["msgs"]:
        if op == "completed-run":
            completed = t
        if op != "cell-op" or ts is None:
            continue
        kernel_ts.append(ts)
        if has_output:
            out_kb[cell] += length / 1024
        if status == "running":
            running[cell] = ts
        elif status == "idle" and cell in running:
            cells[cell] += (ts - running.pop(cell)) * 1000
    rel = lambda x: _nan() if x is None else x - t0  # noqa: E731
    return Change(
        first=rel(first), last=rel(last),
        send=rel(raw["sends"][0][0] if raw["sends"] else None),
        kernel_start=rel(to_page(min(kernel_ts)) if kernel_ts else None),
        kernel_done=rel(to_page(max(kernel_ts)) if kernel_ts else None),
        completed=rel(completed),
        cells=dict(cells), out_kb=dict(out_kb),
        total_kb=sum(m[1] for m in raw["msgs"]) / 1024,
        probe_ms=raw["probeMs"],
        cell_paints={cell: t - t0 for cell, t in raw["cellPaints"].items()},
    )


# --------------------------------------------------------------------------
# The controls
# --------------------------------------------------------------------------


def slider_control(label: str, thumb: str = "first") -> Callable[[Page], Callable[[int], None]]:
    """A slider (or one thumb of a range slider): ArrowRight, ArrowLeft, ArrowRight, ...
    (ArrowLeft first when the thumb is at its maximum)."""

    def prepare(page: Page) -> Callable[[int], None]:
        thumbs = harness.slider(page, label)
        if thumbs.count() == 0:
            raise LookupError(f"no visible slider labelled {label!r}")
        el = thumbs.first if thumb == "first" else thumbs.last
        at_max = float(el.get_attribute("aria-valuenow")) >= float(el.get_attribute("aria-valuemax"))
        keys = ("ArrowLeft", "ArrowRight") if at_max else ("ArrowRight", "ArrowLeft")

        def change(i: int) -> None:
            el.press(keys[i % 2])

        return change

    return prepare


def dropdown_control(label: str, other: str) -> Callable[[Page], Callable[[int], None]]:
    """A dropdown: the option labelled ``other``, then back to the current one, ..."""

    def prepare(page: Page) -> Callable[[int], None]:
        select = harness.dropdown(page, label).first
        start = select.input_value()
        target = select.locator("option", has_text=other).first.get_attribute("value")
        if target is None or target == start:
            raise LookupError(f"dropdown {label!r} has no option {other!r} other than the current")
        values = (target, start)
        return lambda i: select.select_option(value=values[i % 2])

    return prepare


def select_option_with(page: Page, option_label: str) -> None:
    """Set up: choose ``option_label`` in the (visible) dropdown that offers it."""
    select = page.locator("select").filter(
        has=page.locator("option", has_text=option_label)).filter(visible=True).first
    select.select_option(label=option_label)


@dataclass
class ControlSpec:
    name: str
    prepare: Callable[[Page], Callable[[int], None]]
    setup: Callable[[Page], None] | None = None  # run once (unmeasured) before this control
    note: str = ""


@dataclass
class LessonSpec:
    notebook: str
    title: str
    controls: list[ControlSpec]
    targets: dict[str, float]  # "first_median", "last_median", "last_p90" (ms)
    # Code that marks the cells drawing the loss and accuracy curves: "curves" is the last
    # repaint of those, the part of the picture a learner watches while moving a control.
    curves: tuple[str, ...] = ()
    folder: str = "notebooks"
    baseline_of: str | None = None  # the lesson this copy is the baseline of (ratios)
    drag: str | None = None  # a slider to drag in 30 steps (the drag benchmark)
    play: bool = False  # measure the player: frames per second, and how soon Pause holds

    @property
    def path(self) -> Path:
        return REPO / self.folder / self.notebook


LESSON_03_CONTROLS = [
    ControlSpec("learning rate", slider_control("learning rate")),
    ControlSpec("loss", dropdown_control("loss", "cross-entropy (bce)")),
    ControlSpec("weight init range", slider_control("weight init range", thumb="last"),
                setup=lambda page: select_option_with(page, "random, uniform ranges"),
                note="start set to 'random, uniform ranges' first (the fixed start "
                     "ignores the range); upper thumb 2 <-> 2.25"),
]

LESSONS = [
    LessonSpec(
        "03_training_xor.py", "Lesson 03, training XOR (live view)", LESSON_03_CONTROLS,
        {"last_median": 100, "last_p90": 200},
        curves=("mo.ui.anywidget(view)",), drag="learning rate",
    ),
    LessonSpec(
        "baseline_03_altair.py", "Baseline: lesson 03 before live views (Altair outputs)",
        LESSON_03_CONTROLS, {}, folder="benchmarks", baseline_of="03_training_xor.py",
        curves=("plots.loss_chart(training_xor.attempt_runs(run)", "plots.accuracy_chart("),
        drag="learning rate",
    ),
    LessonSpec(
        "05_playground.py", "Lesson 05, the playground",
        [
            ControlSpec("learning rate", slider_control("learning rate")),
            ControlSpec("dataset", dropdown_control("dataset", "two moons")),
        ],
        {"first_median": 150, "last_median": 1000},
        curves=("mo.ui.anywidget(view)",), play=True,
    ),
]


# --------------------------------------------------------------------------
# Running a lesson
# --------------------------------------------------------------------------


@dataclass
class Row:
    lesson: LessonSpec
    control: ControlSpec
    changes: list[Change] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def notebook_cells(notebook: Path) -> list:
    """The notebook's cells (id, name, code). marimo derives the ids from the file, so they
    match those the server sends and the page's ``cell-<id>`` elements."""
    spec = importlib.util.spec_from_file_location(f"_nb_{notebook.stem}", notebook)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.app._cell_manager.cell_data())


def curve_cells(notebook: Path, snippets: tuple[str, ...]) -> set[str]:
    """Ids of the cells whose code contains one of ``snippets``; each snippet must match."""
    cells = notebook_cells(notebook)
    for snippet in snippets:
        if not any(snippet in cell.code for cell in cells):
            raise LookupError(f"{notebook.name}: no cell contains {snippet!r}")
    return {cell.cell_id for cell in cells if any(s in cell.code for s in snippets)}


def cell_labels(notebook: Path) -> dict[str, str]:
    """Cell id -> a short label (its name, or its first line of code)."""
    try:
        data = notebook_cells(notebook)
    except Exception:  # labels are a convenience only
        return {}
    labels = {}
    for cell in data:
        lines = [ln.strip() for ln in cell.code.splitlines() if ln.strip()]
        skip = ("mo.stop(", "mo.hstack([", "mo.vstack([", "_")
        line = next((ln for ln in lines if not ln.startswith(skip)), lines[0] if lines else "")
        label = cell.name if cell.name not in ("_", "__") else line[:40]
        charts = sorted(set(re.findall(r"plots\.(\w+)", cell.code)))
        labels[cell.cell_id] = label + (f"  [plots: {', '.join(charts)}]" if charts else "")
    return labels


def measure_lesson(browser, lesson: LessonSpec, changes: int, warmup: int = 2,
                   quiet_ms: int = QUIET_MS, log=print, drags: int = 0,
                   drag_rows: list | None = None, plays: int = 0,
                   play_rows: list | None = None) -> list[Row]:
    """Serve one lesson, open it in a fresh page and measure each of its controls (and,
    with ``drags``, that many 30-step drags of its drag slider into ``drag_rows``)."""
    drag_rows = [] if drag_rows is None else drag_rows
    play_rows = [] if play_rows is None else play_rows
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # No request interception here: Playwright's route handler would put a round trip to
    # this Python process in front of every request the page makes (offline is tested
    # by the test suite, not measured here).
    harness.prepare_page(page, intercept=False)
    install_probe(page)
    rows = []
    curves = curve_cells(lesson.path, lesson.curves)
    try:
        with harness.marimo_app(lesson.path) as url:
            harness.open_lesson(page, url)
            page.wait_for_timeout(1000)  # Vega draws after marimo goes idle
            cpu = CpuMeter(int(url.rsplit(":", 1)[1]))
            cpu.measure_idle()
            for control in lesson.controls:
                row = Row(lesson, control)
                rows.append(row)
                if control.setup:
                    measure_change(page, lambda: control.setup(page), quiet_ms)
                change = control.prepare(page)
                for i in range(warmup + changes):
                    try:
                        result = measure_change(page, lambda: change(i), quiet_ms, cpu=cpu)
                    except Exception as error:  # keep going: report it in the table
                        row.failures.append(f"change {i}: {type(error).__name__}: "
                                            f"{str(error).splitlines()[0][:200]}")
                        harness.wait_for_idle(page)
                        continue
                    painted = [t for cell, t in result.cell_paints.items() if cell in curves]
                    result.curves = max(painted, default=_nan())
                    if i >= warmup:
                        row.changes.append(result)
                log(f"  {lesson.notebook} {control.name}: {len(row.changes)} changes, "
                    f"last repaint median {_median([c.last for c in row.changes]):.0f} ms")
            if lesson.play and plays:
                play_rows.extend(measure_play(page) for _ in range(plays))
                for play in play_rows[-plays:]:
                    log(f"  {lesson.notebook} play: {play.summary()}")
            if lesson.drag and drags:
                drag_rows.append(measure_drag(page, lesson, drags, quiet_ms))
                for drag in drag_rows[-1]:
                    log(f"  {lesson.notebook} drag: {drag.summary()}")
            errors = harness.page_errors(page)
            if errors:
                rows[-1].failures.extend(errors)
    finally:
        context.close()
    return rows


# --------------------------------------------------------------------------
# A drag
# --------------------------------------------------------------------------

DRAG_STEPS, DRAG_GAP_MS = 30, 30


@dataclass
class Drag:
    """One drag of a slider: ``DRAG_STEPS`` key steps ``DRAG_GAP_MS`` apart."""

    redraws: int  # frames with a new picture of the curves, from the first step to the end
    final_after_last_step: float  # ms from the last step to the last repaint
    same_as_direct: bool  # the final picture equals the one the final value gives directly

    def summary(self) -> str:
        return (f"{self.redraws} redraws during the drag, final picture "
                f"{self.final_after_last_step:.0f} ms after the last step, "
                f"{'equal to' if self.same_as_direct else 'DIFFERENT from'} the direct one")


def drag_keys(thumb, steps: int) -> list[str]:
    """``steps`` arrow keys that each move the slider: towards its low end, then back up
    to its high end, and so on (a slider with fewer positions than steps is dragged back
    and forth, as a hand would)."""
    at, top = int(float(thumb.get_attribute("aria-valuenow"))), int(float(thumb.get_attribute("aria-valuemax")))
    low = int(float(thumb.get_attribute("aria-valuemin")))
    keys, direction = [], -1 if at > low else 1
    for _ in range(steps):
        if not low <= at + direction <= top:
            direction = -direction
        at += direction
        keys.append("ArrowLeft" if direction < 0 else "ArrowRight")
    return keys


def measure_drag(page: Page, lesson: LessonSpec, repeats: int, quiet_ms: int) -> list[Drag]:
    """Drag ``lesson.drag`` through ``DRAG_STEPS`` steps, ``repeats`` times."""
    thumb = harness.slider(page, lesson.drag).first
    curves = curve_cells(lesson.path, lesson.curves)
    out = []
    for _ in range(repeats):
        keys = drag_keys(thumb, DRAG_STEPS)
        page.evaluate("window.__nnlabLatency.arm()")
        times = []
        for key in keys:
            thumb.press(key)
            times.append(page.evaluate("performance.now()"))
            page.wait_for_timeout(DRAG_GAP_MS)
        page.wait_for_function(f"window.__nnlabLatency.settled({quiet_ms})", timeout=CHANGE_TIMEOUT_MS)
        raw = page.evaluate("window.__nnlabLatency.take()")
        redraws = max((n for cell, n in raw["cellFrames"].items() if cell in curves), default=0)
        last = max((f[0] for f in raw["frames"] if f[2] > 0), default=_nan())
        final = page.evaluate("window.__nnlabLatency.pictureKey()")
        # the same value reached directly: one step away and back
        back = "ArrowRight" if keys[-1] == "ArrowLeft" else "ArrowLeft"
        for key in (back, keys[-1]):
            measure_change(page, lambda key=key: thumb.press(key), quiet_ms)
        direct = page.evaluate("window.__nnlabLatency.pictureKey()")
        out.append(Drag(redraws, last - times[-1], final == direct))
    return out


# --------------------------------------------------------------------------
# The player
# --------------------------------------------------------------------------

PLAY_MS = 2000

PLAY_JS = """() => {
  const find = (root, sel) => {
    const hit = root.querySelector(sel);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) { const inner = find(el.shadowRoot, sel); if (inner) return inner; }
    }
    return null;
  };
  const counter = find(document, '.nnlab-counter');
  const buttons = [...counter.parentElement.querySelectorAll('button')];
  const rec = window.__nnlabPlay = {changes: [], clicks: {}};
  new MutationObserver(() => rec.changes.push(performance.now()))
    .observe(counter, {childList: true, characterData: true, subtree: true});
  for (const b of buttons) b.addEventListener('click', () => { rec.clicks[b.textContent] = performance.now(); }, true);
  return true;
}"""


@dataclass
class Play:
    fps: float  # counter updates (each a new picture from Python) per second while playing
    pause_ms: float  # from the Pause click to the last update after it

    def summary(self) -> str:
        return f"{self.fps:.1f} frames per second, Pause held after {self.pause_ms:.0f} ms"


def measure_play(page: Page) -> Play:
    """Reset, Play for ``PLAY_MS``, Pause: frames per second and how soon Pause holds."""
    page.get_by_role("button", name="Reset").click()
    page.wait_for_timeout(500)
    page.evaluate(PLAY_JS)
    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(PLAY_MS)  # (keeps Playwright's connection serviced meanwhile)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1000)
    rec = page.evaluate("window.__nnlabPlay")
    # (one button: it reads "Play", then "Pause" while playing; clicks are keyed by its text)
    play, pause = rec["clicks"]["Play"], rec["clicks"]["Pause"]
    during = [t for t in rec["changes"] if play <= t <= pause]
    after = [t for t in rec["changes"] if t > pause]
    return Play(len(during) / ((pause - play) / 1000), (max(after) - pause) if after else 0.0)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def _finite(values):
    return [v for v in values if v is not None and math.isfinite(v)]


def _median(values) -> float:
    values = _finite(values)
    return statistics.median(values) if values else float("nan")


def _p90(values) -> float:
    values = _finite(values)
    return float(np.percentile(values, 90)) if values else float("nan")


def _ms(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.0f}"


def _verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"<= {target:.0f} {'ok' if value <= target else 'MISSED'}"


def report(rows: list[Row], labels: dict[str, dict[str, str]], out=print) -> None:
    out("\nTimes in ms from the input event to the chart canvases repainting (in-page clock); "
        "curves = the last\nrepaint of the loss and accuracy curves alone (the rest of the "
        "page may still be drawing).")
    by_lesson: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_lesson[row.lesson.notebook].append(row)
    for notebook, lesson_rows in by_lesson.items():
        lesson = lesson_rows[0].lesson
        t = lesson.targets
        out(f"\n{lesson.title} ({notebook})")
        out(f"  {'control':<19} {'n':>3}  {'first med':>9} {'first p90':>9}  "
            f"{'curves med':>10} {'curves p90':>10}  {'last med':>8} {'last p90':>8}   targets")
        for row in lesson_rows:
            first = [c.first for c in row.changes]
            last = [c.last for c in row.changes]
            curves = [c.curves for c in row.changes]
            fm, fp, lm, lp = _median(first), _p90(first), _median(last), _p90(last)
            verdicts = [v for v in (
                "first med " + _verdict(fm, t["first_median"]) if "first_median" in t else "",
                "last med " + _verdict(lm, t["last_median"]) if "last_median" in t else "",
                "last p90 " + _verdict(lp, t["last_p90"]) if "last_p90" in t else "") if v]
            out(f"  {row.control.name:<19} {len(row.changes):>3}  {_ms(fm):>9} {_ms(fp):>9}  "
                f"{_ms(_median(curves)):>10} {_ms(_p90(curves)):>10}  "
                f"{_ms(lm):>8} {_ms(lp):>8}   {'; '.join(verdicts)}")
            if row.control.note:
                out(f"      ({row.control.note})")
            for failure in row.failures:
                out(f"      FAILED {failure}")

    report_ratios(rows, out)
    out("\nWhere the time goes (medians, ms from the input event unless said):")
    out("  send = request sent; kstart = kernel starts the run; kernel = first cell queued -> "
        "last cell idle\n  (kernel clock); deliver = kernel done -> page has 'completed-run'; "
        "front = kernel done -> last repaint;\n  probe = the measurement's own hashing work; "
        "kB = every kernel message of the run;\n  page cpu / marimo cpu = CPU ms the change cost "
        "the page's main thread / the marimo process (idle subtracted).")
    out(f"  {'lesson control':<26} {'send':>5} {'kstart':>6} {'kernel':>6} {'deliver':>7} "
        f"{'front':>6} {'last':>6} {'probe':>5} {'kB':>6} {'page cpu':>8} {'marimo cpu':>10}")
    for row in rows:
        c = row.changes
        kernel = [x.kernel_done - x.kernel_start for x in c]
        deliver = [x.completed - x.kernel_done for x in c]
        front = [x.last - x.kernel_done for x in c]
        out(f"  {row.lesson.notebook[:2] + ' ' + row.control.name:<26} "
            f"{_ms(_median([x.send for x in c])):>5} {_ms(_median([x.kernel_start for x in c])):>6} "
            f"{_ms(_median(kernel)):>6} {_ms(_median(deliver)):>7} {_ms(_median(front)):>6} "
            f"{_ms(_median([x.last for x in c])):>6} {_ms(_median([x.probe_ms for x in c])):>5} "
            f"{_median([x.total_kb for x in c]):>6.0f} {_ms(_median([x.page_cpu for x in c])):>8} "
            f"{_ms(_median([x.marimo_cpu for x in c])):>10}")

    out("\nSlowest cells per control (kernel clock, running -> idle: the cell's code plus "
        "formatting its output; median ms, output kB):")
    for row in rows:
        if not row.changes:
            continue
        ids = {cell for x in row.changes for cell in x.cells}
        stats = sorted(((_median([x.cells.get(cell, 0.0) for x in row.changes]),
                         _median([x.out_kb.get(cell, 0.0) for x in row.changes]), cell)
                        for cell in ids), reverse=True)
        total = _median([sum(x.cells.values()) for x in row.changes])
        names = labels.get(row.lesson.notebook, {})
        out(f"  {row.lesson.notebook[:2]} {row.control.name}: {len(ids)} cells ran, "
            f"{total:.0f} ms in cells")
        for ms, kb, cell in stats[:5]:
            out(f"      {ms:6.0f} ms {kb:7.1f} kB  {cell} {names.get(cell, '')}")


def report_ratios(rows: list[Row], out=print) -> None:
    """Live lesson against its baseline copy, measured in the same run: median last repaint
    and the page's main-thread CPU per change."""
    by = {(r.lesson.notebook, r.control.name): r for r in rows}
    pairs = [(r, by.get((r.lesson.baseline_of, r.control.name))) for r in rows
             if r.lesson.baseline_of]
    pairs = [(base, live) for base, live in pairs if live and base.changes and live.changes]
    if not pairs:
        return
    out("\nLive view against the baseline copy (same run): live / baseline, target <= 0.33")
    out(f"  {'control':<19} {'live last med':>13} {'baseline':>9} {'ratio':>6}   "
        f"{'live page cpu':>13} {'baseline':>9}")
    for base, live in pairs:
        lm, bm = _median([c.last for c in live.changes]), _median([c.last for c in base.changes])
        lc, bc = (_median([c.page_cpu for c in live.changes]),
                  _median([c.page_cpu for c in base.changes]))
        ratio = lm / bm if bm else float("nan")
        out(f"  {live.control.name:<19} {_ms(lm):>13} {_ms(bm):>9} {ratio:>6.2f}   "
            f"{_ms(lc):>13} {_ms(bc):>9}   {'ok' if ratio <= 1 / 3 else 'MISSED'}")


def report_drags(drags: dict[str, list[Drag]], out=print) -> None:
    if not drags:
        return
    out(f"\nA {DRAG_STEPS}-step drag, steps {DRAG_GAP_MS} ms apart (targets for the live "
        "lesson: >= 20 redraws, final picture <= 150 ms after the last step, equal to the "
        "direct one)")
    for title, rows in drags.items():
        if not rows:
            continue
        out(f"  {title}: redraws median {_median([d.redraws for d in rows]):.0f} "
            f"(min {min(d.redraws for d in rows)}), final after last step median "
            f"{_ms(_median([d.final_after_last_step for d in rows]))} ms / p90 "
            f"{_ms(_p90([d.final_after_last_step for d in rows]))} ms, equal to direct "
            f"{sum(d.same_as_direct for d in rows)} of {len(rows)}")


def report_plays(plays: dict[str, list[Play]], out=print) -> None:
    if not any(plays.values()):
        return
    out(f"\nThe player: Reset, Play for {PLAY_MS} ms, Pause (targets: >= 20 frames per second, "
        "Pause holds within 200 ms)")
    for title, rows in plays.items():
        if rows:
            out(f"  {title}: {_median([p.fps for p in rows]):.1f} frames per second (median of "
                f"{len(rows)}), Pause held after {_ms(_median([p.pause_ms for p in rows]))} ms "
                f"median / {_ms(max(p.pause_ms for p in rows))} ms worst")


def run(changes: int, warmup: int, lessons: list[LessonSpec], quiet_ms: int = QUIET_MS,
        drags: int = 0, plays: int = 0):
    """Rows per control, drags and plays per lesson title."""
    rows, drag_rows, play_rows = [], {}, {}
    with sync_playwright() as pw:
        browser = harness.launch_chromium(pw)
        try:
            for lesson in lessons:
                print(f"{lesson.title}: serving and measuring ...", flush=True)
                found, played = [], []
                rows += measure_lesson(browser, lesson, changes, warmup, quiet_ms,
                                       drags=drags, drag_rows=found, plays=plays,
                                       play_rows=played)
                drag_rows[lesson.title] = [d for batch in found for d in batch]
                play_rows[lesson.title] = played
        finally:
            browser.close()
    return rows, drag_rows, play_rows


# --------------------------------------------------------------------------
# The static page
# --------------------------------------------------------------------------

STATIC_LESSON = "03_training_xor"


class _Quiet:
    def log_message(self, format, *args):  # one line per file served would bury the report
        pass


def measure_static(browser, changes: int, log=print) -> tuple[list[float], int]:
    """Lesson 03 exported as a static page (``scripts/build_site.py``, no kernel), served
    locally: ms from a key press on its pre-computed learning-rate control to the last
    canvas repaint, with the number of requests the page made meanwhile."""
    import functools
    import http.server
    import subprocess
    import tempfile
    import threading

    QuietHandler = type("QuietHandler", (_Quiet, http.server.SimpleHTTPRequestHandler), {})

    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, str(REPO / "scripts" / "build_site.py"), "--out", out,
                        "--no-wasm", "--only", STATIC_LESSON], check=True, capture_output=True)
        handler = functools.partial(QuietHandler, directory=out)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        install_probe(page)
        try:
            page.goto(f"http://127.0.0.1:{server.server_port}/lessons/{STATIC_LESSON}.html")
            rate = page.locator("input[data-explore=learning_rate]").first
            rate.wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            times = []
            for i in range(changes):
                page.evaluate("window.__nnlabLatency.arm()")
                rate.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                page.wait_for_timeout(400)  # no kernel: nothing to wait for but the drawing
                raw = page.evaluate("window.__nnlabLatency.take()")
                last = max((f[0] for f in raw["frames"] if f[2] > 0), default=None)
                times.append(_nan() if last is None or raw["t0"] is None else last - raw["t0"])
            log(f"  static {STATIC_LESSON}: {len(times)} changes, {len(requests)} requests")
            return times, len(requests)
        finally:
            context.close()
            server.shutdown()


def report_static(times: list[float], requests: int, out=print) -> None:
    out(f"\nStatic lesson 03 (no kernel): learning rate change -> last repaint median "
        f"{_ms(_median(times))} ms, p90 {_ms(_p90(times))} ms over {len(times)} changes, "
        f"{requests} network requests (targets: <= 50 ms, none)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="6 changes per control, no warm-up")
    parser.add_argument("--changes", type=int, help="changes per control (default 20)")
    parser.add_argument("--warmup", type=int, help="unmeasured changes first (default 2)")
    parser.add_argument("--quiet", type=int, default=QUIET_MS, help="ms of quiet that ends a change")
    parser.add_argument("--lesson", action="append", help="only lessons starting with this")
    parser.add_argument("--drags", type=int, default=3, help="30-step drags per lesson")
    parser.add_argument("--plays", type=int, default=3, help="play/pause rounds per lesson")
    parser.add_argument("--static", type=int, default=10,
                        help="changes on the static lesson 03 page (0: skip)")
    args = parser.parse_args(argv)
    changes = args.changes or (6 if args.quick else 20)
    warmup = args.warmup if args.warmup is not None else (0 if args.quick else 2)
    lessons = [lesson for lesson in LESSONS
               if not args.lesson or any((lesson.baseline_of or lesson.notebook).startswith(p)
                                         for p in args.lesson)]
    started = time.monotonic()
    rows, drags, plays = run(changes, warmup, lessons, args.quiet, drags=args.drags,
                             plays=args.plays)
    labels = {lesson.notebook: cell_labels(lesson.path) for lesson in lessons}
    report(rows, labels)
    report_drags(drags)
    report_plays(plays)
    if args.static and any(lesson.notebook.startswith("03") for lesson in lessons):
        with sync_playwright() as pw:
            browser = harness.launch_chromium(pw)
            try:
                report_static(*measure_static(browser, args.static))
            finally:
                browser.close()
    print(f"\n{changes} changes per control after {warmup} warm-up; {time.monotonic() - started:.0f} s")
    return 1 if any(r.failures for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
