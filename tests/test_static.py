"""Static checks of the engine and the addon that need no Odoo server.

They cover what an Odoo server would reject at install time (a manifest that lists a
missing file, XML that does not parse, a malformed access CSV) and the linters the
project uses: ruff, mypy and pylint-odoo.
"""

from __future__ import annotations

import ast
import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
ADDON = ROOT / "homehealth_scheduling"
ACCESS_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]


def _manifest() -> dict:
    return ast.literal_eval((ADDON / "__manifest__.py").read_text())


def _tool(name: str) -> str:
    """Return the path of a linter installed beside this Python (the test extra)."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} is not installed; install the test extra: pip install -e '.[test]'"
        )
    return found


def test_manifest_targets_odoo_18():
    manifest = _manifest()
    assert manifest["version"].startswith("18.0.")
    assert manifest["license"] in {"LGPL-3", "AGPL-3", "OPL-1"}
    assert manifest.get("installable", True) is True


@pytest.mark.parametrize("key", ["data", "demo", "assets"])
def test_manifest_files_exist(key):
    manifest = _manifest()
    entries = manifest.get(key, [])
    if key == "assets":
        entries = [path for paths in entries.values() for path in paths]
    missing = []
    for entry in entries:
        entry = entry if isinstance(entry, str) else entry[-1]
        relative = entry.removeprefix("homehealth_scheduling/")
        if not any(ADDON.glob(relative)):
            missing.append(entry)
    assert missing == [], f"__manifest__.py {key} lists missing files: {missing}"


def test_every_xml_file_parses():
    errors = []
    for path in sorted(ADDON.rglob("*.xml")):
        if "static/lib" in path.as_posix():
            continue
        try:
            etree.parse(str(path))
        except etree.XMLSyntaxError as error:
            errors.append(f"{path.relative_to(ROOT)}: {error}")
    assert errors == []


def test_xml_uses_odoo_18_syntax():
    offenders = []
    for path in sorted((ADDON / "views").rglob("*.xml")):
        tree = etree.parse(str(path))
        if tree.xpath("//tree") or tree.xpath("//@attrs") or tree.xpath("//@states"):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], "use <list> and invisible=/readonly= expressions"


def test_access_csv_well_formed():
    path = ADDON / "security" / "ir.model.access.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ACCESS_HEADER
    ids = [row[0] for row in rows[1:]]
    assert len(ids) == len(set(ids)), "duplicate access ids"
    for number, row in enumerate(rows[1:], start=2):
        assert len(row) == len(ACCESS_HEADER), f"line {number} has {len(row)} columns"
        model_xmlid = row[2].rsplit(".", 1)[-1]
        assert model_xmlid.startswith("model_"), (
            f"line {number}: model_id is not model_..."
        )
        assert {row[4], row[5], row[6], row[7]} <= {"0", "1"}, f"line {number}"


def test_python_files_compile():
    for path in sorted(ADDON.rglob("*.py")):
        compile(path.read_text(), str(path), "exec")


def test_ruff_lint():
    result = subprocess.run(
        [
            _tool("ruff"),
            "check",
            "homehealth_routing",
            "homehealth_scheduling",
            "tests",
            "benchmarks",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = subprocess.run(
        [_tool("ruff"), "format", "--check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_engine():
    result = subprocess.run(
        [_tool("mypy"), "homehealth_routing"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pylint_odoo():
    # Each feature extends the shared models in a file of its own, which
    # consider-merging-classes-inherited would fold back into one class per model.
    command = [
        _tool("pylint"),
        "--rcfile",
        str(ROOT / ".pylintrc"),
        "--disable=consider-merging-classes-inherited",
        "homehealth_scheduling",
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_engine_imports_no_odoo():
    offenders = []
    for path in sorted((ROOT / "homehealth_routing").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "odoo" for name in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
