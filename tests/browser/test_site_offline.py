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
import html
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness import record, serve, visible_text as harness_text

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_site.py"
sys.path.insert(0, str(SCRIPT.parent))
import build_site  # noqa: E402

pytestmark = pytest.mark.browser

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
RENDER_TIMEOUT_MS = 60_000


# ------------------------------------------------------------------ the site


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


def test_static_lesson_03_answers_its_learning_rate_and_loss_offline(page, site_url, site_dir):
    """With no kernel, the live view switches between runs computed at export time; the
    controls that need Python say so, and the player is disabled."""
    size = (site_dir / "lessons" / "03_training_xor.html").stat().st_size
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


# ------------------------------------------------------------------ honest static pages

# Finds every control on the page that needs Python, in the document and in every open shadow
# root: the parts (inputs, buttons, selects, sliders, radios, ...) of a marimo control that is
# not one of the kinds that work with no kernel (build_site.WORKS_WITHOUT_KERNEL; containers
# such as mo.ui.array are looked through), and anything inside an element a widget marks with
# data-needs-kernel. Each must be disabled or inert; one on screen must also refuse focus, not
# be what a click at its centre hits (unless it is a disabled field, which takes no clicks),
# show a not-allowed cursor there, and be greyed out (opacity of it and its ancestors <= 0.6).
FROZEN_CHECK_JS = r"""({keep, containers}) => {
  const KEEP = new Set(keep), CONTAINERS = new Set(containers);
  const up = (n) => n.parentNode || n.host || null;
  const roots = [document];
  for (let i = 0; i < roots.length; i++)
    for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  const PARTS = 'input, select, textarea, button, [role=slider], [role=radio], [role=checkbox], ' +
    '[role=switch], [role=combobox], [role=button], [role=spinbutton], [role=textbox], [contenteditable]';
  const needsPython = (el) => {
    for (let n = el; n; n = up(n)) {
      if (n.nodeType !== 1) continue;
      if (n.hasAttribute('data-needs-kernel')) return true;
      if (n.localName === 'marimo-ui-element') {
        const kind = n.firstElementChild ? n.firstElementChild.localName : '';
        if (KEEP.has(kind)) return false;
        if (!CONTAINERS.has(kind)) return true;
      }
    }
    return false;
  };
  const inert = (el) => { for (let n = el; n; n = up(n)) if (n.inert) return true; return false; };
  const within = (outer, el) => { for (let n = el; n; n = up(n)) if (n === outer) return true; return false; };
  const focused = () => { let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a; };
  const hitAt = (x, y) => { let hit = document.elementFromPoint(x, y);
    while (hit && hit.shadowRoot) { const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === hit) break; hit = inner; }
    return hit; };
  const opacity = (el) => { let o = 1; for (let n = el; n; n = up(n)) if (n.nodeType === 1) o *= +getComputedStyle(n).opacity; return o; };
  const problems = [];
  let found = 0;
  for (const root of roots) for (const el of root.querySelectorAll(PARTS)) {
    if (!needsPython(el)) continue;
    found += 1;
    const name = `${el.localName}[${el.getAttribute('role') || el.type || ''}] ` +
      JSON.stringify((el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40));
    if (!el.disabled && !inert(el)) problems.push('enabled: ' + name);
    if (!el.getClientRects().length || !el.getBoundingClientRect().width) continue;  // not shown now
    el.scrollIntoView({block: 'center'});
    const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    el.focus();
    if (focused() === el) problems.push('takes focus: ' + name);
    const hit = hitAt(x, y);
    if (hit && within(el, hit) && !el.disabled) problems.push('takes clicks: ' + name);
    else if (hit && getComputedStyle(hit).cursor !== 'not-allowed')
      problems.push(`${getComputedStyle(hit).cursor} cursor over: ` + name);
    if (opacity(el) > 0.6) problems.push('not greyed: ' + name);
  }
  return {found, problems};
}"""


def frozen_check(page: Page) -> dict:
    """Run FROZEN_CHECK_JS on the page: {"found": controls that need Python, "problems": [...]}."""
    return page.evaluate(FROZEN_CHECK_JS, {"keep": list(build_site.WORKS_WITHOUT_KERNEL),
                                           "containers": list(build_site.CONTAINERS)})


def open_static(page: Page, url: str) -> None:
    """Open a static page and wait until marimo has drawn it (banner, then a quiet network)."""
    page.goto(url)
    expect(page.locator(".nnlab-static-banner").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)


def test_the_frozen_kinds_leave_out_every_control_that_needs_python():
    # the policy the page check reads: Python-backed controls are never in the usable list
    assert {"marimo-slider", "marimo-dropdown", "marimo-radio", "marimo-button", "marimo-number",
            "marimo-text", "marimo-file", "marimo-form", "marimo-switch", "marimo-checkbox",
            "marimo-multiselect", "marimo-range-slider", "marimo-run-button",
            "marimo-download"}.isdisjoint(build_site.WORKS_WITHOUT_KERNEL)


@pytest.mark.parametrize("notebook", LESSONS, ids=[n.stem for n in LESSONS])
def test_static_page_says_it_is_static_and_freezes_its_controls(page, site_url, site_dir, notebook):
    url = f"{site_url}/lessons/{notebook.stem}.html"
    open_static(page, url)
    banner = page.locator(".nnlab-static-banner").first
    expect(banner).to_contain_text("Static copy")
    # the site is built with live versions, so the banner links the lesson's own one
    expect(banner.locator("a.nnlab-live-link")).to_have_attribute("href", f"../live/{notebook.stem}.html")
    frozen = frozen_check(page)
    assert frozen["problems"] == []
    if notebook.name[:2] != "00":
        assert frozen["found"] > 0  # every lesson has controls: the check saw them

    # The check fails without the build's injection: the same page, its freezing script cut
    # out, served next to the real one, has live controls.
    source = (site_dir / "lessons" / f"{notebook.stem}.html").read_text(encoding="utf-8")
    unfrozen = re.sub(r'<script id="nnlab-freeze">.*?</script>', "", source, flags=re.S)
    assert unfrozen != source
    page.route(f"{site_url}/lessons/unfrozen.html",
               lambda route: route.fulfill(body=unfrozen, content_type="text/html"))
    open_static(page, f"{site_url}/lessons/unfrozen.html")
    check = frozen_check(page)
    assert check["found"] == frozen["found"]
    enabled = [p for p in check["problems"] if p.startswith("enabled")]
    # (the player disables its own buttons on a static page; marimo's controls stay live)
    assert bool(enabled) == (frozen["found"] > 0)


def test_static_page_keeps_what_works_without_python(page, site_url):
    """Tabs of pre-computed runs still switch; the digit pad still answers from the page."""
    open_static(page, f"{site_url}/lessons/03_training_xor.html")
    tab = page.get_by_role("tab", name="learning rate 10")
    tab.scroll_into_view_if_needed()
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")

    open_static(page, f"{site_url}/lessons/08_handwriting.html")
    pad = page.locator(".nnlab-pad-canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.85, steps=8)
    page.mouse.up()
    expect(page.locator(".nnlab-pad-bars")).to_have_attribute("data-probs", re.compile(r"\["))
    probs = json.loads(page.locator(".nnlab-pad-bars").get_attribute("data-probs"))
    assert len(probs) == 10 and abs(sum(probs) - 1) < 1e-6
    assert record(page).js_errors == []


def test_static_lesson_08_renders_its_pictures(page, site_url):
    """The lesson added last: banner, course links, and every picture drawn at build time."""
    from nnlab.view import course

    open_static(page, f"{site_url}/lessons/08_handwriting.html")
    expect(page.locator("a.nnlab-prev").first).to_have_attribute("href", "07_gradient_check.html")
    expect(page.locator(".nnlab-course-end").first).to_contain_text("last lesson")
    expect(page.locator("h1").first).to_have_text(course.lesson("08_handwriting").title)
    page.wait_for_function(f"({DRAWN_CANVASES_JS})() >= 6", timeout=RENDER_TIMEOUT_MS)
    assert not re.search(r"\bNaN\b|\bInfinity\b", harness_text(page))


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
