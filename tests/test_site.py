"""The course site (scripts/build_site.py): every lesson gets a static page that works
offline, a live version with nnlab bundled, an entry on the course page; builds repeat
byte for byte.

Building runs every lesson, so the real site is built once per session (twice, for the
repeatability check) and the tests read it. Small projects made in tmp dirs check the
script's own machinery (local-package wheel, summaries, failures) quickly.
"""

from __future__ import annotations

import ast
import filecmp
import html
import json
import re
import subprocess
import sys
import textwrap
import urllib.parse
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_site.py"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
LESSON_IDS = [lesson.stem for lesson in LESSONS]

sys.path.insert(0, str(SCRIPT.parent))
import build_site  # noqa: E402


def run_build(*args: str) -> subprocess.CompletedProcess:
    """Run the build script as the teacher does; return the finished process."""
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=3600)


def build_site_once(tmp_path_factory, name: str, *args: str) -> Path:
    """Build the repo's site into a session-wide folder `name`, once per session.

    tests/browser/test_site_offline.py uses the same folder name, so a run of both
    files builds the site once. A failed build is remembered, not retried.
    """
    base = tmp_path_factory.getbasetemp() / name
    out, failure = base / "site", base / "build-failed.txt"
    if not (out / "index.html").exists() and not failure.exists():
        base.mkdir(exist_ok=True)
        result = run_build("--out", str(out), *args)
        if result.returncode != 0:
            failure.write_text(
                f"{' '.join(['scripts/build_site.py', *args])} failed with exit code {result.returncode}\n"
                f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
            )
    if failure.exists():
        pytest.fail(failure.read_text(), pytrace=False)
    return out


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The full site (static pages and live versions) of the repo's lessons."""
    return build_site_once(tmp_path_factory, "nnlab-site")


@pytest.fixture(scope="session")
def site_again(tmp_path_factory, site) -> Path:
    """A second full build of the same sources, into another folder."""
    return build_site_once(tmp_path_factory, "nnlab-site-again")


# ----------------------------------------------------------------------- reading


def page_wheels(site: Path, stem: str, distribution: str) -> list[Path]:
    """The wheels of `distribution` that the live page live/STEM.html loads (all live
    pages share live/public/wheels/; each wheel's name carries a hash of its contents)."""
    page = urllib.parse.unquote((site / "live" / f"{stem}.html").read_text(encoding="utf-8"))
    names = sorted(set(re.findall(rf"wheels/({distribution}-[^\"'\\\s]*?\.whl)", page)))
    # the page names each wheel twice, once URL-quoted (%2B); the file is there or not
    return [site / "live" / "public" / "wheels" / name for name in names if "%" not in name]


def index_entries(index_html: str) -> list[dict]:
    """The lesson entries of the course page, in page order."""
    entries = []
    for item in re.findall(r'<li id="([^"]+)">(.*?)</li>', index_html, re.S):
        name, body = item
        title = re.search(r"<h2><a [^>]*>(.*?)</a></h2>", body, re.S)
        summary = re.search(r'<p class="summary">(.*?)</p>', body, re.S)
        entries.append({
            "name": name,
            "title": html.unescape(title.group(1)) if title else "",
            "summary": html.unescape(summary.group(1)) if summary else "",
            "links": re.findall(r'href="([^"]+)"', body),
        })
    return entries


def rendered_title(page_html: str) -> str:
    """Text of the first <h1> among the outputs marimo rendered into a static page."""
    for blob in re.findall(r'"text/(?:markdown|html)": ("(?:[^"\\]|\\.)*")', page_html):
        heading = re.search(r"<h1\b[^>]*>(.*?)</h1>", json.loads(blob), re.S)
        if heading:
            return " ".join(html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).split())
    return ""


def nnlab_files_imported(notebook: Path) -> set[str]:
    """Files of the nnlab modules a notebook imports directly (and their packages)."""
    files = set()
    for node in ast.walk(ast.parse(notebook.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] != "nnlab":
                continue
            for depth in range(1, len(parts) + 1):
                base = ROOT.joinpath(*parts[:depth])
                for candidate in (base / "__init__.py", base.with_suffix(".py")):
                    if candidate.is_file():
                        files.add(candidate.relative_to(ROOT).as_posix())
    return files


def external_assets(page_html: str) -> list[str]:
    """Scripts, styles, icons and fonts a page would fetch from another host."""
    return re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']((?:https?:)?//[^\"']+)", page_html)


# --------------------------------------------------------------- the real site


@pytest.mark.slow
def test_lessons_exist():
    assert LESSONS, "no notebooks/NN_*.py lessons found"


@pytest.mark.slow
def test_index_lists_every_lesson_in_order_with_title_and_summary(site):
    entries = index_entries((site / "index.html").read_text(encoding="utf-8"))
    assert [entry["name"] for entry in entries] == LESSON_IDS
    for entry in entries:
        page = (site / "lessons" / f"{entry['name']}.html").read_text(encoding="utf-8")
        assert entry["title"], entry
        assert entry["title"] == rendered_title(page), f"{entry['name']}: index title is not the lesson's H1"
        assert entry["summary"], f"{entry['name']}: no one-line summary on the course page"
        assert entry["links"][:1] == [f"lessons/{entry['name']}.html"]
        assert f"live/{entry['name']}.html" in entry["links"]
        for link in entry["links"]:
            assert (site / link).is_file(), f"{entry['name']}: broken link {link}"


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_static_page_hides_code_and_loads_nothing_from_the_internet(site, lesson):
    page = (site / "lessons" / f"{lesson.stem}.html").read_text(encoding="utf-8")
    assert '<marimo-code hidden=""></marimo-code>' in page, "the lesson's code is in the page"
    assert external_assets(page) == []
    assert "cdn.jsdelivr.net" not in page
    referenced = set(re.findall(r"[\"']\.\./_marimo/([^\"'?#]+)", page))
    assert any(name.endswith(".js") for name in referenced), "page does not load marimo's front end"
    missing = sorted(name for name in referenced if not (site / "_marimo" / name).is_file())
    assert missing == []


# A name from the code each lesson shows (static pages hide cell code, not outputs).
CODE_SHOWN = {"01": "evaluate", "02": "delta_out", "03": "def advance",
              "04": "overshot_at", "05": "forward_trace", "06": "sigmoid_slope",
              "07": "backprop", "08": "dropout_masks"}


@pytest.mark.slow
@pytest.mark.parametrize("number", sorted(CODE_SHOWN))
def test_static_page_shows_the_lessons_code(site, number):
    lesson = next(p for p in LESSONS if p.stem.startswith(number))
    page = (site / "lessons" / f"{lesson.stem}.html").read_text(encoding="utf-8")
    for _ in range(4):  # outputs nest: a code block inside a layout inside the page's JSON
        page = html.unescape(page).replace('\\"', '"')
        page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
    blocks = re.findall(r'<div class="(?:language-python )?codehilite.*?</pre>', page, flags=re.S)
    assert blocks, "no highlighted code block in the static page"
    text = re.sub(r"<[^>]+>", "", "".join(blocks))
    assert "def " in text and CODE_SHOWN[number] in text


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_live_version_bundles_every_nnlab_module_the_lesson_imports(site, lesson):
    live = site / "live"
    assert (live / f"{lesson.stem}.html").is_file()
    needed = nnlab_files_imported(lesson)
    wheels = page_wheels(site, lesson.stem, "nnlab")
    if not needed:
        return  # a lesson without nnlab (the welcome page) needs no wheel
    assert len(wheels) == 1, f"expected the page to name one nnlab wheel, found {wheels}"
    assert wheels[0].is_file(), f"{wheels[0].name}, which live/{lesson.stem}.html loads, is missing"
    with zipfile.ZipFile(wheels[0]) as wheel:
        assert needed <= set(wheel.namelist())
        for name in sorted(needed):
            assert wheel.read(name) == (ROOT / name).read_bytes(), f"{name} in the wheel is stale"


@pytest.mark.slow
def test_two_builds_are_byte_identical(site, site_again):
    def files(root: Path) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    assert files(site) == files(site_again)
    different = [name for name in files(site) if not filecmp.cmp(site / name, site_again / name, shallow=False)]
    assert different == []


@pytest.mark.slow
def test_pages_hold_no_path_of_the_build_machine(site):
    for page in [site / "index.html", *sorted((site / "lessons").glob("*.html"))]:
        text = page.read_text(encoding="utf-8")
        # Only long, specific paths: a short one (the home folder, say) can turn up by
        # chance inside the base64 images of a big page.
        for path in (str(ROOT), str(site)):
            assert path not in text, f"{page.name} contains {path}"


# ------------------------------------------------- the script, on small projects

PYPROJECT = """\
[project]
name = "tinypkg"
version = "0.1.0"

[tool.marimo.runtime]
pythonpath = ["."]
"""

CHART_LESSON = '''\
import marimo

app = marimo.App()


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Drawing a *line*

    - a list is not the summary

    The chart comes from `tinypkg`, e.g. from its charts module. A second sentence.
    """)
    return


@app.cell
def _():
    import altair as alt
    import marimo as mo
    from tinypkg.charts import line_chart

    return line_chart, mo


@app.cell
def _(line_chart, mo):
    mo.vstack([mo.ui.slider(1, 5, label="slope"), mo.ui.altair_chart(line_chart())])
    return


if __name__ == "__main__":
    app.run()
'''

PLAIN_LESSON = '''\
"""Chosen summary: the docstring wins. Not this."""
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    mo.md("# Plain page\\n\\nNo chart here.")
    return


if __name__ == "__main__":
    app.run()
'''

TINYPKG = {
    "__init__.py": '"""A tiny local package."""\nfrom .core import double\n',
    "core.py": "def double(x):\n    return 2 * x\n",
    "charts.py": textwrap.dedent('''\
        import altair as alt

        from .core import double


        def line_chart():
            rows = [{"x": i, "y": double(i)} for i in range(10)]
            return alt.Chart({"values": rows}).mark_line().encode(x="x:Q", y="y:Q")
        '''),
    "unused.py": "UNUSED = True\n",
}


def make_project(root: Path, lessons: dict[str, str]) -> Path:
    """A project like this repo in miniature: pyproject, a local package, lessons."""
    (root / "notebooks").mkdir(parents=True)
    (root / "tinypkg").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    for name, text in TINYPKG.items():
        (root / "tinypkg" / name).write_text(text)
    for name, text in lessons.items():
        (root / "notebooks" / name).write_text(text)
    return root


def run_build_of(project: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    """Build a small project's site."""
    return run_build("--project", str(project), "--out", str(out), *args)


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    """Full site of a project with a chart lesson (local package) and a plain lesson."""
    lessons = {"01_chart.py": CHART_LESSON, "02_plain.py": PLAIN_LESSON}
    project = make_project(tmp_path_factory.mktemp("tiny"), lessons)
    out = project / "site"
    result = run_build_of(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[1/2] 01_chart: static page ..." in result.stdout
    assert "[2/2] 02_plain: live version ..." in result.stdout
    return out


def test_tiny_site_index_uses_the_title_and_summary_rules(tiny_site):
    entries = index_entries((tiny_site / "index.html").read_text(encoding="utf-8"))
    assert [(e["name"], e["title"], e["summary"]) for e in entries] == [
        ("01_chart", "Drawing a line", "The chart comes from tinypkg, e.g. from its charts module."),
        ("02_plain", "Plain page", "Chosen summary: the docstring wins."),
    ]


def test_tiny_site_wheel_holds_the_local_modules_reached_from_the_lesson(tiny_site):
    wheels = page_wheels(tiny_site, "01_chart", "tinypkg")
    assert len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    # charts.py reaches core.py through a relative import
    assert {"tinypkg/__init__.py", "tinypkg/charts.py", "tinypkg/core.py"} <= names
    assert page_wheels(tiny_site, "02_plain", "tinypkg") == []


def test_tiny_site_pages_are_offline_and_ids_normalised(tiny_site):
    page = (tiny_site / "lessons" / "01_chart.html").read_text(encoding="utf-8")
    assert external_assets(page) == []
    assert "marimo-vega" in page
    ids = re.findall(r"random-id=.{0,24}?(" + build_site.UUID_RE + ")", page)
    assert ids and set(ids) == {f"00000000-0000-0000-0000-00000000000{n}" for n in range(1, len(set(ids)) + 1)}


def test_rebuild_replaces_the_site_in_place_and_leaves_no_build_folders(tmp_path):
    project = make_project(tmp_path / "p", {"01_plain.py": PLAIN_LESSON, "02_plain.py": PLAIN_LESSON})
    out = project / "site"
    assert run_build_of(project, out, "--no-wasm").returncode == 0
    first = (out / "lessons" / "02_plain.html").read_bytes()
    result = run_build_of(project, out, "--no-wasm", "--only", "02_plain.py")
    assert result.returncode == 0, result.stderr
    assert (out / "lessons" / "02_plain.html").read_bytes() == first
    assert not (out / "lessons" / "01_plain.html").exists()  # --only: a site of just those lessons
    assert not (out / "live").exists()
    assert "live/" not in (out / "index.html").read_text(encoding="utf-8")  # --no-wasm: no live links
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_failed_lesson_names_itself_shows_marimo_error_and_keeps_old_site(tmp_path):
    broken = PLAIN_LESSON.replace('No chart here.")',
                                  'No chart here.")\n    raise ValueError("deliberate 4242")')
    project = make_project(tmp_path / "p", {"01_good.py": PLAIN_LESSON, "02_broken.py": broken})
    out = tmp_path / "p" / "site"
    out.mkdir()
    (out / build_site.MARKER_FILE).write_text("old build\n")
    (out / "old.txt").write_text("still here")
    result = run_build_of(project, out, "--no-wasm")
    assert result.returncode == 1
    assert "02_broken: static export failed" in result.stderr
    assert "deliberate 4242" in result.stderr
    assert (out / "old.txt").read_text() == "still here"
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".site")) == []


def test_live_build_refuses_a_package_only_the_local_module_imports(tmp_path):
    lesson = CHART_LESSON.replace("    import altair as alt\n", "")
    project = make_project(tmp_path / "p", {"01_chart.py": lesson})
    result = run_build_of(project, tmp_path / "site")
    assert result.returncode == 1
    assert "01_chart: live version" in result.stderr
    assert "altair (imported by tinypkg.charts)" in result.stderr
    assert not (tmp_path / "site").exists()
    # A PEP 723 block in the module puts altair into the wheel's metadata instead.
    charts = project / "tinypkg" / "charts.py"
    charts.write_text('# /// script\n# dependencies = ["altair>=5"]\n# ///\n' + charts.read_text())
    result = run_build_of(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    wheel = page_wheels(tmp_path / "site", "01_chart", "tinypkg")[0]
    metadata = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("METADATA"))
    assert "Requires-Dist: altair>=5" in zipfile.ZipFile(wheel).read(metadata).decode()


def test_lesson_without_title_fails(tmp_path):
    untitled = PLAIN_LESSON.replace("# Plain page", "Plain page")
    project = make_project(tmp_path / "p", {"01_untitled.py": untitled})
    result = run_build_of(project, tmp_path / "site", "--no-wasm")
    assert result.returncode == 1
    assert "01_untitled.py: no title" in result.stderr


def test_refuses_to_replace_a_folder_it_did_not_build(tmp_path):
    project = make_project(tmp_path / "p", {"01_plain.py": PLAIN_LESSON})
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("keep me")
    result = run_build_of(project, out, "--no-wasm")
    assert result.returncode == 1
    assert "refusing to replace" in result.stderr
    assert (out / "thesis.txt").read_text() == "keep me"


def test_unknown_only_name_fails(tmp_path):
    project = make_project(tmp_path / "p", {"01_plain.py": PLAIN_LESSON})
    result = run_build_of(project, tmp_path / "site", "--only", "09")
    assert result.returncode == 1
    assert "--only '09' matches no single lesson (lessons: 01_plain)" in result.stderr


# ---------------------------------------------------------------- unit checks

LESSON = build_site.Lesson(Path("01_x.py"), "X", "x")


def test_offline_rewrite_fails_loudly_when_the_cdn_prefix_is_not_there(tmp_path):
    prefix = build_site.marimo_cdn_prefix()
    upgraded = '<script type="module" src="https://cdn.example/marimo@9.9.9/dist/assets/index.js"></script>'
    with pytest.raises(build_site.BuildError, match=re.escape(prefix)):
        build_site.make_offline(upgraded, LESSON, prefix, "../_marimo", tmp_path)


def test_offline_rewrite_fails_on_any_other_external_script(tmp_path):
    prefix = build_site.marimo_cdn_prefix()
    (tmp_path / "_marimo" / "assets").mkdir(parents=True)
    (tmp_path / "_marimo" / "assets" / "index.js").write_text("")
    page = (f'<script type="module" src="{prefix}/assets/index.js"></script>'
            '<link rel="stylesheet" href="https://fonts.example/x.css">')
    with pytest.raises(build_site.BuildError, match="fonts.example"):
        build_site.make_offline(page, LESSON, prefix, "../_marimo", tmp_path)
    rewritten = build_site.make_offline(page.split("<link")[0], LESSON, prefix, "../_marimo", tmp_path)
    assert rewritten == '<script type="module" src="../_marimo/assets/index.js"></script>'
    with pytest.raises(build_site.BuildError, match="_marimo/assets/gone.js"):
        gone = f'<script src="{prefix}/assets/gone.js"></script>'
        build_site.make_offline(gone, LESSON, prefix, "../_marimo", tmp_path)


def test_the_cdn_prefix_matches_what_marimo_writes():
    import marimo._templates as templates  # the function the rewrite mirrors

    assert build_site.marimo_cdn_prefix() == templates.get_default_asset_url()


def test_normalise_renumbers_random_ids_consistently():
    a, b = "0f2b3c4d-1111-2222-3333-444455556666", "9e8d7c6b-aaaa-bbbb-cccc-ddddeeeeffff"
    page = f"random-id='{a}' x random-id=&#x27;{b}&#x27; y {a} /home/me/proj/nb.py"
    assert build_site.normalise(page, [("/home/me/proj", ".")]) == (
        "random-id='00000000-0000-0000-0000-000000000001' x "
        "random-id=&#x27;00000000-0000-0000-0000-000000000002&#x27; y "
        "00000000-0000-0000-0000-000000000001 ./nb.py"
    )


def test_wheel_check_fails_when_a_module_is_missing(tmp_path):
    project = make_project(tmp_path / "p", {})
    wheels = tmp_path / "live" / "public" / "wheels"
    wheels.mkdir(parents=True)
    with zipfile.ZipFile(wheels / "tinypkg-0.0.0+marimo.abc-py3-none-any.whl", "w") as wheel:
        wheel.writestr("tinypkg/__init__.py", TINYPKG["__init__.py"])
    needed = {"tinypkg": {"tinypkg/__init__.py", "tinypkg/core.py"}}
    lesson = build_site.Lesson(Path("01_x.py"), "X", "x", needed)
    with pytest.raises(build_site.BuildError, match="lacks tinypkg/core.py"):
        build_site.check_wheels(lesson, project, tmp_path / "live")
    lesson.local_files = {"tinypkg": {"tinypkg/__init__.py"}}
    build_site.check_wheels(lesson, project, tmp_path / "live")


@pytest.mark.parametrize(("markdown", "summary"), [
    ("# T\n\nFirst one. Second.", "First one."),
    ("# T\n\n## Sub\n\n> quote\n\n1. item\n\n$$x$$\n\n**Bold** start, i.e. prose! More.",
     "Bold start, i.e. prose!"),
    ("# T\n\nA [link](http://x) and `code` and $\\eta$ here", "A link and code and \\eta here"),
    ("# T\n\n/// admonition\nnot this\n///\n\nThis one.", "This one."),
])
def test_summary_is_the_first_prose_sentence_after_the_title(tmp_path, markdown, summary):
    notebook = tmp_path / "01_x.py"
    notebook.write_text(
        f"import marimo\napp = marimo.App()\n\n@app.cell\ndef _(mo):\n    mo.md(r'''{markdown}''')\n"
    )
    assert build_site.title_and_summary(notebook) == ("T", summary)


# The budget is "about 60 MB" for the whole site with live versions (it was ~255 MB
# when every live lesson carried its own copy of marimo's front end). Two copies remain: one
# for the static pages (_marimo/) and one shared by the live ones (live/assets/).
SITE_BUDGET_MB = 64


@pytest.mark.slow
def test_site_with_live_versions_fits_the_size_budget(site):
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1e6
    print(f"\nsite with live versions: {size:.1f} MB (budget {SITE_BUDGET_MB} MB)")
    assert size <= SITE_BUDGET_MB
    assert len(list((site / "live").glob("assets"))) == 1
    assert not [d for d in (site / "live").iterdir() if d.is_dir() and (d / "assets").is_dir()]


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_course_links_on_the_site_point_at_pages_that_exist(site, lesson):
    from nnlab.view import course

    for kind, folder in (("static", site / "lessons"), ("live", site / "live")):
        page = (folder / f"{lesson.stem}.html").read_text(encoding="utf-8")
        links = set(re.findall(r'href=\\\\?"([0-9]{2}_[a-z0-9_]+\.html)\\\\?"', page))
        if kind == "live":  # the live page draws its links in the browser: check the module
            item = course.lesson(lesson.stem)
            links = set(re.findall(r'href="([^"]+)"', course.top(item.stem, "live")
                                   + course.bottom(item.stem, "live"))) - {r.url for r in item.references}
        assert links, f"{kind} page of {lesson.stem} has no course links"
        for link in links:
            assert (folder / link).is_file(), f"{kind} {lesson.stem} links {link}, which is missing"


def test_summary_is_the_written_description_when_the_header_has_one(tmp_path):
    notebook = tmp_path / "01_x.py"
    notebook.write_text('# /// script\n# [tool.marimo.opengraph]\n# description = "Written by hand."\n'
                        '# ///\nimport marimo\napp = marimo.App()\n\n@app.cell\ndef _(mo):\n'
                        '    mo.md(r"""\n    # T\n\n    First $z = a_\\text{prev} W$ sentence.\n    """)\n')
    assert build_site.title_and_summary(notebook) == ("T", "Written by hand.")


def test_every_lesson_summary_on_the_site_is_its_course_description():
    from nnlab.view import course

    for item in course.LESSONS:
        _, summary = build_site.title_and_summary(ROOT / "notebooks" / f"{item.stem}.py")
        assert summary == item.description and "\\" not in summary


# ------------------------------------------------- honest static pages: the prose

# Prose that asks the reader to move a control, press a button, type, draw or follow a link
# that needs Python behind the page. A static copy (no kernel) must not say it: each lesson
# routes such text through nnlab.view.course.live_or_static, whose static variant points at
# the pre-computed results. Matched on the page's text, lower-cased, Markdown marks removed.
LIVE_ONLY_PHRASES = (
    r"\bpress (?:\w+ )?(?:play|next input)", r"\bplay (?:trains|replays)", r"\bdrag\b",
    r"\bmove (?:\w+ )?(?:one|this) control", r"\bnow move\b", r"every change retrains",
    r"retrains after every", r"pick an answer", r"use the sidebar", r"\btype \S+ into",
    r"type your own numbers", r"click on the (?:plane|picture)", r"widen the (?:range|init range)",
    r"narrow it to", r"switch the radio", r"switch to (?:3|leaky)", r"raise the learning rate",
    r"now pick", r"\bpick (?:and|or|xor|10,000|one, or)\b", r"pick tanh or sigmoid",
    r"try tanh on the left", r"lower the bias until", r"the button trains",
    r"choose the input", r"choose no hidden layer", r"python reads your drawing",
    r"a link to exactly this state", r"download (?:this|the) run", r"the links open",
    r"the page reloads", r"pin the current run", r"change one setting in the sidebar",
    r"controls you can move",
)


def readable_text(markup: str) -> str:
    """The words of a page or a notebook, lower-cased: entities and JSON escapes undone (the
    outputs sit in a static page as escaped HTML inside JSON inside attributes), embedded
    files, tags and Markdown emphasis and code marks removed, white space collapsed."""
    for _ in range(6):
        markup = html.unescape(markup).replace('\\"', '"').replace("\\n", "\n")
        markup = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), markup)
    markup = re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+", " ", markup)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return " ".join(re.sub(r"[*`_]", "", markup).split()).lower()


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_static_page_has_no_prose_that_needs_python(site, lesson):
    text = readable_text((site / "lessons" / f"{lesson.stem}.html").read_text(encoding="utf-8"))
    assert "static copy" in text  # (the banner: the text was read at all)
    found = {phrase: re.search(phrase, text).group(0) for phrase in LIVE_ONLY_PHRASES
             if re.search(phrase, text)}
    assert found == {}


def test_every_live_only_phrase_is_live_prose_of_a_lesson():
    # the list names real text: each phrase is in a lesson's source or in the nnlab module that
    # writes its text (its live variant), so the check above fails if a lesson stops routing it
    files = [*LESSONS, *sorted((ROOT / "nnlab").rglob("*.py"))]
    sources = " ".join(readable_text(p.read_text(encoding="utf-8")) for p in files)
    assert [phrase for phrase in LIVE_ONLY_PHRASES if not re.search(phrase, sources)] == []


def test_quiz_answers_are_folded_on_a_static_copy(monkeypatch):
    from nnlab.view import course, quiz

    question = quiz.Question("Where?", ("here", "there"), 1, "Because.")
    monkeypatch.setenv(course.PAGE_ENV, "static")
    folded = quiz.feedback(question, None)
    assert folded.startswith("/// details |") and "**there**" in folded and "Because." in folded
    assert "pick an answer" not in folded.lower()
    monkeypatch.delenv(course.PAGE_ENV)
    assert quiz.feedback(question, None) == quiz.WAITING


# ------------------------------------------------------------- lesson 08 on the site


@pytest.mark.slow
def test_lesson_08_is_on_the_course_page_with_its_description(site):
    from nnlab.view import course

    item = course.lesson("08_handwriting")
    entries = {e["name"]: e for e in index_entries((site / "index.html").read_text(encoding="utf-8"))}
    assert entries[item.stem]["title"] == item.title
    assert entries[item.stem]["summary"] == item.description
    assert entries[item.stem]["links"][:1] == [f"lessons/{item.stem}.html"]


@pytest.mark.slow
def test_lesson_08_static_page_holds_its_pictures_and_no_nan(site):
    page = (site / "lessons" / "08_handwriting.html").read_text(encoding="utf-8")
    text = readable_text(page)
    assert "static copy" in text and "07 checking backpropagation" in text  # banner, prev link
    assert "last lesson of the course" in text
    assert not re.search(r"\bnan\b|\binfinity\b", text)
    # pictures computed at build time: the widgets' saved states carry frames with panels and
    # the pad its trained layers (the browser test draws them and draws on the pad)
    assert text.count("panels") >= 4 and "fan_out" in page
