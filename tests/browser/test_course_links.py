"""The way through the course on `marimo run notebooks/`: the gallery lists every lesson in
order with its number, title and description, and a reader can walk from the welcome to the
last lesson by "next" links and back by "previous" links."""

import re

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
