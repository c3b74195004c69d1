"""The layers of the house (docs/ARCHITECTURE.md): each package imports only the layers
below it, no two files import each other round a circle, no file is over 500 lines, and
the wheel ships every package."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "xueji_cli"
MAX_LINES = 500

# layer -> the layers it may import besides itself (PRODUCT.md, Architecture)
LAYERS = {
    "values": set(),
    "rules": {"values"},
    "store": {"values"},
    "excel": {"values"},
    "ledger": {"values", "rules", "store"},
    "records": {"values", "rules", "store", "ledger", "excel"},
    "reports": {"values", "rules", "store", "ledger", "excel", "records"},
    "cli": {"values", "rules", "store", "ledger", "excel", "records", "reports"},
}
# Not layers: the version (xueji_cli/__init__), `python -m xueji_cli`, and data files.
OUTSIDE = {"xueji_cli", "xueji_cli.__main__", "xueji_cli.data"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The modules of xueji_cli that `name` imports anywhere in its file (inside functions
    too: a lazy import is still a dependency)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_lives_in_a_layer():
    stray = [name for name in MODULES if layer(name) is None
             and not any(name == o or name.startswith(o + ".") for o in OUTSIDE)]
    assert stray == [], f"modules outside the layers of docs/ARCHITECTURE.md: {stray}"
    assert not (PACKAGE / "core").exists()


def test_imports_go_only_downward():
    wrong = []
    for name, targets in GRAPH.items():
        mine = layer(name)
        for target in sorted(targets):
            theirs = layer(target)
            if mine and theirs and theirs != mine and theirs not in LAYERS[mine]:
                wrong.append(f"{name} imports {target}")
            if mine and mine != "cli" and target.startswith("xueji_cli.data"):
                wrong.append(f"{name} imports {target} (read data files with importlib.resources)")
    assert wrong == [], "imports against the layers:\n" + "\n".join(wrong)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    out.append(sorted(group))
    return out


def test_no_circles_between_files():
    assert circles(GRAPH) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_file_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := p.read_text("utf-8").count("\n")) > MAX_LINES}
    assert long == {}


def test_comments_give_reasons_not_history():
    """A comment says why, in RULES.md ids; which issue or session made it belongs in git."""
    import re

    history = re.compile(r"\b(issue|session)\s*\d+", re.IGNORECASE)
    found = [f"{p.relative_to(ROOT)}:{i}" for p in PACKAGE.rglob("*.py")
             for i, line in enumerate(p.read_text("utf-8").splitlines(), start=1)
             if history.search(line)]
    assert found == []


@pytest.mark.slow
def test_the_wheel_ships_every_package_and_runs(tmp_path):
    """A package missed by the build would ship a broken wheel: build it, install it into
    a fresh virtual environment (its dependencies from this one), run `xueji --version`."""
    source = tmp_path / "source"  # a copy: building leaves build/ and *.egg-info behind
    for name in ("xueji_cli", "migrations"):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(source)], check=True)
    [wheel] = tmp_path.glob("xueji-*.whl")
    shipped = {name.rpartition("/")[0] for name in zipfile.ZipFile(wheel).namelist()
               if name.endswith("/__init__.py") or name.endswith(".py")}
    wanted = {str(p.parent.relative_to(ROOT)) for p in PACKAGE.rglob("__init__.py")}
    assert wanted <= shipped, f"packages missing from the wheel: {sorted(wanted - shipped)}"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The test environment's packages are visible (system site packages of a venv made from
    # it are not, so they are added by path); the project itself comes from the wheel only.
    site = [p for p in sys.path if p.endswith("site-packages")]
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True)
    env = {"PATH": f"{venv / 'bin'}", "PYTHONPATH": ":".join(site), "HOME": str(tmp_path),
           "PYTHONNOUSERSITE": "1"}
    result = subprocess.run([str(venv / "bin" / "xueji"), "--version"], capture_output=True,
                            text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("xueji ")
    migrations = subprocess.run(
        [str(python), "-c", "import importlib.resources as r, xueji_cli.migrations as m;"
         "print(m.__file__); print(sorted(p.name for p in r.files('xueji_cli.migrations')"
         ".joinpath('versions').iterdir() if p.name.endswith('.py')))"],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert str(venv) in migrations.stdout, migrations.stdout + migrations.stderr
    assert "0001" in migrations.stdout


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_loads_no_command_module_and_no_database_layer(argv):
    """The command table names every command without importing it: `xueji --help` starts
    about as fast as `import typer` (bench/startup.py)."""
    code = ("import sys\n"
            f"sys.argv = ['xueji', *{argv!r}]\n"
            "from xueji_cli.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('xueji_cli', 'sqlalchemy', "
            "'sqlmodel', 'openpyxl', 'rich'))), file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT)
    loaded = ast.literal_eval(result.stderr.strip().splitlines()[-1])
    assert set(loaded) <= {"xueji_cli", "xueji_cli.cli", "xueji_cli.cli.app",
                           "xueji_cli.cli.startup", "xueji_cli.cli.usage"}, loaded
