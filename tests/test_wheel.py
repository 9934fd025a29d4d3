"""The wheel: built from the source tree and installed alone into a fresh virtual
environment, castview finds its sample recordings (the default source) and its themes as
package data, with no checkout anywhere in sight."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from tmux_app import EXITED, TmuxApp

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "castview" / "data" / "sample_casts"
NODES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
RECORDINGS = len(list(SAMPLES.glob("*/*.cast")))

def _sgr_rgb(colour: str) -> str:
    return ";".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))


# castview-dark's text on its panel colour, as the header line is drawn.
DARK = tomllib.loads((ROOT / "src" / "castview" / "data" / "themes" / "castview-dark.toml").read_text())["colors"]
DARK_HEADER = f"\x1b[38;2;{_sgr_rgb(DARK['foreground'])}m\x1b[48;2;{_sgr_rgb(DARK['panel'])}m"


def _run(*args: object, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True, **kwargs)


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtual environment holding only the castview wheel; its dependencies come
    from the test environment's site-packages through a .pth file (a path in a .pth is
    added to sys.path, but .pth files in that folder are not run: the test environment's
    own castview, an editable install, stays out of sight)."""
    work = tmp_path_factory.mktemp("wheel")
    # Build from a copy of what a wheel is made of: a build leaves build/ and *.egg-info
    # behind, and files there from an earlier build could reach the wheel.
    tree = work / "tree"
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _run(*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "-w", work / "dist", tree)
    (wheel,) = (work / "dist").glob("castview-*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(*pip, "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip())
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "test-dependencies.pth").write_text("".join(f"{path}\n" for path in sorted(deps)))
    return venv


@pytest.fixture
def clean_env(tmp_path) -> dict[str, str]:
    """Nothing from the test run: no PYTHONPATH, no recorder settings, own cache and config."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "CASTVIEW_CACHE_DIR": str(tmp_path / "cache"),
        "CASTVIEW_CONFIG_DIR": str(tmp_path / "config"),
    }


def test_the_installed_package_is_the_wheel(venv, clean_env, tmp_path):
    where = _run(venv / "bin" / "python", "-c", "import castview; print(castview.__file__)",
                 env=clean_env, cwd=tmp_path).stdout
    assert Path(where.strip()).is_relative_to(venv)


def test_ls_lists_the_bundled_samples(venv, clean_env, tmp_path):
    where = "from castview.config import bundled_samples; print(bundled_samples())"
    samples = _run(venv / "bin" / "python", "-c", where, env=clean_env, cwd=tmp_path).stdout.strip()
    done = _run(venv / "bin" / "castview", "ls", "--paths", samples, env=clean_env, cwd=tmp_path)
    paths = [Path(word) for word in done.stdout.split() if word.endswith(".cast")]
    assert len(paths) == RECORDINGS
    assert all(path.is_relative_to(venv) and path.is_file() for path in paths)


def test_grep_builds_entries_with_the_bundled_dictionary(venv, clean_env, tmp_path):
    # the zstd dictionary of small entries is package data: without it every search fails
    where = "from castview.config import bundled_samples; print(bundled_samples())"
    samples = _run(venv / "bin" / "python", "-c", where, env=clean_env, cwd=tmp_path).stdout.strip()
    done = subprocess.run([str(venv / "bin" / "castview"), "grep", "sudo", samples], capture_output=True, text=True,
                          env=clean_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "sudo" in done.stdout


def test_the_app_opens_on_the_bundled_samples_with_the_default_theme(venv, clean_env, tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    app = TmuxApp(tmp_path, 100, 30)
    try:
        app.start(str(venv / "bin" / "castview"), env=clean_env)
        screen = app.wait_for(f"{RECORDINGS} recordings")
        assert all(node in screen for node in NODES), screen
        assert "not available" not in screen  # the app's message when the theme is missing
        assert DARK_HEADER in app.screen(escapes=True)
        app.keys("q")
        app.wait_for(f"{EXITED}0")
    finally:
        app.close()
