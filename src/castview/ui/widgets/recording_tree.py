"""The browser's tree: source → section (node, user or connection) → recordings, or source →
recordings in the flat timeline; filled in as headers load.

The screen hands it listed refs (shown at once, provisionally) and summaries (as they
are read, in batches). A summary that keeps its place (same section, same sort key: the
common case, a tsrecorder file name carries its start) only relabels its own row; one that
moves is taken out and put back where it belongs; only a change of view, sort, filter or
names arranges everything again. A row's label is made when it is first drawn (or asked
for), not when the row is placed: a view of ten thousand rows shows a screenful. Each
recording's cells (the part of a row no view changes) are kept, and the tree never
measures every label (Textual's Tree does, at each rebuild of its lines): rows are cut to
the widget's width with an ellipsis where they are drawn.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import total_ordering
from typing import TypeVar

from rich.style import Style
from rich.text import Text, TextType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...nodes.model import NodeNames
from ...reviews import REVIEW_FILTERS, ReviewStatus, keeps, review_mark
from ...sanitize import printable
from ...sources.base import RecordingRef
from ...sources.catalog import RecordingSummary, merge_copies
from ...views import BY_NODE, BY_START, BY_TIME, Section, arrange, section_key, section_order, sort_key
from ..catalog_view import PENDING, keep, matches, pending, recording_label, row_cells, section_label

UNREVIEWED_STATUS = ReviewStatus(None)
REVIEW_WORD = "review:"
REVIEW_WORDS = {REVIEW_WORD + name for name in REVIEW_FILTERS}
# Sections with more recordings than this start collapsed.
EXPAND_LIMIT = 60


@dataclass(frozen=True)
class SourceKey:
    label: str


@dataclass(frozen=True)
class GroupKey:
    """A section of a source in a view: a node ID, a user or a connection ID."""

    source: str
    view: str
    key: str


NodeData = SourceKey | GroupKey | RecordingSummary


_NO_LABEL = Text()


class _Lazy(TreeNode[NodeData]):
    """A node whose label is made the first time it is read (`_text` None: not made yet, or
    out of date)."""

    _text: Text | None = None

    @property  # type: ignore[override]
    def _label(self) -> Text:
        if self._text is None:
            tree = self._tree
            assert isinstance(tree, RecordingTree)
            self._text = tree._made_label(self)
        return self._text

    @_label.setter
    def _label(self, label: Text) -> None:
        self._text = label


_L = TypeVar("_L", bound=_Lazy)


class _Row(_Lazy):
    """A recording's row (its data: the RecordingSummary)."""


class _Section(_Lazy):
    """A section (its data: the GroupKey); `total`: its recordings before the filter, when
    one is set (its title says n/total)."""

    total: int | None = None


@total_ordering
class _Descending:
    """A sort key compared backwards: bisect over rows kept newest (largest) first."""

    __slots__ = ("key",)

    def __init__(self, key: tuple) -> None:
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.key == other.key

    def __lt__(self, other: _Descending) -> bool:
        return self.key > other.key


class RecordingTree(Tree[NodeData]):
    """Recordings grouped by source and section; leaves carry their RecordingSummary."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("recordings", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = True
        self._sources: dict[str, dict[str, RecordingSummary]] = {}
        self._source_nodes: dict[str, TreeNode[NodeData]] = {}
        self._leaves: dict[str, _Row] = {}
        self._cells: dict[str, tuple[RecordingSummary, dict[str, str]]] = {}  # location
        self._reviews: dict[str, ReviewStatus] = {}  # location: its review (none: unreviewed)
        self.review_filter: str | None = None
        """Only the recordings this review filter keeps (castview.reviews.keeps; None: all)."""
        # Recordings that share a node and a file name (failover copies): merged, so a
        # header arriving for one of them may merge or split rows.
        self._names: Counter[tuple[str, str, str]] = Counter()
        self._filter = ""
        self._words = ""  # the filter less its review: words
        self._typed_reviews: tuple[str, ...] = ()
        self._collapsed: set[GroupKey] = set()
        self._expanded: set[GroupKey] = set()
        self._colours: dict[str, str] | None = None
        self.view = BY_NODE
        self.sort = BY_START
        self.reverse = False
        self.names: NodeNames = {}

    def process_label(self, label: TextType) -> Text:
        """A label given as a string is plain text, never markup: node IDs and folder
        names come from the recordings (`[/]` would crash the tree, `[conceal]` hide). A
        one-line Text (every row) is taken as it is: splitting it into lines costs more
        than making it."""
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(Text(printable(label)) if isinstance(label, str) else label)

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        """The label cut to the room its line has, ending in `…` when it was cut."""
        label = super().render_label(node, base_style, style)
        if node.line < 0 or node.line >= len(self._tree_lines):
            return label
        room = self.scrollable_content_region.width - self._tree_lines[node.line]._get_guide_width(
            self.guide_depth, self.show_root)
        if 0 < room < label.cell_len:
            label.truncate(room, overflow="ellipsis")
        return label

    def get_label_width(self, node: TreeNode[NodeData]) -> int:
        """Labels are cut to the width (`render_label`): none widens the tree, and a
        rebuild of the lines does not render every label to measure it."""
        return 0

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
        self._relabel_all()

    def _relabel_all(self) -> None:
        for leaf in self._leaves.values():
            leaf._text = None
        self.refresh()

    def _made_label(self, node: _Lazy) -> Text:
        if isinstance(node, _Section):
            assert isinstance(node.data, GroupKey)
            recs = [leaf.data for leaf in node._children if isinstance(leaf.data, RecordingSummary)]
            return self.process_label(section_label(self.view, Section(node.data.key, recs), node.total, self.names))
        assert isinstance(node.data, RecordingSummary)
        return self._label(node.data)

    def _label(self, rec: RecordingSummary) -> Text:
        """A row's label in the current view (its cells kept per recording)."""
        if rec.status == PENDING:
            return recording_label(rec)
        known = self._cells.get(rec.ref.location)
        if known is None or known[0] is not rec:
            known = self._cells[rec.ref.location] = (rec, row_cells(rec, self.names))
        return self.process_label(recording_label(rec, self._colours, self.view, self.names, known[1],
                                                  self._mark(rec.ref.location)))

    def review_of(self, location: str) -> ReviewStatus | None:
        """The recording's review as last read (None: unreviewed, or not read yet)."""
        return self._reviews.get(location)

    def _mark(self, location: str) -> str:
        status = self._reviews.get(location)
        return review_mark(status) if status is not None else ""

    def set_reviews(self, statuses: dict[str, ReviewStatus]) -> None:
        """Each recording's review (absent: unreviewed): the rows whose mark changed
        relabelled; under a review filter, the recordings it keeps shown again."""
        old = {loc: self._mark(loc) for loc in statuses.keys() | self._reviews.keys()}
        kept = {loc: self._keeps(loc) for loc in old}
        self._reviews = {loc: status for loc, status in statuses.items() if status.review is not None or status.changed}
        for loc in old:
            leaf = self._leaves.get(loc)
            if leaf is not None and self._mark(loc) != old[loc]:
                self._relabel(leaf)
        if any(self._keeps(loc) != was for loc, was in kept.items()):
            self.sync()

    def _keeps(self, location: str) -> bool:
        status = self._reviews.get(location, UNREVIEWED_STATUS)
        return all(keeps(status, wanted) for wanted in (self.review_filter, *self._typed_reviews))

    def set_review_filter(self, wanted: str | None) -> None:
        if wanted != self.review_filter:
            self.review_filter = wanted
            self.sync()

    # -- what the screen feeds in --------------------------------------------------------
    def add_source(self, label: str) -> None:
        if label not in self._sources:
            self._sources[label] = {}
            node = self.root.add(Text(printable(label), style="bold"), SourceKey(label), expand=True)
            self._source_nodes[label] = node

    def add_refs(self, source: str, refs: list[RecordingRef]) -> None:
        self.add_source(source)
        known = self._sources[source]
        added = []
        for ref in refs:
            if ref.location not in known:
                rec = known[ref.location] = pending(ref)
                self._names[self._name_key(rec)] += 1
                added.append(rec)
        self._place(source, added)

    def update_summaries(self, summaries: list[RecordingSummary]) -> None:
        by_source: dict[str, list[RecordingSummary]] = {}
        for rec in summaries:
            by_source.setdefault(rec.ref.source, []).append(rec)
        for source, recs in by_source.items():
            self.add_source(source)
            known = self._sources[source]
            changed = []
            for rec in recs:
                old = known.pop(rec.ref.location, None)
                if old is not None:
                    self._names[self._name_key(old)] -= 1
                if keep(rec):
                    known[rec.ref.location] = rec
                    self._names[self._name_key(rec)] += 1
                    changed.append((old, rec))
                elif old is not None:
                    changed.append((old, None))
            self._apply(source, changed)

    def remove_locations(self, refs: list[RecordingRef]) -> None:
        """Forget recordings that went away (a section left empty goes too)."""
        by_source: dict[str, list[tuple[RecordingSummary, None]]] = {}
        for ref in refs:
            known = self._sources.get(ref.source)
            old = known.pop(ref.location, None) if known is not None else None
            if old is not None:
                self._names[self._name_key(old)] -= 1
                self._cells.pop(ref.location, None)
                by_source.setdefault(ref.source, []).append((old, None))
        for source, changed in by_source.items():
            self._apply(source, changed)

    def reset(self) -> None:
        """Forget every source and recording (before reading the sources again)."""
        self.clear()
        self._sources.clear()
        self._source_nodes.clear()
        self._leaves.clear()
        self._cells.clear()
        self._names.clear()

    def set_filter(self, query: str) -> None:
        """What `/` typed: words every recording shown holds, and `review:unreviewed`,
        `review:ok`... (REVIEW_FILTERS) keeping only the recordings of that review."""
        if query != self._filter:
            self._filter = query
            words = query.split()
            self._typed_reviews = tuple(w.lower()[len(REVIEW_WORD):] for w in words if w.lower() in REVIEW_WORDS)
            self._words = " ".join(w for w in words if w.lower() not in REVIEW_WORDS)
            self.sync()

    def set_view(self, view: str | None = None, sort: str | None = None, reverse: bool | None = None) -> None:
        """Show another view or order (the cursor stays on its recording)."""
        self.view = view or self.view
        self.sort = sort or self.sort
        self.reverse = self.reverse if reverse is None else reverse
        self.sync(rebuild=True)

    def set_names(self, names: NodeNames) -> None:
        """Node names arrived: relabel the rows and sections that show them."""
        if names != self.names:
            self.names = names
            self._cells.clear()
            self.sync(rebuild=True)

    @property
    def filter(self) -> str:
        return self._filter

    @property
    def filtering(self) -> bool:
        """Some recordings may be hidden (a filter typed, or a review filter)."""
        return bool(self._filter) or self.review_filter is not None

    @property
    def total(self) -> int:
        return sum(len(s) for s in self._sources.values())

    @property
    def shown(self) -> int:
        return len(self._leaves)

    def summaries(self) -> list[RecordingSummary]:
        return [rec for known in self._sources.values() for rec in known.values()]

    def first_recording(self) -> TreeNode[NodeData] | None:
        for snode in self._source_nodes.values():
            for child in snode.children:
                if isinstance(child.data, RecordingSummary):
                    return child
                for leaf in child.children:
                    return leaf
        return None

    # -- placing one recording at a time -------------------------------------------------
    @staticmethod
    def _name_key(rec: RecordingSummary) -> tuple[str, str, str]:
        return (rec.ref.source, rec.node_id, rec.ref.name)

    def _shown(self, rec: RecordingSummary) -> bool:
        return matches(rec, self._words, self.names) and self._keeps(rec.ref.location)

    def _apply(self, source: str, changed: list[tuple[RecordingSummary | None, RecordingSummary | None]]) -> None:
        """Relabel rows that keep their place, move the others; arrange everything again
        only when failover copies may merge or split."""
        if any(self._names[self._name_key(rec)] > 1 for pair in changed for rec in pair if rec is not None):
            self.sync()
            return
        key = sort_key(self.sort)
        moved: list[RecordingSummary] = []
        touched: set[TreeNode[NodeData]] = set()
        for old, rec in changed:
            leaf = self._leaves.get(old.ref.location) if old is not None else None
            if rec is not None and leaf is not None and old is not None and self._shown(rec) \
                    and section_key(self.view, old) == section_key(self.view, rec) and key(old) == key(rec):
                leaf.data = rec
                self._relabel(leaf)
                if leaf.parent is not None:
                    touched.add(leaf.parent)
                continue
            if leaf is not None:
                if leaf.parent is not None:
                    touched.add(leaf.parent)
                self._take_out(leaf)
            if rec is not None and self._shown(rec):
                moved.append(rec)
        self._place(source, moved, touched)

    def _relabel(self, node: _Lazy) -> None:
        """A node's label made anew when next read, repainting only its line if it is on
        screen (`set_label` schedules a callback per node that looks through every line on
        screen)."""
        node._text = None
        node._updates += 1
        line = node._line
        if self._tree_lines_cached is not None and 0 <= line - self.scroll_offset.y < self.size.height:
            self._refresh_line(line)

    def _take_out(self, leaf: TreeNode[NodeData]) -> None:
        assert isinstance(leaf.data, RecordingSummary)
        self._leaves.pop(leaf.data.ref.location, None)
        parent = leaf.parent
        leaf.remove()
        if parent is not None and isinstance(parent.data, GroupKey) and not parent.children:
            parent.remove()

    def _place(self, source: str, recs: list[RecordingSummary], touched: set[TreeNode[NodeData]] | None = None) -> None:
        """Put recordings (not in the tree yet) where the view and the order want them, then
        retitle the sections that changed (`touched`, and those given rows here)."""
        touched = set() if touched is None else touched
        recs = [rec for rec in recs if self._shown(rec)]
        snode = self._source_nodes[source]
        key = sort_key(self.sort)

        def position(rec: RecordingSummary) -> _Descending | tuple:
            return key(rec) if self.reverse else _Descending(key(rec))

        buckets: dict[str, list[RecordingSummary]] = {}
        for rec in recs:
            buckets.setdefault(section_key(self.view, rec), []).append(rec)
        for skey, bucket in buckets.items():
            parent = snode if self.view == BY_TIME else self._section_node(snode, GroupKey(source, self.view, skey),
                                                                            bucket)
            rows = parent._children
            if len(bucket) * 8 < len(rows):  # a few: each put in its place
                for rec in bucket:
                    at = bisect_left(rows, position(rec), key=lambda leaf: position(leaf.data))  # type: ignore[arg-type]
                    self._leaves[rec.ref.location] = self._new(_Row, parent, rec, at=at)
            else:  # many (a batch just listed): appended, then one sort of two sorted runs
                for rec in bucket:
                    self._leaves[rec.ref.location] = self._new(_Row, parent, rec)
                rows.sort(key=lambda leaf: key(leaf.data), reverse=not self.reverse)  # type: ignore[arg-type]
            touched.add(parent)
        if buckets:
            self._invalidate()
        self._retitle(source, touched)

    def _section_node(self, snode: TreeNode[NodeData], gkey: GroupKey,
                      arriving: list[RecordingSummary]) -> TreeNode[NodeData]:
        """A section's node, added in its place among the others when new (collapsed when
        it arrives with many recordings)."""
        sections = snode.children
        for child in sections:
            if child.data == gkey:
                return child
        order = section_order(self.view, gkey.key, arriving, self.names)
        at = bisect_left(sections, order, key=lambda child: self._order_of(child))
        return self._new(_Section, snode, gkey, expand=self._should_expand(gkey, len(arriving)), at=at)

    def _order_of(self, section: TreeNode[NodeData]) -> tuple:
        assert isinstance(section.data, GroupKey)
        recs = [leaf.data for leaf in section.children if isinstance(leaf.data, RecordingSummary)]
        return section_order(self.view, section.data.key, recs, self.names)

    def _retitle(self, source: str, touched: set[TreeNode[NodeData]]) -> None:
        """Titles (counts, names, hosts) of the sections that changed; a section now out of
        order among its neighbours (a connection's newest recording arrived, a dstNode
        named a node) arranges the source again."""
        snode = self._source_nodes[source]
        sections = snode._children
        changed = [child for child in touched
                   if child.parent is snode and child.id in self._tree_nodes and isinstance(child.data, GroupKey)]
        if not changed:
            return
        for child in changed:
            at = sections.index(child)
            neighbours = [sections[i] for i in (at - 1, at, at + 1) if 0 <= i < len(sections)]
            orders = [self._order_of(n) for n in neighbours]
            if orders != sorted(orders):
                self.sync()
                return
        totals = self._totals(source) if self.filtering else {}
        for child in changed:
            self._retitle_one(child, totals)

    def _retitle_one(self, child: TreeNode[NodeData], totals: dict[str, int]) -> None:
        assert isinstance(child, _Section) and isinstance(child.data, GroupKey)
        child.total = totals.get(child.data.key)
        self._relabel(child)

    def _relabel_sections(self, source: str) -> None:
        """Every section's title (after the filter changed the counts)."""
        totals = self._totals(source) if self.filtering else {}
        for child in self._source_nodes[source].children:
            if isinstance(child.data, GroupKey):
                self._retitle_one(child, totals)

    def _totals(self, source: str) -> dict[str, int]:
        counts: Counter[str] = Counter(section_key(self.view, rec) for rec in self._sources[source].values())
        return dict(counts)

    # -- arranging everything ------------------------------------------------------------
    def sync(self, rebuild: bool = False) -> None:
        """Make the tree show the current summaries under the current view and filter;
        `rebuild`: the view or the order changed, so every row is placed again."""
        cursor = self.cursor_node
        cursor_data = cursor.data if cursor is not None else None
        for source, known in self._sources.items():
            snode = self._source_nodes[source]
            wanted = arrange((rec for rec in merge_copies(known.values()) if self._shown(rec)),
                             self.view, self.sort, self.reverse, self.names)
            self._sync_source(source, snode, wanted, rebuild)
        if cursor_data is not None:
            self._restore_cursor(cursor_data)

    def _sync_source(self, source: str, snode: TreeNode[NodeData], sections: list[Section], rebuild: bool) -> None:
        if self.view == BY_TIME:
            wanted = sections[0].recordings if sections else []
            current = [leaf.data for leaf in snode.children]
            if rebuild or current != wanted:
                self._refill(snode, wanted)
                self._invalidate()
            return
        wanted_keys = [GroupKey(source, self.view, s.key) for s in sections]
        if rebuild or [child.data for child in snode.children] != wanted_keys:
            self._refill(snode, [])
            totals = self._totals(source) if self.filtering else {}
            for gkey, section in zip(wanted_keys, sections, strict=True):
                gnode = self._new(_Section, snode, gkey, expand=self._should_expand(gkey, len(section.recordings)))
                gnode.total = totals.get(gkey.key)
                self._refill(gnode, section.recordings)
            self._invalidate()
            return
        for gnode, section in zip(snode.children, sections, strict=True):
            if [leaf.data for leaf in gnode.children] != section.recordings:
                self._refill(gnode, section.recordings)
                self._invalidate()
        self._relabel_sections(source)

    def _forget(self, node: TreeNode[NodeData]) -> None:
        for child in node.children:
            if isinstance(child.data, RecordingSummary):
                self._leaves.pop(child.data.ref.location, None)
            else:
                self._forget(child)

    def _new(self, kind: type[_L], parent: TreeNode[NodeData], data: NodeData, expand: bool = False,
             at: int | None = None) -> _L:
        """A row or a section put among the parent's children (at the end, or at `at`), its
        label left to be made when read, without invalidating the tree: `add` invalidates
        (and schedules a layout) per node, most of the cost of showing ten thousand. The
        caller invalidates once."""
        node = kind(self, parent, self._new_id(), _NO_LABEL, data, expanded=expand, allow_expand=kind is _Section)
        node._text = None
        self._tree_nodes[node._id] = node
        if at is None:
            parent._children.append(node)
        else:
            parent._children.insert(at, node)
        parent._updates += 1
        return node

    def _drop_children(self, parent: TreeNode[NodeData]) -> None:
        """Forget a node's children in one pass (Tree removes each child by searching its
        parent's list: quadratic, seconds for ten thousand rows)."""
        for child in parent._children:
            self._drop_children(child)
            del self._tree_nodes[child.id]
        parent._children.clear()
        parent._updates += 1

    def _refill(self, parent: TreeNode[NodeData], recordings: list[RecordingSummary]) -> None:
        """Replace a node's children with rows for the recordings (the caller invalidates)."""
        self._forget(parent)
        self._drop_children(parent)
        for rec in recordings:
            self._leaves[rec.ref.location] = self._new(_Row, parent, rec)

    def _should_expand(self, key: GroupKey, count: int) -> bool:
        if key in self._collapsed:
            return False
        return key in self._expanded or count <= EXPAND_LIMIT or self.filtering

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
        if isinstance(data, RecordingSummary):
            return self._leaves.get(data.ref.location)
        snode = self._source_nodes.get(data.source)
        return next((child for child in snode.children if child.data == data), None) if snode else None

    # -- remembering what the user opened or closed --------------------------------------
    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[NodeData]) -> None:
        if isinstance(event.node.data, GroupKey):
            self._collapsed.add(event.node.data)
            self._expanded.discard(event.node.data)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        if isinstance(event.node.data, GroupKey):
            self._expanded.add(event.node.data)
            self._collapsed.discard(event.node.data)
