"""Is the store's write-ahead log damaged? Read the ``-wal`` and ``-shm`` files without SQLite.

SQLite replays the write-ahead log (``<store>-wal``) frame by frame and stops at
the first frame whose salt or checksum does not match: every transaction after a
damaged frame is silently dropped, and the next checkpoint (at the latest, when
the last connection closes) makes the loss permanent by resetting the log. A log
whose header is damaged is dropped whole. :func:`wal_damage` reads the two files
the way SQLite's recovery does, *before* SQLite opens them, and says whether such
a replay would drop committed transactions:

* committed frames after a damaged one (frames with the log's salt and a commit
  mark beyond the first bad frame);
* fewer committed frames in the log than the wal-index (``<store>-shm``, left by a
  process that died or is still running) says were committed (a truncated log);
* a damaged header on a log that holds frames (unless the wal-index says no frame
  was committed since the log was last reset).

A torn last frame (a process or machine that died while writing an
unacknowledged transaction) is normal and not damage. The store keeps the log
empty between writes (it checkpoints after every commit), so a damaged log can
only cost anything when a commit could not be checkpointed (another connection
was reading at the time); this check then keeps SQLite from discarding it.

Format: https://www.sqlite.org/fileformat2.html#walformat (header, frames,
checksums) and https://www.sqlite.org/walformat.html (wal-index header).

Examples
--------
>>> from pathlib import Path
>>> from tempfile import TemporaryDirectory
>>> with TemporaryDirectory() as tmp:
...     db = Path(tmp) / "a.sqlite"
...     _ = db.with_name("a.sqlite-wal").write_bytes(b"garbage" * 1000)
...     print(wal_damage(db).split(";")[0])
its header is not a valid write-ahead log header, but the file holds 7,000 bytes
"""

from __future__ import annotations

import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WalScan", "scan_wal", "shm_committed", "wal_damage"]

_MAGIC = (0x377F0682, 0x377F0683)  # little- / big-endian checksums
_VERSION = 3007000
_HEADER = 32
_FRAME_HEADER = 24
_MASK = 0xFFFFFFFF


def _checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum of ``data`` (a multiple of 8 bytes), continuing (s0, s1)."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & _MASK
        s1 = (s1 + words[i + 1] + s0) & _MASK
    return s0, s1


@dataclass(frozen=True)
class WalScan:
    """What SQLite's recovery would find in a write-ahead log.

    ``header_ok``: the header is valid; ``salt``: its salt bytes; ``frame_size``:
    bytes per frame; ``frames``: whole frames in the file; ``valid``: frames SQLite
    replays up to the first bad one; ``committed``: the last commit frame among them
    (0: none); ``commits_after``: commit frames carrying the log's salt beyond the
    first bad frame (committed transactions a replay would drop).
    """

    header_ok: bool
    salt: bytes
    frame_size: int
    frames: int
    valid: int
    committed: int
    commits_after: int


def scan_wal(data: bytes, page_size: int = 4096) -> WalScan:
    """Scan the bytes of a ``-wal`` file (``page_size``: used when the header is damaged).

    Examples
    --------
    >>> scan = scan_wal(b"")
    >>> scan.header_ok, scan.frames, scan.committed
    (False, 0, 0)
    """
    header_ok, salt = False, b""
    if len(data) >= _HEADER:
        magic, version, size, _, _, _, c0, c1 = struct.unpack(">8I", data[:_HEADER])
        if (
            magic in _MAGIC
            and version == _VERSION
            and 512 <= size <= 65536
            and not size & (size - 1)
        ):
            big = bool(magic & 1)
            header_ok = _checksum(data[:24], big, 0, 0) == (c0, c1)
            page_size = size if header_ok else page_size
        salt = data[16:24]
    frame_size = _FRAME_HEADER + page_size
    frames = max(0, (len(data) - _HEADER) // frame_size)
    valid = committed = commits_after = 0
    if header_ok:
        sums = (c0, c1)
        for k in range(frames):
            at = _HEADER + k * frame_size
            head = data[at : at + _FRAME_HEADER]
            page_no, commit = struct.unpack(">II", head[:8])
            ours = head[8:16] == salt
            if valid == k:  # still on the valid prefix
                sums_k = _checksum(head[:8], big, *sums)
                sums_k = _checksum(data[at + _FRAME_HEADER : at + frame_size], big, *sums_k)
                if ours and page_no and sums_k == struct.unpack(">II", head[16:24]):
                    sums, valid = sums_k, k + 1
                    committed = k + 1 if commit else committed
                    continue
            elif ours and commit:
                commits_after += 1
    return WalScan(header_ok, salt, frame_size, frames, valid, committed, commits_after)


def shm_committed(shm: bytes) -> tuple[int, bytes] | None:
    """``(last committed frame, salt)`` from a ``-shm`` wal-index header, if it is consistent.

    The header is stored twice in native byte order with a checksum; a torn or
    stale copy gives ``None`` (nothing is concluded from it).

    Examples
    --------
    >>> shm_committed(b"\\x00" * 136) is None  # not initialised
    True
    """
    if len(shm) < 96 or shm[:48] != shm[48:96]:
        return None
    version, _, _, is_init, _, _, max_frame, _, _, _, salt, *sums = struct.unpack(
        "=IIIBBHIIII8sII", shm[:48]
    )
    if version != _VERSION or not is_init:
        return None
    if _checksum(shm[:40], sys.byteorder == "big", 0, 0) != tuple(sums):
        return None
    return max_frame, salt


def _page_size(db: Path) -> int:
    try:
        with open(db, "rb") as fh:
            head = fh.read(100)
    except OSError:
        return 4096
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        return 4096
    size = struct.unpack(">H", head[16:18])[0]
    return 65536 if size == 1 else size or 4096


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # missing, or unreadable: SQLite reports what it cannot open
        return None


def _verdict(db: Path, shm: bytes | None, wal: bytes) -> str | None:
    scan = scan_wal(wal, _page_size(db))
    index = shm_committed(shm) if shm is not None else None
    if index is not None and index[0] == 0:
        return None  # nothing committed since the log was last reset: its content is stale
    n = f"{len(wal):,} bytes"
    if index is not None and scan.header_ok and index[1] == scan.salt and index[0] > scan.committed:
        return (
            f"only {scan.committed} of the {index[0]} committed frames its index (-shm) "
            f"records can be replayed: the log ({n}) is truncated or damaged from frame "
            f"{scan.committed + 1}"
        )
    if scan.header_ok and scan.commits_after:
        return (
            f"frame {scan.valid + 1} of {scan.frames} is damaged: {scan.commits_after} "
            "committed transaction(s) after it would be dropped"
        )
    if not scan.header_ok and (scan.frames or index is not None):
        return f"its header is not a valid write-ahead log header, but the file holds {n}"
    return None


def wal_damage(db: str | Path, *, retries: int = 3) -> str | None:
    """Why opening ``db`` would drop committed transactions of its ``-wal`` file, or ``None``.

    Reads ``<db>-shm`` before ``<db>-wal`` (a concurrent writer appends frames before
    it records them in the index), and re-reads up to ``retries`` times when the
    files change between two reads, so a writer at work is not taken for damage.
    """
    db = Path(db)
    wal_path, shm_path = db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")
    verdict, previous = None, None
    for attempt in range(retries + 1):
        shm, wal = _read(shm_path), _read(wal_path)
        if not wal:
            return None
        verdict = _verdict(db, shm, wal)
        if verdict is None or (shm, wal) == previous:
            return verdict
        previous = (shm, wal)
        if attempt < retries:
            time.sleep(0.05)
    return verdict
