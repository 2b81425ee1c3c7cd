"""The parsed-table cache: parquet files that carry their own sha256, verified on every read.

:func:`workbench.loaders.load` keeps each parsed table as
``<parsed_dir>/<name>-<fingerprint>.parquet``; beside it, ``<file>.sha256`` records the
parquet file's sha256 when it was written. :func:`read` hashes the parquet file again and
returns the table only when both agree. A cache file that was modified, truncated,
replaced or whose checksum is missing is never used: :func:`read` emits a
:class:`~workbench.errors.CacheWarning` naming the file and returns None, and the caller
parses the raw files again and rewrites both files (:func:`write`).

The checksum is written *before* the parquet file is moved into place, each through a
temporary file and :func:`os.replace`, so a reader never sees a parquet file without the
checksum of its content (a crash in between leaves a checksum that does not match: the
next read rebuilds, with a warning).

Examples
--------
>>> import tempfile, pandas as pd
>>> target = Path(tempfile.mkdtemp()) / "toy-0123.parquet"
>>> write(target, pd.DataFrame({"x": [1, 2]}))
>>> read(target)["x"].tolist()
[1, 2]
>>> _ = target.write_bytes(target.read_bytes()[:-8])  # damage it
>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     print(read(target))
None
>>> caught[0].category.__name__
'CacheWarning'
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd

from ..errors import CacheWarning
from ..fetch import sha256

__all__ = ["checksum_path", "read", "write"]


def checksum_path(target: Path) -> Path:
    """Where the sha256 of a cached parquet file is recorded (``<file>.sha256``)."""
    return target.with_name(target.name + ".sha256")


def read(target: Path) -> pd.DataFrame | None:
    """The cached table, or None when there is none or it fails its checksum (with a warning).

    Parameters
    ----------
    target : Path
        The parquet file.

    Returns
    -------
    DataFrame or None
        None if ``target`` does not exist (no warning), or if its recorded checksum is
        missing, differs from the file's sha256, or the file cannot be read
        (:class:`~workbench.errors.CacheWarning` naming the file and the reason).
    """
    if not target.is_file():
        return None
    record = checksum_path(target)
    expected = record.read_text().strip() if record.is_file() else None
    got = sha256(target)
    if expected != got:
        reason = (
            f"no recorded checksum ({record.name} is missing)"
            if expected is None
            else f"sha256 {got[:12]}... differs from the recorded {expected[:12]}..."
        )
        _warn(target, reason)
        return None
    try:
        return pd.read_parquet(target)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a bad file
        _warn(target, f"unreadable parquet ({type(exc).__name__}: {exc})")
        return None


def write(target: Path, df: pd.DataFrame) -> None:
    """Write ``df`` to ``target`` as parquet and record its sha256 beside it (atomically)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    df.to_parquet(tmp, index=False)
    record = checksum_path(target)
    record_tmp = record.with_name(f"{record.name}.{os.getpid()}.tmp")
    record_tmp.write_text(sha256(tmp) + "\n")
    os.replace(record_tmp, record)
    os.replace(tmp, target)


def _warn(target: Path, reason: str) -> None:
    warnings.warn(
        f"{target}: parsed-table cache is damaged or was modified ({reason}); "
        "ignoring it and rebuilding it from the raw files",
        CacheWarning,
        stacklevel=4,  # _warn, read, load: the warning points at the caller of load()
    )
