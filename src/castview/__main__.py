"""`python -m castview`: the same as the `castview` command."""

from castview.cli import main

main()
