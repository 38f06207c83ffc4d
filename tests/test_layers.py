"""The one-way rule of the apps (README, "Layers"): a test walks every module's imports,
function-level ones included, and fails on one that points up.

    workplans  ←  indicators  ←  reports          meetings → workplans
    imports → workplans, indicators               clusterplan/ (settings, urls, lib) → no app,
                                                  except clusterplan/urls.py and its commands

Each app may import the apps listed for it (and itself, and ``clusterplan.lib``); anything else
is an import that points up.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each app may use (besides itself and the plain helpers of ``clusterplan.lib``).
ALLOWED = {
    "workplans": set(),
    "indicators": {"workplans"},
    "meetings": {"workplans"},
    "imports": {"workplans", "indicators"},
    "reports": {"workplans", "indicators", "meetings"},
    "notifications": {"workplans", "indicators", "meetings", "reports", "imports"},
    "jobs": {"workplans", "indicators", "meetings", "reports", "imports"},
    "api": {"workplans", "indicators", "meetings", "reports", "imports", "notifications", "jobs"},
    "clusterplan": set(),
}
APPS = set(ALLOWED)
# clusterplan/ may name apps only where Django wires them together.
WIRING = ("clusterplan/urls.py", "clusterplan/management/", "clusterplan/settings.py")


def _imports(path):
    """Every absolute module a file imports, with its line, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno


def _modules():
    for app in sorted(APPS):
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            yield app, path


def violations():
    found = []
    for app, path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue  # migrations name the models they depend on, whatever the layer
        if app == "clusterplan" and relative.startswith(WIRING):
            continue
        for module, line in _imports(path):
            top = module.split(".")[0]
            if top not in APPS or top == app:
                continue
            if module == "clusterplan.lib" or module.startswith("clusterplan.lib."):
                continue
            if top not in ALLOWED[app]:
                found.append(f"{relative}:{line}: {app} imports {module}")
    return found


def test_every_import_points_down():
    assert violations() == []


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    from reports.views import home\n", ["workplans/x.py:2: workplans imports reports.views"]),
    ("import indicators.models\n", ["workplans/x.py:1: workplans imports indicators.models"]),
    ("from clusterplan.lib.exporting import neutralise\nfrom .models import Workplan\n", []),
])
def test_the_walk_sees_function_level_and_module_imports(tmp_path, monkeypatch, source, expected):
    """The checker itself: an upward import inside a function is caught too."""
    app = tmp_path / "workplans"
    app.mkdir()
    (app / "x.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert violations() == expected
