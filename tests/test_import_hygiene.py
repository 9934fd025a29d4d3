"""The lower layers run without the upper ones: importing each package below (every module
in it) loads none of its forbidden modules. The same rules, checked statically, are the
import-linter contracts in pyproject.toml; this test also sees imports made at run time."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

UI = ("textual", "castview.ui", "castview.cli")
IO = ("boto3", "botocore", "watchfiles", "castview.sources.s3")

CASES = [
    ("castview.cast", UI + IO + ("castview.term", "castview.sources", "castview.playback")),
    ("castview.term", UI + IO),
    ("castview.playback", UI + IO),
    ("castview.search", UI + IO),
    ("castview.search_index", UI + IO),
    ("castview.analysis", UI + IO),
    ("castview.transcript", UI + IO),
    ("castview.follow", UI + IO),
    ("castview.sources.watch", UI + ("boto3", "botocore", "castview.sources.s3")),  # watching is its job
]

# Imports `module` and, for a package, every module in it; prints the forbidden ones loaded.
PROBE = """
import importlib, json, pkgutil, sys
module, forbidden = sys.argv[1], sys.argv[2:]
package = importlib.import_module(module)
for info in pkgutil.walk_packages(getattr(package, "__path__", []), module + "."):
    importlib.import_module(info.name)
print(json.dumps(sorted({f for f in forbidden for m in sys.modules if m == f or m.startswith(f + ".")})))
"""


@pytest.mark.parametrize(("module", "forbidden"), CASES, ids=[module for module, _ in CASES])
def test_a_layer_loads_none_of_its_forbidden_modules(module, forbidden):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist (yet)")
    done = subprocess.run([sys.executable, "-c", PROBE, module, *forbidden], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [], f"importing {module} loads forbidden modules"
