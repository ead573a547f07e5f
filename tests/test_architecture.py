"""The layout docs/architecture.md describes, checked: which app may import which
(one direction, no cycles), nothing shipped imports the tools, and no module grows
past the size where it should become a package."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ROOT / "papers"
# Lowest first. An app may import the apps of lower layers only; apps of one layer
# do not import each other. docs/architecture.md draws the same thing.
LAYERS = [
    {"core"},
    {"web"},
    {"search"},
    {"ingest"},
    {"community"},
    {"digest", "api", "browse", "demo"},
]
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}
MAX_LINES = 600


def shipped_modules():
    for path in sorted([*PAPERS.rglob("*.py"), *(ROOT / "catalogue").rglob("*.py")]):
        if "migrations" not in path.parts:
            yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path):
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module
            yield name
            # ``from papers import search`` imports the app ``papers.search``.
            yield from (f"{name}.{alias.name}" for alias in node.names)


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "papers" and len(parts) > 1 and parts[1] in LAYER_OF:
        return parts[1]
    return None


def test_every_app_is_placed_in_a_layer():
    apps = {path.name for path in PAPERS.iterdir() if (path / "apps.py").exists()}
    assert apps == set(LAYER_OF)


def test_apps_import_only_lower_layers():
    wrong = []
    for path in shipped_modules():
        source = app_of(module_name(path))
        for imported in imported_modules(path):
            target = app_of(imported)
            if source is None or target is None or target == source:
                continue
            if LAYER_OF[target] >= LAYER_OF[source]:
                wrong.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_shipped_code_does_not_import_the_tools_or_the_tests():
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in shipped_modules()
        for name in imported_modules(path)
        if name.split(".")[0] in {"tools", "tests"}
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", list(shipped_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outgrows_a_package(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines: split it into a package of small modules"
