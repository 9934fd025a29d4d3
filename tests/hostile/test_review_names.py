"""The review ledger and recordings whose file names are not UTF-8 (a compromised node
names its files): listed, reviewed and bookmarked, never a crash."""

from __future__ import annotations

import os

from castview.reviews import Ledger

NAME = os.fsdecode(b"/recs/bad-\xff\xfe.cast")  # surrogates: SQLite refuses them as text


def test_an_undecodable_location_is_stored_and_found(tmp_path):
    # once: `castview ls` crashed (UnicodeEncodeError) as soon as the ledger held a review
    with Ledger(tmp_path / "reviews.sqlite") as ledger:
        assert ledger.sha256(NAME, 10, "1.0", lambda: "ab" * 32) == "ab" * 32
        assert ledger.sha256(NAME, 10, "1.0", None) == "ab" * 32
        ledger.add_review("ab" * 32, NAME, "ok", "", "me")
        ledger.add_bookmark("ab" * 32, NAME, 1.0, "here", "me")
        assert ledger.status(None, NAME).review is not None
        assert ledger.status("cd" * 32, NAME).changed  # reviewed here with other contents
        assert [b.note for b in ledger.bookmarks("ab" * 32)] == ["here"]
