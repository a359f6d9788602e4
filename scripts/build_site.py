#!/usr/bin/env python3
"""Build the course web site from the marimo lessons in notebooks/.

    python scripts/build_site.py [--out site] [--no-wasm] [--only NAME ...]

Every lesson is a file `notebooks/NN_name.py` (two digits, an underscore, a name);
lessons are listed in file-name order. The site gets:

    index.html             the course page: each lesson's title and one-line summary,
                           with links to its static page and its interactive version
    lessons/NN_name.html   static page: the lesson's outputs, code hidden; works with
                           no internet (marimo's front end is served from _marimo/);
                           controls that need Python are frozen (see FREEZE_CONTROLS)
    _marimo/               marimo's front end, copied once from the installed marimo
    live/NN_name.html      interactive version (marimo html-wasm, run mode): runs the
                           lesson in the browser with Pyodide, which it loads from a CDN
                           when the page is opened; all lessons share live/assets/ (one
                           copy of marimo's front end) and live/public/wheels/, where each
                           lesson's bundle of the local nnlab package has its own name

Serve the folder over http (`python -m http.server -d site`): browsers refuse to load
the front end's JavaScript modules from file:// pages (the pages say so when opened
from disk).

Checks that stop the build with a message naming the lesson:
    - a lesson cell raises during export (marimo's last output lines are shown);
    - an export does not use the CDN prefix this script rewrites (marimo changed);
    - a static page would still load a script or style from another host;
    - the live version's wheel lacks an nnlab module the lesson reaches by imports;
    - nnlab imports a third-party package (altair) that neither the notebook imports
      nor nnlab declares in a PEP 723 block: the browser would not install it.

Options: --out DIR (default site/), --no-wasm (static pages only: faster, and needs
no network), --only NAME... (a site of just these lessons, by stem, file or number),
--project DIR (another project laid out like this one; used by the tests).

Title and summary of a lesson (shown on the course page):
    title    the first Markdown level-1 heading (`# ...`) in a `mo.md(...)` cell, in
             source order. A lesson without one fails the build.
    summary  the `description = "..."` line of the notebook's PEP 723 header (the
             `[tool.marimo.opengraph]` table marimo's gallery reads) if it has one;
             else the module docstring's first sentence if the notebook has a docstring
             (a way to choose the summary explicitly); otherwise the first sentence of
             the first prose paragraph after that heading (headings, lists, quotes,
             tables, code, maths blocks and HTML are skipped). Inline Markdown is
             reduced to plain text.

The build is repeatable: two builds from the same sources give byte-identical pages
(marimo's random UI-element ids and absolute paths of the build machine are
normalised). It is built in a temporary folder next to --out and moved into place only
when every lesson succeeded, so a failed build never leaves half a site.

Standard library only; marimo runs as a subprocess (`python -m marimo`) with the same
Python as this script.
"""

from __future__ import annotations

import argparse
import ast
import html
import urllib.parse
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
import tomllib
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LESSON_PATTERN = re.compile(r"^[0-9][0-9]_.*\.py$")
FRONTEND_DIR = "_marimo"  # shared copy of marimo's front end inside the site
MARKER_FILE = ".built-by-build_site"  # lets a rebuild replace a folder it made itself
STDERR_TAIL_LINES = 30
# Files in marimo/_static that the browser never loads: the server's page template
# (it has {{ placeholders }}) and a prompt file for marimo's AI assistant.
FRONTEND_SKIP = {"index.html", "CLAUDE.md"}


class BuildError(Exception):
    """A build step failed; the message says which lesson and why."""


@dataclass
class Lesson:
    """One notebook of the course, with what the build needs to know about it."""

    path: Path
    title: str
    summary: str
    # Relative paths (posix) of the local package files the lesson needs at run
    # time, e.g. {"nnlab/__init__.py", "nnlab/view/plots.py", ...}, grouped by package.
    local_files: dict[str, set[str]] = field(default_factory=dict)
    # Third-party packages that the local modules import but the notebook does not.
    undeclared_packages: dict[str, set[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


# --------------------------------------------------------------------------- lessons


def find_lessons(notebooks: Path, only: list[str] | None) -> list[Path]:
    """Return the lesson notebooks in order, optionally only the ones named.

    A name in --only may be the stem (`01_one_neuron`), the file name, a path, or just
    the number (`01`).
    """
    lessons = sorted(p for p in notebooks.glob("*.py") if LESSON_PATTERN.match(p.name))
    if not lessons:
        raise BuildError(f"no lessons found: no file matching NN_*.py in {notebooks}")
    if not only:
        return lessons
    chosen = []
    for wanted in only:
        stem = Path(wanted).name.removesuffix(".py")
        matches = [p for p in lessons if p.stem == stem or p.stem[:2] == stem]
        if len(matches) != 1:
            names = ", ".join(p.stem for p in lessons)
            raise BuildError(f"--only {wanted!r} matches no single lesson (lessons: {names})")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return sorted(chosen)


def markdown_texts(tree: ast.Module) -> list[str]:
    """Return the string literals passed to `mo.md(...)`, in source order, dedented."""
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "md"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    return [textwrap.dedent(call.args[0].value) for call in calls]


def plain_text(markdown: str) -> str:
    """Reduce inline Markdown (links, emphasis, code, inline maths) to plain text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # [text](url) -> text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML tags
    text = re.sub(r"(\*\*|__|\*|`|\$)", "", text)
    text = re.sub(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)", r"\1", text)  # _emphasis_
    return " ".join(text.split())


def first_sentence(text: str) -> str:
    """Return the first sentence: up to the first . ! or ? followed by a space or end.

    Common abbreviations (e.g., i.e., etc., vs.) do not end a sentence.
    """
    for match in re.finditer(r"[.!?](?=\s|$)", text):
        before = text[: match.end()]
        if re.search(r"(\be\.g|\bi\.e|\betc|\bvs|\bcf)\.$", before, re.IGNORECASE):
            continue
        return before.strip()
    return text.strip()


# Paragraph starts that are not running text: headings, list items, quotes, tables,
# code fences, HTML, display maths, marimo admonitions (/// details) and images.
NON_PROSE = re.compile(r"(#|[-*+]\s|\d+[.)]\s|>|\||```|~~~|<|\$\$|\\\[|///|!\[)")


def is_prose(paragraph: str) -> bool:
    """True if a Markdown paragraph is running text, not a heading, list, table, etc."""
    first = paragraph.strip()
    return bool(first) and not NON_PROSE.match(first)


def title_and_summary(path: Path) -> tuple[str, str]:
    """Read a lesson's title and one-line summary (rule in the module docstring)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    title = ""
    paragraphs_after_title: list[str] = []
    for text in markdown_texts(tree):
        lines = text.splitlines()
        if not title:
            for index, line in enumerate(lines):
                heading = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
                if heading:
                    title = plain_text(heading.group(1))
                    lines = lines[index + 1 :]
                    break
            else:
                continue
        paragraphs_after_title += re.split(r"\n\s*\n", "\n".join(lines))
    if not title:
        raise BuildError(
            f"{path.name}: no title: the lesson needs a Markdown heading `# Title` in a "
            "mo.md(...) cell"
        )
    # nnlab's lessons carry a written one-line description (from nnlab/view/course.py,
    # repeated in the header for marimo's gallery): a first sentence of prose is no summary
    # and may hold LaTeX
    header = re.search(r'^# description = "(.*)"$', path.read_text(encoding="utf-8"), re.M)
    if header and header.group(1).strip():
        return title, header.group(1).strip()
    docstring = ast.get_docstring(tree)
    if docstring and docstring.strip():
        return title, first_sentence(plain_text(docstring))
    for paragraph in paragraphs_after_title:
        if is_prose(paragraph):
            return title, first_sentence(plain_text(paragraph))
    return title, ""


# ------------------------------------------------------------- local imports (wheel)


def imported_names(tree: ast.Module, package: str | None) -> set[str]:
    """Absolute names of every module an AST imports (anywhere, also inside functions).

    `import a.b` gives a and a.b; `from a.b import c` gives a, a.b and a.b.c (c may
    be a name rather than a module: callers keep only names that are modules).
    Relative imports are resolved against `package`.
    """
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            members: list[str] = []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                if not package:
                    continue
                parts = package.split(".")
                if node.level > 1:
                    parts = parts[: -(node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            bases = [base]
            members = [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
        else:
            continue
        for name in bases + members:
            parts = name.split(".")
            names.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    names.discard("")
    return names


def local_module_file(project: Path, module: str) -> Path | None:
    """The source file of a module of a package in the project root, if it is one."""
    parts = module.split(".")
    if not (project / parts[0] / "__init__.py").is_file():
        return None  # only packages at the project root (pythonpath ".") are local
    base = project.joinpath(*parts)
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


PEP723_BLOCK = re.compile(r"(?m)^# /// script$\s(?P<content>(^#(| .*)$\s)+)^# ///$")


def declared_dependencies(source: str) -> set[str]:
    """Names of the packages listed in a file's PEP 723 `# /// script` block.

    marimo copies them into the bundled wheel's metadata (Requires-Dist), so the
    browser installs them together with the wheel.
    """
    match = PEP723_BLOCK.search(source)
    if not match:
        return set()
    content = "".join(line[2:] if line.startswith("# ") else line[1:]
                      for line in match.group("content").splitlines(keepends=True))
    requirements = tomllib.loads(content).get("dependencies", [])
    names = (re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", str(r)) for r in requirements)
    return {canonical(name.group(1)) for name in names if name}


def canonical(name: str) -> str:
    """Normalised package name (PEP 503): `Foo_Bar` -> `foo-bar`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def analyse_imports(project: Path, notebook: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Follow a notebook's imports through the project's local packages.

    Returns (local files per package, third-party packages that local modules import
    but that neither the notebook imports nor a local module declares in a PEP 723
    block, mapped to the local modules that import them).
    """
    notebook_tree = ast.parse(notebook.read_text(encoding="utf-8"))
    notebook_names = imported_names(notebook_tree, None)
    notebook_top = {name.split(".")[0] for name in notebook_names}
    stdlib = set(sys.stdlib_module_names) | {"__future__", "marimo"}

    pending = sorted(notebook_names)
    seen: set[str] = set()
    files: dict[str, set[str]] = {}
    undeclared: dict[str, set[str]] = {}
    declared: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        source = local_module_file(project, module)
        if source is None:
            continue
        top = module.split(".")[0]
        files.setdefault(top, set()).add(source.relative_to(project).as_posix())
        package = module if source.name == "__init__.py" else module.rpartition(".")[0]
        text = source.read_text(encoding="utf-8")
        declared |= declared_dependencies(text)
        names = imported_names(ast.parse(text), package)
        for name in names:
            name_top = name.split(".")[0]
            if local_module_file(project, name_top) is not None:
                pending.append(name)
            elif name_top not in stdlib and name_top not in notebook_top:
                undeclared.setdefault(name_top, set()).add(module)
    undeclared = {name: users for name, users in undeclared.items() if canonical(name) not in declared}
    return files, undeclared


def check_wheels(lesson: Lesson, project: Path, live_dir: Path, page: Path | None = None) -> None:
    """Check that the live export bundles every local module the lesson needs.

    marimo builds one wheel per local package from its own import analysis; a module
    it missed would only show up as an ImportError in the reader's browser. With
    ``page``, several lessons share ``live_dir`` (each wheel's name carries a hash of its
    contents) and the wheel checked is the one that page loads.
    """
    for package, needed in sorted(lesson.local_files.items()):
        distribution = re.sub(r"[-_.]+", "_", package).lower()
        wheels = sorted((live_dir / "public" / "wheels").glob(f"{distribution}-*.whl"))
        if page is not None:
            named = set(re.findall(rf"wheels/({re.escape(distribution)}-[^\"'\\\s]*?\.whl)",
                                   urllib.parse.unquote(page.read_text(encoding="utf-8"))))
            wheels = [w for w in wheels if w.name in named]
        if len(wheels) != 1:
            raise BuildError(
                f"{lesson.name}: live version: expected one {package} wheel in "
                f"{live_dir.name}/public/wheels/, found {len(wheels)}. Is "
                '`[tool.marimo.runtime] pythonpath = ["."]` set in pyproject.toml?'
            )
        with zipfile.ZipFile(wheels[0]) as wheel:
            contents = set(wheel.namelist())
            missing = sorted(needed - contents)
            if missing:
                raise BuildError(
                    f"{lesson.name}: live version: the {package} wheel {wheels[0].name} "
                    f"lacks {', '.join(missing)}, which the lesson imports (marimo only "
                    "bundles modules reached by plain `import` statements)"
                )
            stale = [name for name in sorted(needed) if wheel.read(name) != (project / name).read_bytes()]
            if stale:
                raise BuildError(
                    f"{lesson.name}: live version: stale copies in the wheel: {', '.join(stale)}"
                )


# -------------------------------------------------------------------------- marimo


def marimo_static_dir() -> Path:
    """The front-end files shipped inside the installed marimo package."""
    spec = importlib.util.find_spec("marimo")
    if spec is None or spec.origin is None:
        raise BuildError(f"marimo is not installed for {sys.executable}")
    static = Path(spec.origin).parent / "_static"
    if not (static / "assets").is_dir():
        raise BuildError(f"marimo's bundled front end not found at {static}")
    return static


def marimo_cdn_prefix() -> str:
    """The CDN prefix the installed marimo writes into exported HTML.

    Mirrors marimo's `get_default_asset_url()`; the build checks that every export
    really contains it, so a marimo upgrade that changes it stops the build.
    """
    version = importlib.metadata.version("marimo").replace(".dev", "-dev")
    return f"https://cdn.jsdelivr.net/npm/@marimo-team/frontend@{version}/dist"


def run_marimo(args: list[str], lesson: Lesson, step: str, project: Path,
               page: str | None = None) -> float:
    """Run `python -m marimo ARGS` for one lesson; return seconds taken.

    Runs from the project root: marimo resolves `pythonpath = ["."]` against the
    working directory. PYTHONHASHSEED is fixed so that anything a lesson prints from
    a set comes out in the same order on every build.
    """
    env = dict(os.environ, PYTHONHASHSEED="0", MARIMO_SKIP_UPDATE_CHECK="1", PATH=tool_path())
    if page is not None:
        # nnlab.view.course draws lesson-to-lesson links for this kind of page
        env["NNLAB_PAGE"] = page
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "marimo", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        output = (result.stderr.strip() or result.stdout.strip()).splitlines()
        tail = "\n".join("    " + line for line in output[-STDERR_TAIL_LINES:])
        raise BuildError(
            f"{lesson.name}: {step} failed (marimo exit code {result.returncode}).\n"
            f"  command: marimo {' '.join(args)}\n  marimo's output (last lines):\n{tail}"
        )
    return time.perf_counter() - start


# -------------------------------------------------------------------- static pages


def make_offline(page: str, lesson: Lesson, prefix: str, frontend_url: str, site: Path) -> str:
    """Point the page's front-end URLs at the site's own copy of marimo's front end.

    Fails if the page does not use the expected CDN prefix (a different marimo
    version would otherwise give a page that is blank offline), if any script or
    style still comes from another host, or if a referenced file is not in the copy.
    """
    if prefix not in page:
        raise BuildError(
            f"{lesson.name}: the exported page does not reference marimo's front end at "
            f"{prefix}/ ; this marimo version exports differently, so the offline "
            "rewrite in scripts/build_site.py must be updated (see marimo_cdn_prefix)"
        )
    page = page.replace(prefix + "/", frontend_url + "/")
    external = re.findall(
        r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']((?:https?:)?//[^\"']+)", page
    )
    if external:
        raise BuildError(f"{lesson.name}: the page still loads from the internet: {', '.join(external)}")
    for reference in sorted(set(re.findall(rf"[\"']{re.escape(frontend_url)}/([^\"'?#]+)", page))):
        if not (site / FRONTEND_DIR / reference).is_file():
            raise BuildError(
                f"{lesson.name}: the page needs {FRONTEND_DIR}/{reference}, not in marimo's bundle"
            )
    return page


FILE_NOTICE = """<script>
  // Added by scripts/build_site.py: browsers refuse to run the page's scripts from file://.
  if (location.protocol === "file:") {
    document.body.insertAdjacentHTML("afterbegin",
      '<p style="margin:1rem;padding:1rem;border:2px solid #b45309;background:#fffbeb;' +
      'font:16px/1.5 system-ui,sans-serif">This site must be opened through a web server. ' +
      'In a terminal run <code>python -m http.server -d site</code>, then open ' +
      '<a href="http://localhost:8000/">http://localhost:8000/</a>.</p>');
  }
</script>
"""


# A static page has no Python behind it, so most of its controls would move without changing
# anything. The build freezes them, once for every lesson: a script injected into the page
# finds every marimo control (also inside the shadow roots marimo draws them in) and greys it
# out: dimmed, a not-allowed cursor, a tooltip saying why, its parts inert (no clicks, no
# keyboard focus) and its form fields disabled. It keeps watching, since marimo draws outputs
# (and the contents of a newly opened tab) after the page has loaded.
#
# Controls whose effect is drawn by the page itself stay usable: tabs, tables, charts and
# anywidgets (nnlab's live views switch between pre-computed frames and draw their own hover
# read-outs; the digit pad computes its probabilities in the page). A widget marks its own
# parts that need Python with the attribute data-needs-kernel (the player's Play/Step/Reset,
# the drawing toolbar of lesson 05), and those are frozen the same way. mo.ui.array and
# mo.ui.dictionary are containers: each control inside them is judged on its own, as are the
# controls inside any control that holds a usable one.
#
# marimo 0.25 draws a control as <marimo-ui-element><marimo-slider> with an open shadow root
# holding the parts; both elements are display: contents (no box to dim), so the script dims
# the first descendants that do have a box.
WORKS_WITHOUT_KERNEL = ("marimo-tabs", "marimo-table", "marimo-anywidget", "marimo-vega",
                        "marimo-plotly")
CONTAINERS = ("marimo-array", "marimo-dict")
FROZEN_TITLE = "Static copy: this control needs the interactive version of the lesson"
FREEZE_CONTROLS = """<script id="nnlab-freeze">
// Added by scripts/build_site.py: freeze the controls that need Python (see build_site.py).
(() => {
  const KEEP = new Set(%(keep)s), CONTAINERS = new Set(%(containers)s);
  const TITLE = %(title)s;
  const FIELDS = 'input, select, textarea, button';
  const watched = new WeakSet();
  let queued = false;
  const later = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; scan(); }); } };
  // every open shadow root in the page, watched for changes as it is found
  function roots() {
    const found = [document];
    for (let i = 0; i < found.length; i++)
      for (const el of found[i].querySelectorAll('*')) if (el.shadowRoot) found.push(el.shadowRoot);
    for (const root of found) if (!watched.has(root)) {
      watched.add(root);
      new MutationObserver(later).observe(root, {childList: true, subtree: true});
    }
    return found;
  }
  const up = (n) => n.parentNode || n.host || null;
  const frozenAbove = (el) => { for (let n = up(el); n; n = up(n)) if (n.hasAttribute && n.hasAttribute('data-nnlab-frozen')) return true; return false; };
  const tag = (el) => (el.firstElementChild ? el.firstElementChild.localName : '');
  const holdsUsable = (el) => { const todo = [el]; while (todo.length) { const n = todo.pop();
      for (const c of n.querySelectorAll('marimo-ui-element')) if (KEEP.has(tag(c))) return true;
      for (const c of n.querySelectorAll('*')) if (c.shadowRoot) todo.push(c.shadowRoot); } return false; };
  // the first descendants (through shadow roots and display: contents) that have a box
  function boxes(el) {
    const out = [];
    for (const c of (el.shadowRoot || el).children) {
      if (/^(style|link|script|template)$/.test(c.localName)) continue;
      if (getComputedStyle(c).display === 'contents') out.push(...boxes(c)); else out.push(c);
    }
    return out;
  }
  function freeze(el, dim) {
    el.setAttribute('data-nnlab-frozen', '');
    const own = el.hasAttribute('data-needs-kernel') && getComputedStyle(el).display !== 'contents';
    for (const box of own ? [el] : boxes(el)) {
      if (dim) {
        box.style.setProperty('opacity', '0.45', 'important');
        box.style.setProperty('filter', 'grayscale(1)', 'important');
        box.style.setProperty('cursor', 'not-allowed', 'important');
        box.title = TITLE;
      }
      box.setAttribute('aria-disabled', 'true');
      // the box itself stays under the pointer (its not-allowed cursor shows); its parts go
      // inert. A box that is itself a form field (a lone button) is disabled instead: a
      // disabled field takes no clicks and no focus, and still shows its cursor.
      if (box.matches(FIELDS)) {
        box.disabled = true;
        if (dim) box.style.setProperty('pointer-events', 'auto', 'important');
      } else if (box.matches('[role], [tabindex], [contenteditable]')) box.inert = true;
      else for (const part of box.children) part.inert = true;
      for (const field of box.querySelectorAll(FIELDS)) field.disabled = true;
    }
  }
  function scan() {
    for (const root of roots()) {
      for (const el of root.querySelectorAll('marimo-ui-element, [data-needs-kernel]')) {
        const live = el.localName !== 'marimo-ui-element' ||
          !(KEEP.has(tag(el)) || CONTAINERS.has(tag(el)) || holdsUsable(el));
        if (live) freeze(el, !frozenAbove(el));
      }
    }
  }
  // (the page says it is frozen: a widget's JavaScript can ask)
  const start = () => { document.documentElement.setAttribute('data-nnlab-controls-frozen', ''); scan(); };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
</script>
""" % {"keep": json.dumps([tag for tag in WORKS_WITHOUT_KERNEL]),
       "containers": json.dumps(list(CONTAINERS)), "title": json.dumps(FROZEN_TITLE)}


def freeze_controls(page: str) -> str:
    """Freeze the controls of a static page that need Python (see FREEZE_CONTROLS)."""
    head, found, tail = page.partition("</head>")
    if not found:
        raise BuildError("exported page has no </head>; marimo's export format changed")
    return head + FREEZE_CONTROLS + found + tail


def add_file_notice(page: str) -> str:
    """Show a hint instead of a blank page when the page is opened from disk (file://)."""
    head, found, tail = page.rpartition("</body>")
    if not found:
        raise BuildError("exported page has no </body>; marimo's export format changed")
    return head + FILE_NOTICE + found + tail


UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def normalise(page: str, machine_paths: list[tuple[str, str]]) -> str:
    """Remove what differs between two builds of the same lesson.

    - marimo gives every UI element a fresh random `random-id` (a UUID), and every widget
      a random model id, on each run; they are renumbered in order of appearance (the
      same element keeps one id).
    - absolute paths of the build machine (project folder, build folder, Python
      installation) are replaced by neutral names.
    """
    random_ids: dict[str, str] = {}
    for found in re.finditer(rf"random-id=.{{0,24}}?({UUID_RE})", page):
        random_ids.setdefault(found.group(1), str(uuid.UUID(int=len(random_ids) + 1)))
    # Widgets (the live views) get a random 32-hex model id per run, like a UUID's hex.
    for found in re.finditer(r'model_id"?\s*[:=]\s*\\?"([0-9a-f]{32})', page):
        random_ids.setdefault(found.group(1), uuid.UUID(int=len(random_ids) + 1).hex)
    for old, new in random_ids.items():
        page = page.replace(old, new)
    for path, replacement in machine_paths:
        page = page.replace(path, replacement)
    return page


def machine_paths(project: Path, staging: Path) -> list[tuple[str, str]]:
    """Absolute paths that must not appear in pages, longest first, with replacements.

    Only specific folders (project, build folder, the Python library folders), never
    short ones like /usr that could be part of a lesson's own text.
    """
    pairs = {str(staging): "site", str(project): "."}
    python_paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        pairs.setdefault(python_paths[key], f"<{key}>")
    return sorted(pairs.items(), key=lambda pair: len(pair[0]), reverse=True)


def copy_frontend(site: Path) -> None:
    """Copy marimo's front end into the site once, shared by every static page."""
    shutil.copytree(
        marimo_static_dir(),
        site / FRONTEND_DIR,
        ignore=lambda folder, names: [n for n in names if n in FRONTEND_SKIP or n == "__pycache__"],
    )


def build_static_page(lesson: Lesson, site: Path, project: Path, with_live: bool = False) -> float:
    """Export the lesson's static page (outputs only) and make it work offline."""
    target = site / "lessons" / f"{lesson.name}.html"
    seconds = run_marimo(
        ["export", "html", str(lesson.path), "-o", str(target), "--no-include-code", "--force"],
        lesson,
        "static export",
        project,
        # "static+live": the page's banner links the interactive version built next to it
        page="static+live" if with_live else "static",
    )
    page = target.read_text(encoding="utf-8")
    page = make_offline(page, lesson, marimo_cdn_prefix(), f"../{FRONTEND_DIR}", site)
    page = normalise(page, machine_paths(project, site))
    page = add_file_notice(page)
    page = freeze_controls(page)
    target.write_text(page, encoding="utf-8", newline="")
    return seconds


def check_live_imports(lesson: Lesson) -> None:
    """Fail if the live version could not install a package the lesson needs.

    In the browser, marimo installs the packages imported by the notebook's own cells
    and the bundled local wheel, whose metadata lists only the dependencies declared in
    PEP 723 blocks of its files; a package that only nnlab imports (altair, say) would
    be missing there.
    """
    if lesson.undeclared_packages:
        details = "; ".join(
            f"{package} (imported by {', '.join(sorted(modules))})"
            for package, modules in sorted(lesson.undeclared_packages.items())
        )
        raise BuildError(
            f"{lesson.name}: live version: the lesson's local modules import {details}, "
            "which the notebook itself does not import. In the browser marimo installs "
            "only the packages that the notebook's own cells import (and those declared as "
            "below), so the live lesson would fail with ModuleNotFoundError. Import them "
            "in a cell of the notebook (e.g. `import altair as alt`), or declare them in a "
            "PEP 723 block at the top "
            "of the module that imports them (`# /// script` / `# dependencies = "
            '["altair"]` / `# ///`), or build with --no-wasm.'
        )


def tool_path() -> str:
    """PATH with this interpreter's scripts folder first: tools installed by the test extras
    (uv) sit next to the Python running the build, even when its environment is not activated."""
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def build_live_version(lesson: Lesson, site: Path, project: Path) -> float:
    """Export the interactive (WASM) version and check its bundled local package."""
    if shutil.which("uv", path=tool_path()) is None:
        raise BuildError(f"{lesson.name}: live version needs `uv` on PATH (pip install uv), or use --no-wasm")
    # Every lesson goes into the one folder live/ as NN_name.html: they share one copy of
    # marimo's front end (live/assets/, ~27 MB) instead of carrying one each.
    target = site / "live" / f"{lesson.name}.html"
    # marimo empties live/public/ on every export; the wheels of the lessons before this
    # one are set aside and put back (each has its own name, so none is overwritten).
    wheels, kept = site / "live" / "public" / "wheels", site / ".wheels-kept"
    if wheels.is_dir():
        shutil.copytree(wheels, kept, dirs_exist_ok=True)
    seconds = run_marimo(
        ["export", "html-wasm", str(lesson.path), "-o", str(target), "--mode", "run", "--force"],
        lesson,
        "live (html-wasm) export",
        project,
    )
    if not target.is_file():
        raise BuildError(f"{lesson.name}: live export wrote no {target.name}")
    check_wheels(lesson, project, target.parent, target)
    if kept.is_dir():
        shutil.copytree(kept, wheels, dirs_exist_ok=True)
        shutil.rmtree(kept)
    return seconds


# ---------------------------------------------------------------------- index page

INDEX_CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #e4e7eb; --accent: #1d4ed8; --bg: #fbfbf8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 3rem 1.25rem 4rem; }
header h1 { font-size: 2rem; margin: 0 0 .25rem; letter-spacing: -0.01em; }
header p { margin: 0 0 2rem; color: var(--muted); }
ol.lessons { list-style: none; margin: 0; padding: 0; }
ol.lessons li { display: grid; grid-template-columns: 3rem 1fr; gap: .25rem 1rem;
  padding: 1.1rem 0; border-top: 1px solid var(--line); }
ol.lessons li:last-child { border-bottom: 1px solid var(--line); }
.number { font: 600 1.4rem/1.3 ui-monospace, "SF Mono", Menlo, Consolas, monospace; color: var(--muted); }
h2 { font-size: 1.2rem; margin: 0; line-height: 1.35; }
h2 a { color: inherit; text-decoration: none; }
h2 a:hover, h2 a:focus { color: var(--accent); text-decoration: underline; }
.summary { margin: .3rem 0 .5rem; color: var(--muted); }
.links { margin: 0; font-size: .95rem; }
.links a { color: var(--accent); margin-right: 1.25rem; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .9rem; }
footer p { margin: .4rem 0; }
"""


def render_index(lessons: list[Lesson], with_live: bool, marimo_version: str) -> str:
    """The course page: every lesson in order with its title, summary and links."""
    items = []
    for lesson in lessons:
        e = html.escape
        number = lesson.name[:2]
        links = [f'<a href="lessons/{e(lesson.name)}.html">Read the lesson</a>']
        if with_live:
            links.append(f'<a href="live/{e(lesson.name)}.html">Interactive version</a> (online)')
        summary = f'\n      <p class="summary">{e(lesson.summary)}</p>' if lesson.summary else ""
        items.append(
            f'    <li id="{e(lesson.name)}">\n'
            f'      <span class="number">{e(number)}</span>\n'
            f"      <div>\n"
            f'      <h2><a href="lessons/{e(lesson.name)}.html">{e(lesson.title)}</a></h2>{summary}\n'
            f'      <p class="links">{" ".join(links)}</p>\n'
            f"      </div>\n"
            f"    </li>"
        )
    live_note = (
        "\n    <p>The interactive versions run Python in your browser. They download "
        "Python (Pyodide) and its packages from the internet when opened, and take a "
        "little while to start.</p>"
        if with_live
        else ""
    )
    count = f"{len(lessons)} lesson" + ("" if len(lessons) == 1 else "s")
    return add_file_notice(f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>nnlab: neural networks from scratch</title>
  <style>{INDEX_CSS}</style>
</head>
<body>
<main>
  <header>
    <h1>nnlab: neural networks from scratch</h1>
    <p>A course in {count}, built with NumPy and marimo.</p>
  </header>
  <ol class="lessons">
{chr(10).join(items)}
  </ol>
  <footer>
    <p>The lesson pages work without an internet connection.</p>{live_note}
    <p>Built with marimo {html.escape(marimo_version)}.</p>
  </footer>
</main>
</body>
</html>
""")


# -------------------------------------------------------------------------- output


def publish(staging: Path, out: Path) -> None:
    """Move the finished site into place, replacing an earlier build of it.

    Refuses to replace a non-empty folder this script did not build (a mistyped
    --out must never delete someone's files).
    """
    if out.exists():
        if not out.is_dir() or (any(out.iterdir()) and not (out / MARKER_FILE).exists()):
            raise BuildError(f"refusing to replace {out}: it exists and was not built by this script")
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-old-"))
        out.rename(old / out.name)
        staging.rename(out)
        shutil.rmtree(old)
    else:
        staging.rename(out)


def build(project: Path, out: Path, with_live: bool, only: list[str] | None) -> list[Lesson]:
    """Build the whole site into a temporary folder, then publish it at `out`."""
    paths = find_lessons(project / "notebooks", only)
    lessons = []
    for path in paths:
        title, summary = title_and_summary(path)
        files, undeclared = analyse_imports(project, path)
        lessons.append(Lesson(path, title, summary, files, undeclared))
        if with_live:
            check_live_imports(lessons[-1])  # before any slow export
        if not summary:
            print(f"warning: {path.name}: no summary sentence found after the title", flush=True)

    out.parent.mkdir(parents=True, exist_ok=True)
    # Same parent as --out so the final rename is atomic (same file system).
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-build-"))
    try:
        copy_frontend(staging)
        total = len(lessons)
        for number, lesson in enumerate(lessons, 1):
            print(f"[{number}/{total}] {lesson.name}: static page ...", end=" ", flush=True)
            print(f"{build_static_page(lesson, staging, project, with_live):.1f} s", flush=True)
            if with_live:
                print(f"[{number}/{total}] {lesson.name}: live version ...", end=" ", flush=True)
                print(f"{build_live_version(lesson, staging, project):.1f} s", flush=True)
        if with_live:  # the shared folder at the end: every page still finds its own wheel
            for lesson in lessons:
                check_wheels(lesson, project, staging / "live", staging / "live" / f"{lesson.name}.html")
        version = importlib.metadata.version("marimo")
        (staging / "index.html").write_text(render_index(lessons, with_live, version), encoding="utf-8")
        (staging / MARKER_FILE).write_text("This folder is rebuilt by scripts/build_site.py.\n")
        staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be served
        publish(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return lessons


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Build the course web site from notebooks/NN_*.py.")
    parser.add_argument("--out", type=Path, help="output folder (default: site/ in the project)")
    parser.add_argument("--no-wasm", action="store_true", help="skip the interactive (WASM) versions")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="build a site with only these lessons")
    parser.add_argument(
        "--project",
        type=Path,
        default=PROJECT_ROOT,
        help="project folder with notebooks/ and the local package (default: this repo)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the site; print progress; return the exit code."""
    args = parse_args(argv)
    project = args.project.resolve()
    out = (args.out or project / "site").resolve()
    start = time.perf_counter()
    try:
        lessons = build(project, out, not args.no_wasm, args.only)
    except BuildError as error:
        print(flush=True)  # end a progress line cut short by the failure
        print(f"build_site: FAILED: {error}", file=sys.stderr)
        return 1
    print(f"Built {len(lessons)} lesson(s) into {out} in {time.perf_counter() - start:.1f} s", flush=True)
    print(f"View it with: python -m http.server -d {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
