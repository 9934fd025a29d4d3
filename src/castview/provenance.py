"""Where an exported frame comes from: the recording, who, when, its checksum, castview.

An export handed to someone else must say what it shows without castview at hand: SVG and
HTML carry these fields in their title and metadata (and, asked for, a visible caption);
text and ANSI carry them as a header block when asked (`--provenance`), since text to
stdout stays exactly the screen.

Every value from a recording (path, node, users, connection ID) is hostile: `Provenance`
holds them already made printable (controls and invisible characters escaped, length
bounded); the renderers (term/render.py) escape them for XML and HTML.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from . import formatting as fmt
from .sanitize import printable
from .sources.layout import format_ns

if TYPE_CHECKING:
    from .sources.catalog import RecordingSummary

MAX_VALUE = 300
"""Characters kept of one value (a header can hold a megabyte-long user name)."""
_NOT_XML = re.compile("[\ufffe\uffff]")  # not characters: an XML parser rejects them
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Provenance:
    title: str
    fields: tuple[tuple[str, str], ...]
    """(name, printable value): recording, node, user, ssh_user, connection_id, time,
    position, link, sha256, castview."""

    def text_block(self) -> str:
        """The header block of a text or ANSI export (`--provenance`), ending in a blank line."""
        width = max(len(name) for name, _ in self.fields)
        lines = [f"# {name.ljust(width)}  {value}".rstrip() for name, value in self.fields]
        return "\n".join(["# castview export", *lines, "", ""])

    def masked(self, mask: Callable[[str], str]) -> Provenance:
        """With *mask* (a redactor's) over the title and every value: an evidence pack's
        frames say no more than its clip."""
        return Provenance(mask(self.title), tuple((name, mask(value)) for name, value in self.fields))


def clean(value: object) -> str:
    """A value from a recording as shown in an export: printable, bounded, "" for none."""
    if value is None:
        return ""
    text = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", printable(str(value)))
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def sha256_of(opener: Callable[[], BinaryIO]) -> str:
    """The hex SHA-256 of the whole file, streamed in chunks (never held whole)."""
    digest = hashlib.sha256()
    with opener() as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def castview_version() -> str:
    """The installed distribution's version (the package's own when run from a checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("castview")
    except PackageNotFoundError:
        from . import __version__

        return __version__


def absolute(location: str) -> str:
    """A local path made absolute (an export read elsewhere, or a link pasted from another
    folder, must still name the file); an s3:// URL as it is."""
    from .sources.s3_url import is_s3_url

    return location if is_s3_url(location) else os.path.abspath(location)


def provenance(summary: RecordingSummary, position: float, before: float | None, sha256: str) -> Provenance:
    """The provenance of the frame at `position` (the next event at `before`) of a recording:
    its time and position are shown so that they name that frame (formatting.py)."""
    from .moments import link

    h = summary.header
    location = absolute(summary.ref.location)
    wall = fmt.wall_decimal(summary.start_ns, position, before)
    when = format_ns(fmt.wall_ns(wall)) or fmt.UNKNOWN
    at = fmt.clock(position, before)
    fields = (
        ("recording", clean(location)),
        ("node", clean(summary.node_id)),
        ("user", clean(h.src_node_user or h.who if h else None)),
        ("ssh_user", clean(h.ssh_user if h else None)),
        ("connection_id", clean(h.connection_id if h else None)),
        ("time", when),
        ("position", at),
        ("link", clean(link(location, summary.start_ns, position, before))),
        ("sha256", sha256),
        ("castview", clean(castview_version())),
    )
    title = f"castview: {clean(summary.node_id)} at {when} ({clean(summary.ref.name)} at {at})"
    return Provenance(title, fields)
