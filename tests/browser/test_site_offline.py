"""The built course site works with no internet, in a real browser.

The site from scripts/build_site.py is served by a local http.server; every request
to another host is blocked (the `page` fixture of conftest.py). Every static lesson
page must show its title, draw its charts into <canvas>, and log no error.

Which pages must draw a chart: every lesson numbered 01 and up (they all teach with
charts), and any lesson that imports altair or nnlab.view.plots. A chart-less page failing
that check is itself tested, so the check cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import functools
import html
import http.server
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness import record

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_site.py"
sys.path.insert(0, str(SCRIPT.parent))
import build_site  # noqa: E402

pytestmark = pytest.mark.browser

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
RENDER_TIMEOUT_MS = 60_000


# ------------------------------------------------------------------ the site


def build_site_once(tmp_path_factory, name: str, *args: str) -> Path:
    """Build the repo's site into a session-wide folder `name`, once per session.

    Same folder name and logic as in tests/test_site.py, so a run of both files
    builds the site once. A failed build is remembered, not retried.
    """
    base = tmp_path_factory.getbasetemp() / name
    out, failure = base / "site", base / "build-failed.txt"
    if not (out / "index.html").exists() and not failure.exists():
        base.mkdir(exist_ok=True)
        result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), *args],
                                capture_output=True, text=True, timeout=3600)
        if result.returncode != 0:
            failure.write_text(
                f"{' '.join(['scripts/build_site.py', *args])} failed with exit code {result.returncode}\n"
                f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
            )
    if failure.exists():
        pytest.fail(failure.read_text(), pytrace=False)
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format, *args):
        pass


def serve(folder: Path):
    """Serve a folder on 127.0.0.1 from a thread; return (base URL, stop function)."""
    handler = functools.partial(QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    return f"http://127.0.0.1:{server.server_port}", stop


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    """URL of the repo's built site, served locally."""
    url, stop = serve(build_site_once(tmp_path_factory, "nnlab-site"))
    yield url
    stop()


CHART_LESSON = '''\
import marimo

app = marimo.App()


@app.cell
def _():
    import altair as alt
    import marimo as mo

    mo.md("# A chart lesson")
    return alt, mo


@app.cell
def _(alt, mo):
    rows = [{"x": i, "y": i * i} for i in range(10)]
    mo.ui.altair_chart(alt.Chart({"values": rows}).mark_line().encode(x="x:Q", y="y:Q"))
    return
'''

PLAIN_LESSON = '''\
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    mo.md("# A page without charts\\n\\nJust text.")
    return
'''


@pytest.fixture(scope="module")
def tiny_site_url(tmp_path_factory):
    """A two-lesson site (one chart, one without) to prove the checks themselves."""
    project = tmp_path_factory.mktemp("tiny-browser")
    (project / "notebooks").mkdir()
    (project / "notebooks" / "01_chart.py").write_text(CHART_LESSON)
    (project / "notebooks" / "02_plain.py").write_text(PLAIN_LESSON)
    command = [sys.executable, str(SCRIPT), "--project", str(project), "--out", str(project / "site"), "--no-wasm"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    url, stop = serve(project / "site")
    yield url
    stop()


# ------------------------------------------------------------------ checks

# Counts <canvas> elements (also inside open shadow roots) that have something drawn:
# a non-zero size and at least one pixel that is not fully transparent.
DRAWN_CANVASES_JS = """() => {
  const canvases = [];
  const visit = (root) => {
    root.querySelectorAll('canvas').forEach((c) => canvases.push(c));
    root.querySelectorAll('*').forEach((el) => el.shadowRoot && visit(el.shadowRoot));
  };
  visit(document);
  return canvases.filter((c) => {
    if (!c.width || !c.height) return false;
    const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
    return false;
  }).length;
}"""


def lesson_title(notebook: Path) -> str:
    """The lesson's title as the build script reads it (first `# ` heading in mo.md)."""
    return build_site.title_and_summary(notebook)[0]


def expects_chart(notebook: Path) -> bool:
    """True for lessons 01 and up, and for any lesson that imports altair or nnlab.view.plots."""
    if int(notebook.name[:2]) >= 1:
        return True
    imported = set()
    for node in ast.walk(ast.parse(notebook.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.update([node.module] + [f"{node.module}.{alias.name}" for alias in node.names])
    return bool(imported & {"altair", "nnlab.view.plots"})


def check_static_page(page: Page, url: str, title: str, chart: bool,
                      timeout: float = RENDER_TIMEOUT_MS) -> None:
    """Open a static lesson page offline and assert it rendered cleanly.

    Title shown as the page's H1; with `chart`, at least one drawn <canvas>; no failed
    or blocked request, no JavaScript error, no console error.
    """
    page.goto(url)
    expect(page.locator("h1").first).to_have_text(title, timeout=timeout)
    if chart:
        try:
            page.wait_for_function(f"({DRAWN_CANVASES_JS})() > 0", timeout=timeout)
        except Exception as error:  # a Playwright timeout: say what was missing
            raise AssertionError(f"no chart drawn into a <canvas> on {url}") from error
    page.wait_for_load_state("networkidle")
    rec = record(page)
    problems = {
        "blocked (non-local) requests": rec.blocked_requests,
        "failed requests": rec.failed_requests,
        "JavaScript errors": rec.js_errors,
        "console errors": rec.console_errors,
    }
    assert {kind: found for kind, found in problems.items() if found} == {}, url


# ------------------------------------------------------------------ tests


def test_lessons_exist():
    assert LESSONS, "no notebooks/NN_*.py lessons found"


@pytest.mark.parametrize("notebook", LESSONS, ids=[n.stem for n in LESSONS])
def test_static_lesson_page_renders_offline(page, site_url, notebook):
    check_static_page(page, f"{site_url}/lessons/{notebook.stem}.html", lesson_title(notebook),
                      chart=expects_chart(notebook))


def test_course_page_lists_every_lesson_offline(page, site_url):
    page.goto(f"{site_url}/index.html")
    titles = [html.unescape(t) for t in page.locator("ol.lessons h2").all_inner_texts()]
    assert titles == [lesson_title(n) for n in LESSONS]
    page.get_by_role("link", name=lesson_title(LESSONS[0])).first.click()
    expect(page).to_have_url(re.compile(rf"/lessons/{LESSONS[0].stem}\.html$"))
    expect(page.locator("h1").first).to_have_text(lesson_title(LESSONS[0]), timeout=RENDER_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    rec = record(page)
    assert (rec.blocked_requests, rec.failed_requests, rec.js_errors, rec.console_errors) == ([], [], [], [])


def test_chart_check_sees_a_chart(page, tiny_site_url):
    check_static_page(page, f"{tiny_site_url}/lessons/01_chart.html", "A chart lesson", chart=True)


def test_chart_check_fails_on_a_page_without_chart(page, tiny_site_url):
    with pytest.raises(AssertionError, match="no chart drawn"):
        check_static_page(page, f"{tiny_site_url}/lessons/02_plain.html", "A page without charts", chart=True,
                          timeout=5_000)


def test_page_check_fails_when_the_front_end_would_come_from_the_internet(page, tiny_site_url, tmp_path):
    """An export whose front end still points at the CDN is blank offline: the check says so."""
    cdn_page = textwrap.dedent(f"""\
        <!DOCTYPE html><html><head>
        <script type="module" src="{build_site.marimo_cdn_prefix()}/assets/index.js"></script>
        </head><body><h1>CDN page</h1></body></html>""")
    page.route("**/cdn-page.html", lambda route: route.fulfill(body=cdn_page, content_type="text/html"))
    with pytest.raises(AssertionError, match="blocked"):
        check_static_page(page, f"{tiny_site_url}/cdn-page.html", "CDN page", chart=False)


STATIC_PAGE_BUDGET = 3_000_000  # bytes: lesson 03's static page with its pre-computed runs


def test_static_lesson_03_answers_its_learning_rate_and_loss_offline(page, site_url, tmp_path_factory):
    """With no kernel, the live view switches between runs computed at export time; the
    controls that need Python say so, and the player is disabled."""
    site = build_site_once(tmp_path_factory, "nnlab-site")
    size = (site / "lessons" / "03_training_xor.html").stat().st_size
    assert size < STATIC_PAGE_BUDGET, f"static lesson 03 is {size} bytes"
    requests = []
    check_static_page(page, f"{site_url}/lessons/03_training_xor.html", "Training XOR", chart=True)
    page.on("request", lambda r: requests.append(r.url))
    rate = page.locator("input[data-explore=learning_rate]")
    expect(rate).to_have_count(1)
    expect(page.locator(".nnlab-live-only").first).to_be_visible()
    expect(page.get_by_role("button", name="Play")).to_be_disabled()
    loss_canvas = page.locator(".nnlab-live canvas").first
    before = loss_canvas.evaluate("c => c.toDataURL()")
    rate.press("ArrowRight")  # 2 -> 3: a run computed when the page was made
    page.wait_for_function("([c, b]) => c.toDataURL() !== b",
                           arg=[loss_canvas.element_handle(), before], timeout=10_000)
    after_rate = loss_canvas.evaluate("c => c.toDataURL()")
    page.locator("select[data-explore=loss]").select_option("bce")
    page.wait_for_function("([c, b]) => c.toDataURL() !== b",
                           arg=[loss_canvas.element_handle(), after_rate], timeout=10_000)
    assert requests == []  # no kernel, no network: the page answered by itself
    assert record(page).js_errors == []


# ------------------------------------------------------------------ the course on the site

# a marimo control that still takes clicks: one not inside a LiveView (whose widgets switch
# between pre-computed frames with no kernel) and not switched off by the static banner
ENABLED_CONTROLS_JS = """() => [...document.querySelectorAll('marimo-ui-element')]
  .filter(el => !el.closest('[hidden]'))
  .filter(el => !el.querySelector('marimo-anywidget'))
  .filter(el => el.getClientRects().length && getComputedStyle(el).pointerEvents !== 'none')
  .map(el => el.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("notebook", LESSONS, ids=[n.stem for n in LESSONS])
def test_static_page_says_it_is_static_and_freezes_its_controls(page, site_url, notebook):
    page.goto(f"{site_url}/lessons/{notebook.stem}.html")
    banner = page.locator(".nnlab-static-banner").first
    expect(banner).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(banner).to_contain_text("Static copy")
    # the site is built with live versions, so the banner links the lesson's own one
    live = banner.locator("a.nnlab-live-link")
    expect(live).to_have_attribute("href", f"../live/{notebook.stem}.html")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert page.evaluate(ENABLED_CONTROLS_JS) == []
    # the check can fail: without the build's freezing style, the same page has live controls
    if page.locator("marimo-ui-element").count():
        page.evaluate("document.getElementById('nnlab-freeze').remove()")
        assert page.evaluate(ENABLED_CONTROLS_JS) != [] or page.locator(
            "marimo-ui-element marimo-anywidget").count() == page.locator("marimo-ui-element").count()


def test_next_links_walk_the_static_site(page, site_url):
    from nnlab.view import course

    page.goto(f"{site_url}/lessons/{course.LESSONS[0].stem}.html")
    for item in course.LESSONS[1:]:
        link = page.locator("a.nnlab-next").first
        expect(link).to_be_visible(timeout=RENDER_TIMEOUT_MS)
        link.click()
        expect(page).to_have_url(re.compile(rf"/lessons/{item.stem}\.html$"))
        expect(page.locator("a.nnlab-prev").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(".nnlab-course-end").first).to_contain_text("last lesson")
    page.locator("a.nnlab-prev").first.click()
    expect(page).to_have_url(re.compile(rf"/lessons/{course.LESSONS[-2].stem}\.html$"))


def test_one_lesson_export_for_a_class_renders_offline(page, tmp_path):
    # the command the README gives teachers; `page` blocks every non-localhost request
    out = tmp_path / "lesson"
    result = subprocess.run([sys.executable, str(SCRIPT), "--no-wasm", "--only", LESSONS[1].stem,
                             "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert (out / "_marimo").is_dir() and not (out / "live").exists()
    url, stop = serve(out)
    try:
        check_static_page(page, f"{url}/lessons/{LESSONS[1].stem}.html", lesson_title(LESSONS[1]),
                          chart=expects_chart(LESSONS[1]))
        expect(page.locator(".nnlab-static-banner").first).to_be_visible()
    finally:
        stop()
