"""Command palette entries for every action of the screen on view (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .screens.help import HELP_TEXT, key_names


class CastviewCommands(Provider):
    """The active screen's key bindings, by their description, with the key shown."""

    def _entries(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        seen: set[str] = set()
        entries = []
        for binding in getattr(type(screen), "BINDINGS", []):
            if not hasattr(binding, "action") or binding.action in seen:
                continue
            seen.add(binding.action)
            text = HELP_TEXT.get(binding.action, binding.description)
            if binding.key.isdigit():
                text = f"Jump to {int(binding.key) * 10} %"
            entries.append((text, key_names(binding), binding.action))
        return entries

    def _run(self, action: str) -> None:
        self.app.call_later(self.screen.run_action, action)

    async def discover(self) -> Hits:
        for text, keys, action in self._entries():
            yield DiscoveryHit(text, partial(self._run, action), help=f"key: {keys}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, keys, action in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, action), text=text, help=f"key: {keys}")
