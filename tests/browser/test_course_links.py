"""The way through the course on `marimo run notebooks/`: the gallery lists every lesson in
order with its number, title and description, and a reader can walk from the welcome to the
last lesson by "next" links and back by "previous" links."""

import re
import urllib.parse

from playwright.sync_api import expect

import harness
from nnlab.view import course


def test_gallery_lists_the_lessons_in_order(page, marimo_app):
    with marimo_app(harness.REPO / "notebooks") as url:
        page.goto(url)
        for item in course.LESSONS:
            expect(page.get_by_text(item.description, exact=True).first).to_be_visible(
                timeout=harness.RENDER_TIMEOUT_MS)
        text = harness.visible_text(page)
        places = [text.find(item.description) for item in course.LESSONS]
        assert places == sorted(places), "gallery cards out of course order"
        for item in course.LESSONS:
            assert item.title in text


def test_next_and_previous_walk_the_whole_course(page, marimo_app):
    with marimo_app(harness.REPO / "notebooks") as url:
        harness.open_lesson(page, f"{url}/?file={course.LESSONS[0].stem}.py")
        for item in course.LESSONS[1:]:
            page.locator("a.nnlab-next").first.click()
            expect(page).to_have_url(re.compile(re.escape(f"file={item.stem}.py")))
            harness.wait_for_lesson(page)
            expect(page.locator("h1").first).to_be_visible()
            expect(page.locator("a.nnlab-prev").first).to_have_attribute(
                "href", course.href(course.LESSONS[course.LESSONS.index(item) - 1].stem, "run"))
        assert page.locator("a.nnlab-next").count() == 0
        for item in reversed(course.LESSONS[:-1]):
            page.locator("a.nnlab-prev").first.click()
            expect(page).to_have_url(re.compile(re.escape(f"file={item.stem}.py")))
            expect(page.locator("a.nnlab-next").first).to_be_visible(timeout=harness.RENDER_TIMEOUT_MS)


# ------------------------------------------------------------------ the built site
# (``site_url``: the site scripts/build_site.py builds once per session, static pages and
# live versions, served from 127.0.0.1; every other host is blocked by the ``page`` fixture.)


def test_next_and_previous_walk_the_static_site(page, site_url):
    """From the course page to lesson 00, "next" to the last lesson, "previous" back to 00."""
    page.goto(f"{site_url}/index.html")
    page.locator(f'[id="{course.LESSONS[0].stem}"] h2 a').click()
    for index, item in enumerate(course.LESSONS):
        expect(page).to_have_url(re.compile(rf"/lessons/{item.stem}\.html$"))
        expect(page.locator("h1").first).to_have_text(item.title, timeout=harness.RENDER_TIMEOUT_MS)
        expect(page.locator(".nnlab-static-banner").first).to_be_visible()
        if index + 1 < len(course.LESSONS):
            page.locator("a.nnlab-next").first.click()
    expect(page.locator(".nnlab-course-end").first).to_contain_text("last lesson")
    assert page.locator("a.nnlab-next").count() == 0
    for item in reversed(course.LESSONS[:-1]):
        page.locator("a.nnlab-prev").first.click()
        expect(page).to_have_url(re.compile(rf"/lessons/{item.stem}\.html$"))
        expect(page.locator("h1").first).to_have_text(item.title, timeout=harness.RENDER_TIMEOUT_MS)
    assert page.locator("a.nnlab-prev").count() == 0
    rec = harness.record(page)
    assert (rec.blocked_requests, rec.failed_requests, rec.js_errors) == ([], [], [])


PYODIDE_HOSTS = ("cdn.jsdelivr.net", "wasm.marimo.app")


def test_live_site_pages_load_and_lead_on(page, site_url, site_dir):
    """The interactive versions: from the course page's link to live/00, then along the
    course's "next" links to the last lesson, each page is marimo's WASM page for its lesson.

    A live page starts Python (Pyodide) from a CDN, which this machine cannot reach (the
    ``page`` fixture blocks it too), so no kernel starts here and the lesson's own cells,
    among them its previous/next links, are never drawn. What is checked instead: each page
    and the marimo front end it loads come from the site with no failed request; it is the
    WASM front end (its mount config), for this lesson's notebook; it asks the Pyodide CDN
    for the runtime (the kernel start), and the nnlab wheel it will install is served; and
    the next link the lesson's last cell draws (nnlab.view.course, kind "live") leads to the
    next live page.
    """
    page.goto(f"{site_url}/index.html")
    page.locator(f'[id="{course.LESSONS[0].stem}"] a[href="live/{course.LESSONS[0].stem}.html"]').click()
    for index, item in enumerate(course.LESSONS):
        expect(page).to_have_url(f"{site_url}/live/{item.stem}.html")
        expect(page).to_have_title(f"{item.number} {item.stem[3:].replace('_', ' ')}")
        mount = page.wait_for_function("() => window.__MARIMO_MOUNT_CONFIG__",
                                       timeout=harness.RENDER_TIMEOUT_MS).json_value()
        assert mount["mode"] == "read"  # (marimo's run mode)
        code = urllib.parse.unquote(page.locator("marimo-code").text_content())
        assert f'course.bottom("{item.stem}")' in code  # this lesson's notebook, to run
        page.wait_for_load_state("networkidle")
        rec = harness.record(page)
        assert rec.failed_requests == [] or all(
            any(host in failed for host in PYODIDE_HOSTS) for failed in rec.failed_requests)
        assert any(host in url for url in rec.blocked_requests for host in PYODIDE_HOSTS), \
            "the page never asked for the Python runtime"
        html = (site_dir / "live" / f"{item.stem}.html").read_text(encoding="utf-8")
        for wheel in set(re.findall(r"public/wheels/(nnlab-[^\"'\\\s%]+?\.whl)", html)):
            assert page.request.get(f"{site_url}/live/public/wheels/{wheel}").ok, wheel
        if index + 1 < len(course.LESSONS):
            links = re.findall(r'href="([^"]+)"', course.bottom(item.stem, "live"))
            nxt = course.LESSONS[index + 1]
            assert links[-1] == course.href(nxt.stem, "live") == f"{nxt.stem}.html"
            rec.blocked_requests.clear()
            rec.failed_requests.clear()
            page.goto(f"{site_url}/live/{links[-1]}")
