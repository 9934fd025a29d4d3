"""The files shipped inside the package: the theme files and the sample recordings.

They are package data (src/castview/data/), found through importlib.resources, so a wheel,
an editable install and a checkout all find the same files; a checkout's top-level
themes/ and sample_casts/ are symlinks to them. castview only ever reads them.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

THEMES = "themes"
SAMPLES = "sample_casts"

# as_file() hands out an installed package's own folder as it is; only a zipped package
# gets a temporary copy, which must outlive every reader, so it goes at exit.
_copies = ExitStack()
atexit.register(_copies.close)


@cache
def bundled_dir(name: str) -> Path:
    """The folder of package data `name` (THEMES or SAMPLES) as a directory on disk."""
    return _copies.enter_context(as_file(files("castview").joinpath("data", name)))
