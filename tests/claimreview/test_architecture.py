"""The ClaimReview markup code stays pure: no Django, no workbench models.

Why: the builder, writers, parser and validator are the rules about what leaves and what
comes in; they run in the export's hot loop, in the tests without a database and in the
validate command on files from other sites. Only ``records`` (database -> builder input),
``services`` (import), the views and the commands may touch Django. Checked by parsing the
source, so an import that no test happens to execute still breaks the build.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "claimreview"
PURE = [
    APP / "builder.py",
    APP / "writers.py",
    APP / "parser.py",
    *sorted((APP / "validation").glob("*.py")),
]
FORBIDDEN = ("django", "annotations")


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Absolute names of the modules a file imports, relative imports resolved against
    the file's package (``source`` stands in for the file's text in the scanner's test)."""
    if source is None:
        source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) in ("__import__", "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return found


def _forbidden(path: Path) -> list[str]:
    return sorted(m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN)


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(ROOT)))
def test_markup_code_imports_neither_django_nor_the_workbench(path):
    assert _forbidden(path) == []


def test_pure_modules_only_import_each_other_within_the_app():
    """builder <- writers/parser/validation: none of them reaches records, services or
    views, which would bring Django in through the back door."""
    pure_names = {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in PURE}
    pure_names |= {name.removesuffix(".__init__") for name in pure_names}
    reaching = {
        str(p.relative_to(ROOT)): sorted(
            m for m in imported_modules(p) if m.startswith("claimreview") and m not in pure_names
        )
        for p in PURE
    }
    assert {k: v for k, v in reaching.items() if v} == {}


def test_the_layout_has_the_pure_modules():
    assert len(PURE) >= 6 and all(p.is_file() for p in PURE)


def test_the_scanner_sees_every_way_in():
    source = (
        "from annotations.models import Verdict\n"
        "from ..records import iter_review_records\n"
        "from . import vocabulary\n"
        "import django.db\n"
        "__import__('django.conf')\n"
    )
    found = imported_modules(APP / "validation" / "checker.py", source)
    assert found == {
        "annotations.models",
        "claimreview.records",
        "claimreview.validation",
        "django.db",
        "django.conf",
    }
