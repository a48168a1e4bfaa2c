"""Install the addon on a real Odoo 18.0 server and run its Odoo tests.

Odoo is not a package on PyPI, so it cannot be a dependency of this project. These
tests use an Odoo that is already installed on the machine, found at
``/opt/odoo18/odoo-bin`` (with its virtual environment in ``/opt/odoo18/venv``) or as
``odoo-bin`` on the PATH. Without one, they are skipped, and pytest prints the
reason on one line.

Each test creates a new database on the local PostgreSQL, installs the addon with its
tests enabled, reads Odoo's own test report from the log, and drops the database.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ODOO_HOME = Path("/opt/odoo18")
REPORT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
ADDON_TEST = re.compile(r"odoo\.addons\.homehealth_scheduling\.tests\.\S+: Starting ")
ADDON_SKIP = re.compile(r"odoo\.addons\.homehealth_scheduling\.tests\.\S+: skipped ")


def _find_odoo() -> list[str] | None:
    """Return the command that starts Odoo, or None when no Odoo is installed."""
    if (ODOO_HOME / "odoo-bin").exists():
        python = ODOO_HOME / "venv" / "bin" / "python"
        if python.exists():
            return [str(python), str(ODOO_HOME / "odoo-bin")]
        return [str(ODOO_HOME / "odoo-bin")]
    found = shutil.which("odoo-bin")
    return [found] if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _addons_path(command: list[str]) -> str:
    paths = [str(ROOT)]
    source = Path(os.path.realpath(command[-1])).parent / "addons"
    if source.is_dir():
        paths.insert(0, str(source))
    return ",".join(paths)


ODOO = _find_odoo()
pytestmark = pytest.mark.skipif(
    ODOO is None,
    reason="Odoo tests did not run: no Odoo 18.0 at /opt/odoo18/odoo-bin "
    "and no odoo-bin on the PATH",
)


@pytest.fixture
def database():
    name = f"hh_pytest_{uuid.uuid4().hex[:10]}"
    yield name
    subprocess.run(["dropdb", "--if-exists", name], capture_output=True)
    shutil.rmtree(
        Path.home() / ".local/share/Odoo/filestore" / name, ignore_errors=True
    )


def _run_odoo(database: str, demo: bool, log: Path) -> str:
    assert ODOO is not None
    command = [
        *ODOO,
        f"--addons-path={_addons_path(ODOO)}",
        "--database",
        database,
        "--init",
        "homehealth_scheduling",
        "--test-enable",
        "--test-tags",
        "/homehealth_scheduling",
        "--stop-after-init",
        # Browser tests start Odoo's HTTP server even with --no-http: keep it on
        # loopback, on a port no other server uses.
        "--http-interface=127.0.0.1",
        f"--http-port={_free_port()}",
        "--log-level",
        "test",
        f"--logfile={log}",
    ]
    if not demo:
        command.append("--without-demo=all")
    # The engine is imported from this checkout, not from an installed copy.
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    completed = subprocess.run(command, env=environment, capture_output=True, text=True)
    text = log.read_text() if log.exists() else ""
    return f"exit code {completed.returncode}\n{completed.stderr}\n{text}"


def _assert_clean(output: str) -> None:
    tail = "\n".join(output.splitlines()[-60:])
    reports = REPORT.findall(output)
    assert reports, f"Odoo printed no test report:\n{tail}"
    failed = sum(int(report[0]) for report in reports)
    errors = sum(int(report[1]) for report in reports)
    assert failed == 0, f"{failed} Odoo tests failed:\n{tail}"
    assert errors == 0, f"{errors} Odoo tests raised errors:\n{tail}"
    addon_tests = len(ADDON_TEST.findall(output))
    assert addon_tests > 0, f"no test of homehealth_scheduling ran:\n{tail}"
    bad_lines = [
        line
        for line in output.splitlines()
        if " ERROR " in line or " CRITICAL " in line
    ]
    assert bad_lines == [], "\n".join(bad_lines[:20])
    assert output.startswith("exit code 0"), tail
    # Odoo reports no skip count in its summary line, so skipped tests are counted
    # from their own log lines and kept apart from the passed ones.
    skipped = len(ADDON_SKIP.findall(output))
    passed = addon_tests - skipped
    print(f"Odoo: {passed} homehealth_scheduling tests passed, {skipped} skipped")


def test_addon_without_demo(database, tmp_path):
    _assert_clean(_run_odoo(database, demo=False, log=tmp_path / "odoo.log"))


def test_addon_with_demo(database, tmp_path):
    _assert_clean(_run_odoo(database, demo=True, log=tmp_path / "odoo.log"))
