"""The browser's tree: source → stable node ID → recordings, filled in as headers load.

The screen hands it listed refs (shown at once, provisionally) and summaries (as they
are read, in batches); `sync` reconciles the tree with them without rebuilding what did
not change, so thousands of recordings stay cheap and the cursor stays put.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text, TextType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...sanitize import printable
from ...sources.base import RecordingRef
from ...sources.catalog import NodeGroup, RecordingSummary, group
from ..catalog_view import group_label, keep, matches, pending, recording_label

# Groups with more recordings than this start collapsed.
EXPAND_LIMIT = 60


@dataclass(frozen=True)
class SourceKey:
    label: str


@dataclass(frozen=True)
class GroupKey:
    source: str
    node_id: str


NodeData = SourceKey | GroupKey | RecordingSummary


class RecordingTree(Tree[NodeData]):
    """Recordings grouped by source and node; leaves carry their RecordingSummary."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("recordings", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = True
        self._sources: dict[str, dict[str, RecordingSummary]] = {}
        self._source_nodes: dict[str, TreeNode[NodeData]] = {}
        self._filter = ""
        self._collapsed: set[GroupKey] = set()
        self._expanded: set[GroupKey] = set()
        self._colours: dict[str, str] | None = None

    def process_label(self, label: TextType) -> Text:
        """A label given as a string is plain text, never markup: node IDs and folder
        names come from the recordings (`[/]` would crash the tree, `[conceal]` hide)."""
        return super().process_label(Text(printable(label)) if isinstance(label, str) else label)

    def on_mount(self) -> None:
        self._theme_changed()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object = None) -> None:
        """Marks in the theme's success/warning/error colours; relabel what is shown."""
        theme = self.app.current_theme
        self._colours = {
            "success": theme.success or "green",
            "warning": theme.warning or "yellow",
            "error": theme.error or "red",
        }
        for snode in self._source_nodes.values():
            for gnode in snode.children:
                for leaf in gnode.children:
                    if isinstance(leaf.data, RecordingSummary):
                        leaf.set_label(recording_label(leaf.data, self._colours))

    # -- what the screen feeds in --------------------------------------------------------
    def add_source(self, label: str) -> None:
        if label not in self._sources:
            self._sources[label] = {}
            node = self.root.add(Text(printable(label), style="bold"), SourceKey(label), expand=True)
            self._source_nodes[label] = node

    def add_refs(self, source: str, refs: list[RecordingRef]) -> None:
        self.add_source(source)
        known = self._sources[source]
        for ref in refs:
            known.setdefault(ref.location, pending(ref))
        self.sync()

    def update_summaries(self, summaries: list[RecordingSummary]) -> None:
        for rec in summaries:
            known = self._sources.setdefault(rec.ref.source, {})
            if keep(rec):
                known[rec.ref.location] = rec
            else:
                known.pop(rec.ref.location, None)
        self.sync()

    def remove_locations(self, refs: list[RecordingRef]) -> None:
        """Forget recordings that went away (a node left empty goes too)."""
        changed = False
        for ref in refs:
            known = self._sources.get(ref.source)
            if known is not None and known.pop(ref.location, None) is not None:
                changed = True
        if changed:
            self.sync()

    def reset(self) -> None:
        """Forget every source and recording (before reading the sources again)."""
        self.clear()
        self._sources.clear()
        self._source_nodes.clear()

    def set_filter(self, query: str) -> None:
        if query != self._filter:
            self._filter = query
            self.sync()

    @property
    def filter(self) -> str:
        return self._filter

    @property
    def total(self) -> int:
        return sum(len(s) for s in self._sources.values())

    @property
    def shown(self) -> int:
        return sum(len(g.children) for s in self._source_nodes.values() for g in s.children)

    def summaries(self) -> list[RecordingSummary]:
        return [rec for known in self._sources.values() for rec in known.values()]

    def first_recording(self) -> TreeNode[NodeData] | None:
        for snode in self._source_nodes.values():
            for gnode in snode.children:
                for leaf in gnode.children:
                    return leaf
        return None

    # -- reconciling ---------------------------------------------------------------------
    def sync(self) -> None:
        """Make the tree show the current summaries under the current filter."""
        cursor = self.cursor_node
        cursor_data = cursor.data if cursor is not None else None
        for source, known in self._sources.items():
            snode = self._source_nodes[source]
            all_groups = {g.node_id: len(g.recordings) for g in group(known.values())} if self._filter else {}
            wanted = group(rec for rec in known.values() if matches(rec, self._filter))
            self._sync_source(source, snode, wanted, all_groups)
        if cursor_data is not None:
            self._restore_cursor(cursor_data)

    def _sync_source(self, source: str, snode: TreeNode[NodeData], groups: list[NodeGroup],
                     totals: dict[str, int]) -> None:
        wanted_keys = [GroupKey(source, g.node_id) for g in groups]
        current_keys = [child.data for child in snode.children]
        if wanted_keys != current_keys:
            by_key = {child.data: child for child in snode.children}
            for key, child in by_key.items():
                if key not in wanted_keys:
                    child.remove()
            if [k for k in current_keys if k in wanted_keys] != [k for k in wanted_keys if k in by_key]:
                # The order changed (a label arrived): re-add every group in order.
                snode.remove_children()
                by_key = {}
            for i, key in enumerate(wanted_keys):
                if key not in by_key:
                    before = self._index_before(snode, wanted_keys, i)
                    by_key[key] = snode.add(key.node_id, key, before=before, expand=self._should_expand(key, groups[i]))
        for gnode, g in zip(snode.children, groups, strict=True):
            label = group_label(g, totals.get(g.node_id) if self._filter else None)
            if gnode.label != label:
                gnode.set_label(label)
            self._sync_leaves(gnode, g.recordings)

    @staticmethod
    def _index_before(snode: TreeNode[NodeData], wanted: list[GroupKey], i: int) -> int | None:
        present = [child.data for child in snode.children]
        for key in wanted[i + 1:]:
            if key in present:
                return present.index(key)
        return None

    def _should_expand(self, key: GroupKey, g: NodeGroup) -> bool:
        if key in self._collapsed:
            return False
        return key in self._expanded or len(g.recordings) <= EXPAND_LIMIT or bool(self._filter)

    def _sync_leaves(self, gnode: TreeNode[NodeData], recordings: list[RecordingSummary]) -> None:
        leaves = gnode.children
        same_order = len(leaves) == len(recordings) and all(
            isinstance(leaf.data, RecordingSummary) and leaf.data.ref.location == rec.ref.location
            for leaf, rec in zip(leaves, recordings, strict=True)
        )
        if same_order:
            for leaf, rec in zip(leaves, recordings, strict=True):
                if leaf.data is not rec:
                    leaf.data = rec
                    leaf.set_label(recording_label(rec, self._colours))
            return
        gnode.remove_children()
        for rec in recordings:
            gnode.add_leaf(recording_label(rec, self._colours), rec)

    def _restore_cursor(self, data: NodeData) -> None:
        target = self._find(data)
        if target is not None:
            self.put_cursor(target)

    def put_cursor(self, node: TreeNode[NodeData]) -> None:
        """Move the cursor to a node, even one just added (whose line number is only
        known once the tree's lines are rebuilt, which `_tree_lines` does)."""
        if node.id not in self._tree_nodes or node is self.cursor_node:
            return
        self._tree_lines  # noqa: B018 - rebuilds the lines, which numbers the nodes
        if node.line >= 0:
            self.move_cursor(node)

    def _find(self, data: NodeData) -> TreeNode[NodeData] | None:
        if isinstance(data, SourceKey):
            return self._source_nodes.get(data.label)
        for snode in self._source_nodes.values():
            for gnode in snode.children:
                if isinstance(data, GroupKey):
                    if gnode.data == data:
                        return gnode
                    continue
                for leaf in gnode.children:
                    if isinstance(leaf.data, RecordingSummary) and leaf.data.ref.location == data.ref.location:
                        return leaf
        return None

    # -- remembering what the user opened or closed --------------------------------------
    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[NodeData]) -> None:
        if isinstance(event.node.data, GroupKey):
            self._collapsed.add(event.node.data)
            self._expanded.discard(event.node.data)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        if isinstance(event.node.data, GroupKey):
            self._expanded.add(event.node.data)
            self._collapsed.discard(event.node.data)
