"""Fixtures for real-browser tests of the lessons (headless Debian Chromium).

``browser`` (session) -> ``page`` (per test, offline, recording errors);
``marimo_app`` is the context manager that serves one notebook; ``site_dir`` / ``site_url``
are the course site built once per session (static pages and live versions) and its local
server.
"""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

import harness


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; a missing browser fails, never skips."""
    if not Path(harness.CHROMIUM).exists():
        pytest.fail(f"{harness.CHROMIUM} not found: install Debian's chromium "
                    "(bash scripts/test does it); browser tests cannot be skipped.", pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context: non-local requests blocked, errors recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    harness.prepare_page(page)
    yield page
    context.close()


@pytest.fixture
def marimo_app():
    """``with marimo_app(path) as url:`` serves a notebook for the block's duration."""
    return harness.marimo_app


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The repo's built site (static pages and live versions), built once per session."""
    return harness.build_site_once(tmp_path_factory, "nnlab-site")


@pytest.fixture(scope="session")
def site_url(site_dir):
    """URL of the built site, served from 127.0.0.1."""
    url, stop = harness.serve(site_dir)
    yield url
    stop()
