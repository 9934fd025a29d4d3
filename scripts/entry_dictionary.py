"""Make castview's zstd dictionary of small entry parts (src/castview/data/entries.zdict).

    PYTHONPATH=src python scripts/entry_dictionary.py [OUT]

Trained on the parts of the entries of the public test recordings (tests/data: no sample
recording, so the fleet benchmark made of the samples measures it on text it never saw),
with a fixed key and fingerprint per recording and fixed training parameters: the same
code and zstd make the same bytes. A new dictionary needs a new search_index.FORMAT.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import zstandard

import castview.analysis.text as text
import castview.search_index as search_index
from castview.analysis.run import analyse
from castview.term.fingerprint import Fingerprint

ROOT = Path(__file__).resolve().parent.parent
SIZE = 8192  # 16 and 32 KB ones made the fleet's entries no smaller
PIECE = 1024  # parts are cut into pieces this long: the trainer wants many samples


def parts(path: Path) -> list[bytes]:
    """The uncompressed parts of the entry of the recording at `path`."""
    data = path.read_bytes()
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    fp = Fingerprint(len(data), 0.0, None, digest, digest)
    scan = analyse(lambda: path.open("rb"), path.name, len(data))
    assert scan is not None
    key = f"/recordings/{path.parent.name}/{path.name}"
    header, first, *frames = search_index.encode(key, fp, scan)
    plain = zstandard.ZstdDecompressor()
    if scan.packer.solid:  # one frame: the metadata, then the parts as they are
        meta_len = search_index.ENTRY_HEADER.unpack(header)[2]
        return [plain.decompress(first)[:meta_len], *scan.packer.parts]
    return [plain.decompress(bytes(f)) for f in (first, *frames)]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "src" / "castview" / "data" / text.DICTIONARY
    # without a dictionary while the parts are made: the one being replaced must not matter
    plain = zstandard.ZstdCompressor(level=3)
    text.small_compressor = search_index.small_compressor = lambda: plain
    recordings = sorted((ROOT / "tests" / "data").glob("*/*.cast"))
    pieces = [p[i:i + PIECE] for r in recordings for p in parts(r) for i in range(0, len(p), PIECE)]
    made = zstandard.train_dictionary(SIZE, pieces, k=200, d=8, threads=1)
    out.write_bytes(made.as_bytes())
    print(f"{out}: {len(made.as_bytes())} bytes, id {made.dict_id()}, from {len(recordings)} recordings")


if __name__ == "__main__":
    main()
