"""Helpers for driving marimo lessons in a real headless Chromium.

Used through the fixtures in ``conftest.py``; tests import the page helpers
directly: ``from harness import wait_for_lesson, slider, canvas_hashes``.

DOM facts below were read from marimo 0.25.2's front end in this browser
(re-check them when marimo moves):

* ``[data-testid="loading-indicator"]`` is the spinning icon marimo shows at
  the top left while any cell is queued or running; it is removed when the
  kernel is idle. It is the only "running" marker ``marimo run`` shows during
  the first run (cells have no output yet).
* ``.marimo-output-stale`` / ``.marimo-output-loading`` mark an existing
  output whose cell is queued or re-running (after a UI change).
* ``.marimo-cell`` (``id="cell-<id>"``) wraps each cell; it gets the class
  ``has-error`` when the cell raised. ``marimo run`` hides errored cells
  entirely unless started with ``--show-tracebacks``, which we pass so the
  traceback is visible in the page (and in failure messages).
* Without ``--show-tracebacks`` the only visible trace of an exception is a
  red toast "An internal error occurred" (``li.destructive`` inside the
  ``Notifications`` region): we check for it as well.
* ``[data-testid="disconnected-indicator"]`` appears when the kernel is gone.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Locator, Page, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 60_000

BUSY_SELECTOR = (
    '[data-testid="loading-indicator"], .marimo-output-stale, .marimo-output-loading'
)
ERROR_SELECTORS = {
    "cell error": ".marimo-cell.has-error",
    "error toast": '[role="region"][aria-label^="Notifications"] li.destructive',
    "disconnected": '[data-testid="disconnected-indicator"]',
}


# --------------------------------------------------------------------------
# The marimo server
# --------------------------------------------------------------------------


def lesson_notebooks() -> list[Path]:
    """Every lesson notebook, in lesson order."""
    return sorted((REPO / "notebooks").glob("*.py"))


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    """True when marimo's /health endpoint answers 'healthy'."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
            return b"healthy" in resp.read()
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group (kernels included)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@contextlib.contextmanager
def marimo_app(notebook_path, *, timeout: float = STARTUP_TIMEOUT_S, show_tracebacks=True):
    """Serve a notebook with ``marimo run`` and yield its base URL.

    The server is always stopped afterwards, also when the test fails.
    ``show_tracebacks`` keeps errored cells visible (see module docstring).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "marimo", "run", str(notebook_path),
           "--headless", "--host", "127.0.0.1", "--port", str(port)]
    if show_tracebacks:
        cmd.append("--show-tracebacks")
    env = {**os.environ, "MARIMO_SKIP_UPDATE_CHECK": "1"}
    log = tempfile.NamedTemporaryFile("w+", prefix="marimo-run-", suffix=".log", delete=False)
    # A new session makes the marimo PID a process-group leader we can kill as a group.
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env, start_new_session=True)
    try:
        _wait_healthy(proc, url, timeout, log.name)
        yield url
    finally:
        _stop(proc)
        log.close()


def _wait_healthy(proc: subprocess.Popen, url: str, timeout: float, log_path: str) -> None:
    """Poll /health until the server is up; fail with its log otherwise."""
    deadline = time.monotonic() + timeout
    while not _healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            why = f"exited with {proc.returncode}" if proc.poll() is not None else f"not healthy after {timeout:.0f} s"
            output = Path(log_path).read_text(errors="replace")
            pytest.fail(f"marimo server (pid {proc.pid}) {why}: {' '.join(proc.args)}\n--- log ---\n{output}",
                        pytrace=False)
        time.sleep(0.1)


# --------------------------------------------------------------------------
# The page: offline guard and recorders
# --------------------------------------------------------------------------


@dataclass
class PageRecord:
    """What went wrong in a page, collected from Playwright events."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)


_RECORDS: "weakref.WeakKeyDictionary[Page, PageRecord]" = weakref.WeakKeyDictionary()


def record(page: Page) -> PageRecord:
    """Return the PageRecord of a page prepared by ``prepare_page``."""
    return _RECORDS[page]


def prepare_page(page: Page, intercept: bool = True) -> PageRecord:
    """Block non-local requests and start recording errors on ``page``. (``intercept=False``
    for benchmarks: the blocking puts a round trip to Python in front of every request.)"""
    rec = PageRecord()
    _RECORDS[page] = rec

    def guard(route):
        # Lessons must work offline: anything leaving this machine is a bug.
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            rec.blocked_requests.append(route.request.url)
            route.abort("blockedbyclient")

    if intercept:
        page.route("**/*", guard)
    page.on("console", lambda m: m.type == "error" and rec.console_errors.append(m.text))
    page.on("pageerror", lambda e: rec.js_errors.append(str(e)))
    page.on("requestfailed", lambda r: rec.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and rec.failed_requests.append(f"{r.url} (HTTP {r.status})"))
    return rec


# --------------------------------------------------------------------------
# Waiting for marimo
# --------------------------------------------------------------------------

_IDLE_JS = """([selector, quietMs]) => {
  // Idle = no busy marker for quietMs in a row (bridges gaps between cells).
  if (document.querySelector(selector)) { window.__nnlabIdleSince = undefined; return false; }
  window.__nnlabIdleSince ??= performance.now();
  return performance.now() - window.__nnlabIdleSince >= quietMs;
}"""


def wait_for_idle(page: Page, timeout: float = RENDER_TIMEOUT_MS, quiet_ms: int = 300) -> None:
    """Wait until no cell is queued, running or stale for ``quiet_ms``."""
    page.evaluate("window.__nnlabIdleSince = undefined")
    page.wait_for_function(_IDLE_JS, arg=[BUSY_SELECTOR, quiet_ms], timeout=timeout)


def wait_for_lesson(page: Page, timeout: float = RENDER_TIMEOUT_MS) -> None:
    """Wait until the lesson's H1 is shown and every cell has finished running.

    The H1 only exists once the kernel has sent outputs, so this also proves the
    kernel connected.
    """
    expect(page.locator("h1").first).to_be_visible(timeout=timeout)
    wait_for_idle(page, timeout)
    # With a sidebar, marimo lays the outputs out once more after the cells settle; the
    # H1's text is back when that is done.
    expect(page.locator("h1").first).to_have_text(re.compile(r"\S"), timeout=timeout)


def open_lesson(page: Page, url: str, timeout: float = RENDER_TIMEOUT_MS) -> None:
    """Navigate to a served lesson and wait for its first full render."""
    page.goto(url)
    wait_for_lesson(page, timeout)


def page_errors(page: Page) -> list[str]:
    """Texts of every marimo error visible in the page (cells, toasts, disconnects)."""
    found = []
    for kind, selector in ERROR_SELECTORS.items():
        for text in page.locator(selector).all_inner_texts():
            found.append(f"{kind}: {text.strip() or '(no text)'}")
    return found


# --------------------------------------------------------------------------
# Charts and widgets
# --------------------------------------------------------------------------

# Vega/Altair charts draw into <canvas>, often inside open shadow roots.
_CANVAS_JS = """() => {
  const canvases = [];
  const visit = (root) => {
    root.querySelectorAll('canvas').forEach((c) => canvases.push(c));
    root.querySelectorAll('*').forEach((el) => el.shadowRoot && visit(el.shadowRoot));
  };
  visit(document);
  const hash = (s) => {  // cyrb53: fast 53-bit string hash
    let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761); h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
  };
  return canvases.map((c) => hash(c.toDataURL()));
}"""


def canvas_hashes(page: Page) -> list[str]:
    """Hash of every <canvas> image on the page, in document order."""
    return page.evaluate(_CANVAS_JS)


def wait_for_canvases(page: Page, count: int = 1, timeout: float = 20_000) -> list[str]:
    """Wait until at least ``count`` canvases exist (Vega draws after marimo goes idle)."""
    page.wait_for_function(f"() => ({_CANVAS_JS})().length >= {int(count)}", timeout=timeout)
    return canvas_hashes(page)


def stable_hashes(page: Page, count: int, timeout_s: float = 30) -> list[str]:
    """Wait until ``count`` canvases exist and their images stop changing (Vega draws after
    marimo goes idle, and a lesson with a sidebar lays its outputs out once more), and
    return their hashes."""
    wait_for_canvases(page, count, timeout=timeout_s * 1000)
    wait_for_idle(page)
    deadline = time.monotonic() + timeout_s
    before = canvas_hashes(page)
    while True:
        page.wait_for_timeout(500)
        now = canvas_hashes(page)
        if now == before and len(now) >= count:
            return now
        assert time.monotonic() < deadline, "the charts kept changing"
        before = now


def wait_for_canvas_change(page: Page, before: list[str], timeout: float = 10_000) -> list[str]:
    """Wait until the canvas hashes differ from ``before``; return the new ones."""
    page.wait_for_function(f"(before) => JSON.stringify(({_CANVAS_JS})()) !== JSON.stringify(before)",
                           arg=before, timeout=timeout)
    return canvas_hashes(page)


def ui_element(page: Page, label: str) -> Locator:
    """The marimo UI element whose text (its label) contains ``label``."""
    return page.locator("marimo-ui-element").filter(has_text=label)


def slider(page: Page, label: str) -> Locator:
    """The slider labelled ``label``: focus() it, then press ArrowLeft/ArrowRight/Home/End.

    For ``steps=[...]`` sliders aria-valuenow is the index, not the value. Only shown sliders
    count: marimo keeps a hidden second copy of the controls in a sidebar.
    """
    return ui_element(page, label).get_by_role("slider").filter(visible=True)


def dropdown(page: Page, label: str) -> Locator:
    """The shown native <select> of the dropdown labelled ``label`` (use select_option).

    marimo keeps a hidden second copy of the controls in a sidebar: it is left out.
    """
    return ui_element(page, label).locator("select").filter(visible=True)


# --------------------------------------------------------------------------
# Page text and "did a cell run?" (added for test_every_control.py)
# --------------------------------------------------------------------------

# Text nodes of the document and of every open shadow root (UI labels live there), kept
# when their element is rendered (checkVisibility: not display:none, not in a closed tab or
# accordion). Canvas text (chart axes) is not DOM text and is not seen.
_VISIBLE_TEXT_JS = """() => {
  const parts = [];
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (node.shadowRoot) visit(node.shadowRoot);
        continue;
      }
      const parent = node.parentElement;
      if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName)) continue;
      if (!node.textContent.trim() || !parent.checkVisibility({visibilityProperty: true})) continue;
      parts.push(node.textContent);
    }
  };
  visit(document);
  return parts.join('\\n');
}"""


def visible_text(page: Page) -> str:
    """All visible text of the page, shadow roots included, one text node per line."""
    return page.evaluate(_VISIBLE_TEXT_JS)


@dataclass
class KernelLog:
    """What the kernel told the page over marimo's websocket (see ``watch_kernel``)."""

    runs: int = 0  # cell-op messages with status "running": one per cell run
    completed_runs: int = 0  # "completed-run": a whole reactive run finished
    errors: list[str] = field(default_factory=list)  # completed runs whose outcome was not "succeeded"


def watch_kernel(page: Page) -> KernelLog:
    """Count the kernel's cell runs for ``page``; call it BEFORE ``open_lesson``.

    The DOM's busy markers can miss a fast run (React may apply "stale" and "idle" in one
    commit); the websocket messages cannot. Playwright delivers them while a sync call
    waits, e.g. ``page.wait_for_timeout``.
    """
    log = KernelLog()

    def on_frame(payload) -> None:
        if not isinstance(payload, str) or '"op": "c' not in payload[:20]:
            return
        if payload.startswith('{"op": "cell-op"') and '"status":"running"' in payload:
            log.runs += 1
        elif payload.startswith('{"op": "completed-run"'):
            log.completed_runs += 1
            if '"outcome":"succeeded"' not in payload:
                log.errors.append(payload[:300])

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return log


def wait_for_run(page: Page, log: KernelLog, runs_before: int, timeout: float = 5_000) -> bool:
    """True once a cell ran after ``runs_before`` was read from ``log``; False after ``timeout`` ms."""
    deadline = time.monotonic() + timeout / 1000
    while log.runs <= runs_before:
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(25)
    return True


# --------------------------------------------------------------------------
# Outside pytest (added for benchmarks/latency.py)
# --------------------------------------------------------------------------


def launch_chromium(playwright):
    """Debian's headless Chromium with the arguments the browser tests use."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: install Debian's chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# --------------------------------------------------------------------------
# The built course site (scripts/build_site.py), served locally
# --------------------------------------------------------------------------

BUILD_SCRIPT = REPO / "scripts" / "build_site.py"


def build_site_once(tmp_path_factory, name: str, *args: str) -> Path:
    """Build the repo's site into a session-wide folder `name`, once per session.

    Same folder name and logic as in tests/test_site.py, so a run of the site tests and the
    browser tests builds the site once. A failed build is remembered, not retried.
    """
    base = tmp_path_factory.getbasetemp() / name
    out, failure = base / "site", base / "build-failed.txt"
    if not (out / "index.html").exists() and not failure.exists():
        base.mkdir(exist_ok=True)
        result = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--out", str(out), *args],
                                capture_output=True, text=True, timeout=3600)
        if result.returncode != 0:
            failure.write_text(
                f"{' '.join(['scripts/build_site.py', *args])} failed with exit code {result.returncode}\n"
                f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
            )
    if failure.exists():
        pytest.fail(failure.read_text(), pytrace=False)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format, *args):
        pass


def serve(folder: Path):
    """Serve a folder on 127.0.0.1 from a thread; return (base URL, stop function)."""
    handler = functools.partial(_QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    return f"http://127.0.0.1:{server.server_port}", stop
