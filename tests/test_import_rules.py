"""The layout rules of nnlab, read from the source (every import, also inside functions).

    core (nnlab/*.py)   the maths a lesson points to, its checks, data, training and records
    fast/               speed, entered only through train(engine=...) and train_many/sweep
    view/               charts, tables, colours and the live view
    lessons/            one kit per lesson; kits never import each other

Imports go one way: lessons -> view -> core -> fast (through its two doors only).
"""

import ast
from pathlib import Path

import pytest

import nnlab
from nnlab.activations import ACTIVATIONS
from nnlab.losses import LOSSES

NNLAB = Path(__file__).resolve().parent.parent / "nnlab"
FILES = sorted(p for p in NNLAB.rglob("*.py"))


def dotted(path: Path) -> str:
    parts = path.relative_to(NNLAB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {dotted(p): p for p in FILES}
CORE = sorted(m for m, p in MODULES.items() if p.parent == NNLAB and m != "nnlab")
FAST = sorted(m for m in MODULES if m.startswith("nnlab.fast"))
VIEW = sorted(m for m in MODULES if m.startswith("nnlab.view"))
KITS = sorted(m for m, p in MODULES.items() if p.parent == NNLAB / "lessons" and p.stem != "__init__")
# Whole programs a lesson shows and runs: plain Python a learner can copy out and run anywhere.
PROGRAMS = sorted(m for m in MODULES if m.startswith("nnlab.lessons.programs."))
# The two doors into the fast kernels: training one net, and training many.
FAST_DOORS = ("nnlab.train", "nnlab.many")


def imports(module: str) -> set[str]:
    """Every module this one imports, as full dotted names ("numpy", "nnlab.network", ...)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            found.add(base)
            # `from nnlab.view import live` imports the module nnlab.view.live
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES}
    return found


def nnlab_imports(module: str) -> set[str]:
    return {name for name in imports(module) if name in MODULES and name != "nnlab"}


def test_the_layout_is_what_the_rules_expect():
    assert {"nnlab.network", "nnlab.train", "nnlab.activations", "nnlab.losses"} <= set(CORE)
    assert FAST and VIEW and KITS


NOTEBOOKS = sorted((NNLAB.parent / "notebooks").glob("[0-9][0-9]_*.py"))


def notebook_kits(notebook: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(notebook.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "nnlab.lessons":
            found |= {f"nnlab.lessons.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nnlab.lessons."):
            found.add(node.module)
    return found


@pytest.mark.parametrize("kit", KITS)
def test_each_kit_serves_exactly_one_lesson(kit):
    users = [nb.stem for nb in NOTEBOOKS if kit in notebook_kits(nb)]
    assert len(users) == 1, (kit, users)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_lesson_uses_at_most_one_kit(notebook):
    assert len(notebook_kits(notebook)) <= 1, notebook_kits(notebook)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_nothing_in_nnlab_imports_marimo(module):
    assert not {name for name in imports(module) if name.split(".")[0] == "marimo"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_view_imports_altair_or_anywidget(module):
    drawing = {name.split(".")[0] for name in imports(module)} & {"altair", "anywidget"}
    assert not drawing or module in VIEW, (module, drawing)


@pytest.mark.parametrize("module", CORE)
def test_the_core_never_imports_the_view_or_the_lessons(module):
    outside = {m for m in nnlab_imports(module) if m in VIEW or m in KITS or m == "nnlab.lessons"}
    assert not outside, (module, outside)


@pytest.mark.parametrize("module", CORE)
def test_only_training_and_the_many_nets_module_enter_the_fast_kernels(module):
    fast = {m for m in nnlab_imports(module) if m in FAST}
    assert not fast or module in FAST_DOORS, (module, fast)


@pytest.mark.parametrize("module", FAST)
def test_the_fast_kernels_import_only_the_core_below_training(module):
    used = nnlab_imports(module)
    assert not used & {"nnlab.train", "nnlab.many", "nnlab.runio"}, used
    assert not {m for m in used if m in VIEW or m in KITS}, used


@pytest.mark.parametrize("module", VIEW)
def test_the_view_never_imports_a_lesson(module):
    assert not {m for m in nnlab_imports(module) if m in KITS}


@pytest.mark.parametrize("kit", KITS)
def test_lesson_kits_never_import_each_other(kit):
    assert not {m for m in nnlab_imports(kit) if m in KITS and m != kit}


@pytest.mark.parametrize("program", PROGRAMS)
def test_a_lesson_program_imports_only_the_standard_library(program):
    import sys
    assert {name.split(".")[0] for name in imports(program)} <= set(sys.stdlib_module_names)


def test_the_top_level_package_exports_only_the_core():
    assert not {m for m in nnlab_imports("nnlab") if m in VIEW or m in KITS or m in FAST}


NAMES = set(ACTIVATIONS) | set(LOSSES)


LOOKUPS = {"get_loss", "get_activation", "ACTIVATIONS", "LOSSES", "PAIRINGS"}


def dispatching_literals(path: Path) -> set[str]:
    """Loss/activation names written as string literals, except docstrings, default argument
    values and registry look-ups: a default or ``get_loss("bce")`` names a registry entry, an
    ``if loss == "bce"`` switches on it."""
    tree = ast.parse(path.read_text())
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in LOOKUPS:
            skip |= {id(arg) for arg in node.args}
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) in LOOKUPS:
            skip.add(id(node.slice))
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body \
                and isinstance(node.body[0], ast.Expr):
            skip.add(id(node.body[0].value))
        if isinstance(node, ast.FunctionDef):
            skip |= {id(d) for d in node.args.defaults + node.args.kw_defaults if d is not None}
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # a dataclass field's default
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and id(n) not in skip} & NAMES


# The registries hold the names; the fast package's formula table maps them to kernels.
REGISTRIES = ("nnlab.activations", "nnlab.losses", "nnlab.fast.formulas")


@pytest.mark.parametrize("module", CORE + FAST)
def test_loss_and_activation_names_are_written_only_in_their_registries(module):
    """The core and the fast kernels never re-dispatch on a name like "bce" or "relu": they ask
    the registry's objects (``loss.pairs_with``, ``activation.bounds``, ...)."""
    if module in REGISTRIES:
        return
    assert not dispatching_literals(MODULES[module]), module


def test_nnlab_is_importable_without_the_view():
    """The core and training work on a machine whose nnlab.view could not be imported."""
    import subprocess
    import sys
    code = ("import sys; sys.modules['altair'] = None; sys.modules['anywidget'] = None\n"
            "import nnlab, numpy as np\n"
            "r = nnlab.train(nnlab.Network([2, 2, 1]), nnlab.Init('uniform', seed=1),"
            " np.eye(2), np.eye(2)[:, :1], epochs=3)\n"
            "assert 'nnlab.view' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(nnlab.__file__).parent.parent)
