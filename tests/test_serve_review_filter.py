"""`castview serve --unreviewed` / `--verdict V`: every tab's app starts with that review
filter, as `castview open` takes it."""

from __future__ import annotations

import pytest

from castview.cli.serve import app_command


@pytest.mark.parametrize("wanted, flags", [(None, []), ("unreviewed", ["--unreviewed"]),
                                           ("incident", ["--verdict", "incident"])])
def test_the_review_filter_reaches_each_app(wanted, flags):
    argv = app_command(["/rec"], {"review_filter": wanted}).argv
    assert list(argv[argv.index("open") + 1:argv.index("--")]) == flags
    assert argv[-2:] == ("--", "/rec")
