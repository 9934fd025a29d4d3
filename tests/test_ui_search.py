"""Pilot tests of search: `/` in the player (results, highlight, n/N, regex, errors) and
the fleet search screen (matches across recordings, filters, opening the player at one)."""

from __future__ import annotations

import pytest

from test_ui_helpers import SAMPLES, make_app, open_player, settle, view_text, wait_for

pytestmark = pytest.mark.anyio

NODE = SAMPLES / "nHx4Tb1CNTRL"
NANO = NODE / "2026-11-20T09:15:02.5Z.cast"
BASH = NODE / "2026-11-20T09:15:02Z.cast"


def results_of(screen, selector: str = "#search-results") -> list[str]:
    from textual.widgets import OptionList

    options = screen.query_one(selector, OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def status(player) -> str:
    return str(player.query_one("#player-status").render())


def info(player) -> str:
    return str(player.query_one("#search-info").render())


async def search(pilot, player, text: str) -> None:
    """`/`, the text, enter; wait for the results (or the error)."""
    from castview.ui.player_search import SearchPanel

    panel = player.query_one(SearchPanel)
    seq, error = panel.seq, player.search_error
    if not player.query_one("#search-box").has_focus:
        await pilot.press("slash")
        await pilot.pause()
    await pilot.press("ctrl+u", *text, "enter")  # the box holds the last search: replace it
    await wait_for(pilot, lambda: (panel.seq != seq or player.search_error != error) and not player.searching,
                   what="the search")
    await pilot.pause()


async def fleet_done(pilot, fleet, seq: int) -> None:
    await wait_for(pilot, lambda: fleet._seq > seq and not fleet._searching, timeout=60,  # noqa: SLF001
                   what="the fleet search")
    await pilot.pause()


def expect_match_on_view(player, needle: str) -> None:
    """The position is the match's time, the screen there shows the text, and the view
    shows that screen with the match's cells highlighted."""
    from castview.term.render import to_text
    from castview.ui.widgets.terminal_view import TerminalView

    m = player.matches[player.match_index]
    assert player.position == pytest.approx(m.time)
    assert needle.lower() in to_text(player.replay.seek(m.time).term).lower()
    view = player.query_one(TerminalView)
    assert view.highlight is not None
    assert (view.highlight.row, view.highlight.col_start, view.highlight.col_end) == (m.row, m.col_start, m.col_end)
    assert view.highlighted_text().lower() == needle.lower()
    # the highlighted row is on view (the view pans to it at 80x24)
    region = view.visible_region()
    assert region.y <= m.row < region.bottom
    # drawn in the match style
    style = view.get_component_rich_style("terminal-view--match")
    strip = view.render_line(m.row - region.y)
    cells = strip.crop(m.col_start - region.x, m.col_end - region.x)
    assert all(seg.style is not None and seg.style.bgcolor == style.bgcolor for seg in cells if seg.text.strip())


async def test_search_lists_every_moment_and_enter_goes_there(ui_env):
    async with make_app(NANO, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await search(pilot, player, "replication lag")
        assert len(player.matches) == 2  # typed in nano, then shown by `cat`
        rows = results_of(player)
        assert len(rows) == 2 and all("check replication lag (< 5s)" in row for row in rows)
        assert "2 matches" in info(player)
        assert player.query_one("#search-results").has_focus
        await pilot.press("down", "enter")
        await settle(pilot, player)
        assert player.match_index == 1
        expect_match_on_view(player, "replication lag")
        assert "match 2/2" in status(player)
        # the scrub bar marks both
        from castview.ui.widgets.scrub_bar import ScrubBar

        assert player.query_one(ScrubBar).matches == tuple(m.time for m in player.matches)


async def test_n_and_shift_n_step_and_wrap(ui_env):
    async with make_app(BASH, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await search(pilot, player, "sudo systemctl restart nginx")
        assert len(player.matches) == 2
        await pilot.press("escape")  # close the panel: n/N still step
        await pilot.pause()
        assert not player.query_one("#search-panel").display
        seen = []
        for _ in range(3):
            await pilot.press("n")
            await settle(pilot, player)
            expect_match_on_view(player, "sudo systemctl restart nginx")
            seen.append(player.match_index)
            assert f"match {player.match_index + 1}/2" in status(player)
        assert seen == [0, 1, 0]  # wrapped around
        await pilot.press("N")
        await settle(pilot, player)
        assert player.match_index == 1
        await pilot.press("N", "N")
        await settle(pilot, player)
        assert player.match_index == 1
        expect_match_on_view(player, "sudo systemctl restart nginx")
        # moving elsewhere clears the highlight; n goes to the next match after the position
        await pilot.press("home")
        await settle(pilot, player)
        from castview.ui.widgets.terminal_view import TerminalView

        assert player.query_one(TerminalView).highlight is None
        assert "2 matches" in status(player)
        await pilot.press("n")
        await settle(pilot, player)
        assert player.match_index == 0


async def test_regex_search_and_a_bad_regex(ui_env):
    async with make_app(BASH, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await search(pilot, player, r"re:sudo\s+systemctl\s+\w+")
        assert [m.text for m in player.matches] == ["sudo systemctl restart"] * 2
        await pilot.press("enter")
        await settle(pilot, player)
        expect_match_on_view(player, "sudo systemctl restart")
        # a literal search for the same text finds nothing (the backslashes are literal)
        await search(pilot, player, r"sudo\s+systemctl")
        assert player.matches == []
        assert "no match" in info(player)
        from castview.ui.widgets.terminal_view import TerminalView

        assert player.query_one(TerminalView).highlight is None  # cleared by the new search
        # a bad regular expression: said so, nothing breaks
        assert player.query_one("#search-box").has_focus  # nothing found: refine it
        await search(pilot, player, "re:(unclosed")
        assert "bad regular expression" in info(player)
        assert player.query_one("#search-info").has_class("-error")
        assert player.query_one("#search-box").has_focus  # to fix it
        await pilot.press("ctrl+u", *"re:nano|sudo", "enter")
        await wait_for(pilot, lambda: not player.searching and player.matches, what="the search")
        assert not player.query_one("#search-info").has_class("-error")


async def test_escape_closes_then_forgets_then_goes_back(ui_env):
    from castview.ui.screens.browser import BrowserScreen

    async with make_app(NANO, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await search(pilot, player, "notes")
        await pilot.press("enter")
        await settle(pilot, player)
        await pilot.press("escape")
        await pilot.pause()
        assert not player.query_one("#search-panel").display
        assert player.search_query.pattern == "notes" and player.matches
        await pilot.press("escape")
        await pilot.pause()
        assert player.search_query is None and not player.matches
        assert "match" not in status(player)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), what="the browser")


async def test_search_runs_while_the_index_builds(ui_env, tmp_path, monkeypatch):
    """The search reads the file on its own: it runs (showing progress) while the keyframe
    index is still being built (held back here until the search is done), and the UI
    keeps answering meanwhile."""
    import threading

    from castview.term.keyframes import Replay
    from castview.ui.messages import SearchProgressed
    from castview.ui.widgets.metadata_pane import MetadataPane
    from test_ui_player import write_big

    gate = threading.Event()
    build = Replay.build

    def held_build(self, progress=None, cancelled=None, size=None):
        while not gate.wait(0.05):
            if cancelled is not None and cancelled():
                return False
        return build(self, progress=progress, cancelled=cancelled, size=size)

    monkeypatch.setattr(Replay, "build", held_build)
    big = tmp_path / "big.cast"
    write_big(big, events=600)
    progressed = []

    def hook(message) -> None:
        if isinstance(message, SearchProgressed):
            progressed.append((message.done, message.total))

    try:
        async with make_app(big, tmp_path=ui_env).run_test(size=(120, 40), message_hook=hook) as pilot:
            player = await open_player(pilot, indexed=False)
            await pilot.press("slash", *"frame 00599 row 07", "enter")
            pane = player.query_one(MetadataPane)
            shown = pane.display
            await pilot.press("escape", "m")  # close the panel; served at once
            assert pane.display != shown
            await wait_for(pilot, lambda: player.search_query is not None and not player.searching, timeout=60,
                           what="the search")
            assert not player.index_complete
            assert len(player.matches) == 1
            assert progressed and progressed[0][1] == big.stat().st_size
            await pilot.press("n")  # a seek past what is indexed: works, a little slower
            await settle(pilot, player)
            expect_match_on_view(player, "frame 00599 row 07")
            assert "frame 00599 row 07" in view_text(player)[7]
            gate.set()
            await wait_for(pilot, lambda: player.index_complete, timeout=60, what="the index")
    finally:
        gate.set()


@pytest.fixture
def endless_search(monkeypatch):
    """A search for "forever" runs until it is cancelled (and records that it was)."""
    import threading
    import time

    import castview.search as search_module

    original = search_module.search_recording
    cancelled = threading.Event()

    def search_recording(recording, pattern, *args, **kwargs):
        if pattern != "forever":
            return original(recording, pattern, *args, **kwargs)
        while not kwargs["cancelled"]():
            kwargs["progress"](1, 2)
            time.sleep(0.01)
        cancelled.set()
        raise search_module.SearchCancelled()

    monkeypatch.setattr(search_module, "search_recording", search_recording)
    return cancelled


async def test_a_new_search_cancels_the_running_one(ui_env, endless_search):
    async with make_app(NANO, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await pilot.press("slash", *"forever", "enter")
        await wait_for(pilot, lambda: player.searching and "50%" in info(player), what="the first search")
        assert "searching" in status(player)
        await pilot.press("ctrl+u", *"deploy notes", "enter")
        await wait_for(pilot, lambda: endless_search.is_set(), what="the cancellation")
        await wait_for(pilot, lambda: player.search_query.pattern == "deploy notes" and not player.searching,
                       what="the second search")
        assert player.matches and all(m.text == "deploy notes" for m in player.matches)


async def test_leaving_the_player_cancels_its_search(ui_env, endless_search):
    from castview.ui.screens.browser import BrowserScreen

    async with make_app(NANO, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await pilot.press("slash", *"forever", "enter")
        await wait_for(pilot, lambda: player.searching and "50%" in info(player), what="the search")
        await pilot.press("escape", "q")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), what="the browser")
        await wait_for(pilot, lambda: endless_search.is_set(), what="the cancellation")


async def test_fleet_search_finds_matches_across_recordings_and_opens_one(ui_env):
    from castview.ui.messages import RecordingMatchesFound
    from castview.ui.screens.fleet_search import FleetSearchScreen
    from castview.ui.screens.player import PlayerScreen
    from castview.ui.widgets.recording_tree import RecordingTree
    from castview.ui.widgets.terminal_view import TerminalView

    found = []

    def hook(message) -> None:
        if isinstance(message, RecordingMatchesFound):
            found.append(message.result)

    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        def loaded() -> bool:
            trees = app.screen.query(RecordingTree)
            return bool(trees) and app.screen._progress[1] > 0 and app.screen._progress[0] == app.screen._progress[1]  # noqa: SLF001

        await wait_for(pilot, loaded, timeout=20, what="the headers")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FleetSearchScreen), what="the search screen")
        fleet = app.screen
        await pilot.press(*"prod-db", "enter")
        await fleet_done(pilot, fleet, 0)
        with_matches = [r for r in found if r.matches]
        assert len(with_matches) == 8  # as `castview grep prod-db sample_casts` finds
        assert len(found) == len([r for r in app.screen_stack[-2].query_one(RecordingTree).summaries()
                                  if r.status != "pending"])
        rows = results_of(fleet, "#fleet-results")
        assert sum("prod-db" in row for row in rows) == sum(len(r.matches) for r in with_matches) == 37
        assert any(row.startswith("nHx4Tb1CNTRL") for row in rows)
        assert any(row.startswith("nWp2Lr8CNTRL") for row in rows)
        assert "matches in" in str(fleet.query_one("#fleet-status").render())
        # the cursor is on the first match; enter opens the player there
        assert fleet.query_one("#fleet-results").has_focus
        rec, m = fleet._row(fleet.query_one("#fleet-results").highlighted)  # noqa: SLF001
        assert m is not None
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen), what="the player")
        player = await open_player(pilot)
        await wait_for(pilot, lambda: not player.searching, what="the player's search")
        assert player.summary.ref.location == rec.ref.location
        assert not player.playing
        expect_match_on_view(player, "prod-db")
        assert player.match_index is not None and player.matches[player.match_index] == m
        assert f"match {player.match_index + 1}/{len(player.matches)}" in status(player)
        assert player.query_one(TerminalView).highlighted_text() == "prod-db"
        # back to the results, then to the browser
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is fleet
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FleetSearchScreen)


async def test_fleet_search_filters_and_errors(ui_env):
    from castview.ui.screens.fleet_search import FleetSearchScreen
    from castview.ui.widgets.recording_tree import RecordingTree

    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        def loaded() -> bool:
            trees = app.screen.query(RecordingTree)
            return bool(trees) and app.screen._progress[1] > 0 and app.screen._progress[0] == app.screen._progress[1]  # noqa: SLF001

        await wait_for(pilot, loaded, timeout=20, what="the headers")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FleetSearchScreen), what="the search screen")
        fleet = app.screen
        error = fleet.query_one("#fleet-error")
        await pilot.press("enter")  # nothing typed
        await pilot.pause()
        assert error.display and "type the text" in str(error.render())
        await pilot.press(*"re:(", "enter")
        await pilot.pause()
        assert "bad regular expression" in str(error.render())
        # filters alone list recordings: carol's are on web-1
        fleet.query_one("#fleet-pattern").value = ""
        fleet.query_one("#fleet-user").value = "carol"
        fleet.query_one("#fleet-since").value = "not a date"
        fleet.run_search()
        await pilot.pause()
        assert "not a date" in str(error.render())
        fleet.query_one("#fleet-since").value = "2026-11-20"
        fleet.query_one("#fleet-until").value = "2026-11-20"
        fleet.run_search()
        await pilot.pause()
        assert not error.display
        rows = results_of(fleet, "#fleet-results")
        assert len(rows) == 3 and all(row.startswith("nWp2Lr8CNTRL") for row in rows)
        # with a pattern: only those recordings are searched
        fleet.query_one("#fleet-pattern").value = "ERROR"
        seq = fleet._seq  # noqa: SLF001
        fleet.run_search()
        await fleet_done(pilot, fleet, seq)
        rows = results_of(fleet, "#fleet-results")
        assert rows and all("nWp2Lr8CNTRL" in row or "ERROR" in row.upper() for row in rows)
        assert "in 1/3 recordings" in str(fleet.query_one("#fleet-status").render())


async def test_palette_and_help_have_the_search_keys(ui_env):
    from castview.ui.commands import CastviewCommands
    from castview.ui.screens.help import HELP_TEXT

    async with make_app(NANO, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        actions = {action for _, _, action in CastviewCommands(player)._entries()}  # noqa: SLF001
        assert {"search", "next_match(1)", "next_match(-1)"} <= actions
        for action in ("search", "next_match(1)", "next_match(-1)", "fleet_search", "escape"):
            assert action in HELP_TEXT


# -- the pure parts: what is typed, how a match is shown, where n / N go ------------------
def _m(t: float, line: str = "x", start: int = 0, end: int = 1):
    from castview.search import Match

    return Match(t, line, 0, start, end, "main", start=start, end=end)


@pytest.mark.parametrize(
    "typed, pattern, regex",
    [
        ("sudo", "sudo", False),
        ("re:sudo\\s+\\w+", "sudo\\s+\\w+", True),
        (" two words ", " two words ", False),  # blanks are part of the text
        ("a.b", "a.b", False),  # a literal dot
        ("re:a.b", "a.b", True),
    ],
)
def test_parse_query(typed, pattern, regex):
    from castview.ui.search_view import parse_query, query_text

    query = parse_query(typed)
    assert (query.pattern, query.regex, query.ignore_case, query.only_shown) == (pattern, regex, True, True)
    assert query_text(query) == typed


@pytest.mark.parametrize("typed, error", [("", "type the text"), ("   ", "type the text"), ("re:", "type the text"),
                                          ("re:(", "bad regular expression")])
def test_parse_query_errors(typed, error):
    from castview.ui.search_view import parse_query

    with pytest.raises(ValueError, match=error):
        parse_query(typed)


@pytest.mark.parametrize(
    "line, needle, shown",
    [
        ("alice@prod-db:~$ nano notes.txt", "notes", "alice@prod-db:~$ nano notes.txt"),
        ("  GNU nano 7.2                        notes.txt *", "notes", "GNU nano 7.2  notes.txt *"),
        ("x" * 60 + " the notes here", "notes", "…" + ("x" * 60 + " the ")[-40:] + "notes here"),
        ("bell\x07 and esc\x1b[31m notes", "notes", "bell\\x07 and esc\\x1b[31m notes"),
    ],
)
def test_match_line(line, needle, shown):
    from castview.ui.search_view import MATCH_STYLE, match_line

    start = line.index(needle)
    text = match_line(_m(0.0, line, start, start + len(needle)))
    assert text.plain == shown
    styled = [text.plain[span.start:span.end] for span in text.spans if span.style == MATCH_STYLE]
    assert styled == [needle]


@pytest.mark.parametrize(
    "current, position, direction, expected",
    [
        (None, 0.0, 1, (0, False)),  # from before the first
        (None, 1.5, 1, (2, False)),  # the first after the position (two share 1.0)
        (None, 1.5, -1, (1, False)),
        (None, 9.0, 1, (0, True)),  # past the last: wraps
        (None, 0.5, -1, (3, True)),
        (0, 1.0, 1, (1, False)),  # on a match: the next one, even at the same time
        (1, 1.0, -1, (0, False)),
        (3, 3.0, 1, (0, True)),
        (1, 2.5, 1, (3, False)),  # moved away from the match: from the position
    ],
)
def test_step(current, position, direction, expected):
    from castview.ui.search_view import step

    matches = [_m(1.0), _m(1.0), _m(2.0), _m(3.0)]
    assert step(matches, current, position, direction) == expected
