"""What a listing asks of the review ledger's filters (--unreviewed, --verdict), without typer:
`castview ls`'s plain front end uses them too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .params import BadOption

if TYPE_CHECKING:
    from ..reviews import ReviewStatus
    from ..sources.catalog import Catalog


def review_choice(unreviewed: bool, verdict: str | None) -> str | None:
    """The review filter --unreviewed / --verdict V ask for (castview.reviews.keeps; None:
    none). Both at once ask for nothing that can be (a recording without a review has no
    verdict): a bad option, not one silently ignored. Raises BadOption."""
    from ..reviews import UNREVIEWED, VERDICTS

    if verdict is not None and verdict not in VERDICTS:
        raise BadOption(f"must be one of {', '.join(VERDICTS)}", "--verdict")
    if unreviewed and verdict is not None:
        raise BadOption("--unreviewed and --verdict exclude each other (a recording without a review "
                        "has no verdict): give one", "--unreviewed/--verdict")
    return UNREVIEWED if unreviewed else verdict


def reviewed_only(catalog: Catalog, statuses: dict[str, ReviewStatus], wanted: str | None) -> Catalog:
    """The catalog with the recordings the review filter *wanted* keeps (empty groups dropped)."""
    from ..reviews import keeps
    from ..sources.catalog import Catalog, NodeGroup

    if wanted is None:
        return catalog
    groups = [NodeGroup(g.node_id, kept) for g in catalog.groups
              if (kept := [r for r in g.recordings if keeps(statuses[r.ref.location], wanted)])]
    return Catalog(groups, catalog.errors)
