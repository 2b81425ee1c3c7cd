"""Raw-file access: the local mirror, or a checksum-verified download into the cache.

Every raw file a loader reads is listed, with its sha256, in
``workbench/loaders/registry/<folder>.txt`` (``<mirror path> <sha256> [<remote path>]``
per line). :func:`fetch` returns a local path for one of them:

1. with ``WORKBENCH_DATA_MIRROR`` set, ``<mirror>/<folder>/<path>`` (the staged
   layout), after checking its sha256;
2. otherwise, or when the mirror lacks that file (a :class:`MirrorWarning` says so and
   names the URL), the file is downloaded once with :mod:`pooch` from the dataset's
   public source at a pinned commit (or from ``WORKBENCH_DATA_BASE_URL``) into
   :func:`workbench.paths.download_dir`, with a progress bar and sha256
   verification. A download that fails (no network, a refused connection, HTTP 404)
   raises :class:`DownloadError`: one paragraph naming the dataset, the file, the URL
   and the mirror variable, without the network library's traceback.

A checksum mismatch raises :class:`ChecksumError` naming the file; a cached
file that no longer matches is downloaded again, never silently used.

Every call hashes the file again: there is no in-process memo of verified files,
because a memo keyed on (size, mtime) lets an edit through that keeps the size
and restores the mtime (``os.utime``), and inode / ctime keys are only as fine as
the file system's timestamps. Hashing costs about 130 ms for LLMBar's 392 files
(70 MB, the largest dataset), against 1.5 s to parse them, and nothing when
:func:`workbench.loaders.load` answers from its parsed-table cache.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from . import paths
from .schema import LoadError

__all__ = [
    "ChecksumError",
    "DownloadError",
    "MirrorWarning",
    "Source",
    "fetch",
    "registry",
    "sha256",
    "write_registry",
]

MIRROR_VARIABLE = "WORKBENCH_DATA_MIRROR"
"""The environment variable naming the local mirror (:func:`workbench.paths.mirror_dir`)."""


class ChecksumError(LoadError):
    """A raw file's sha256 differs from the pinned one."""


class DownloadError(FileNotFoundError):
    """A raw file could not be downloaded; the message names dataset, file, URL and the mirror
    variable (a :class:`FileNotFoundError`: the file could not be had, from mirror or network)."""


class MirrorWarning(UserWarning):
    """The mirror lacks a registered file, so it is downloaded from its pinned source."""


@dataclass(frozen=True)
class Source:
    """Where a dataset's raw files come from.

    Parameters
    ----------
    folder : str
        Folder name in the mirror (``shared/datasets/<folder>``) and the cache.
    base_url : str
        Download base for remote paths, pinned to a commit.
    homepage : str
        Human-readable origin (repository at its commit).
    license : str
        SPDX-style license of the data.
    citation : str
        The dataset's paper.
    """

    folder: str
    base_url: str
    homepage: str
    license: str
    citation: str
    notes: str = field(default="")

    def url(self, remote_path: str) -> str:
        """Download URL of one file (``WORKBENCH_DATA_BASE_URL`` overrides the base)."""
        override = os.environ.get("WORKBENCH_DATA_BASE_URL")
        if override:
            return f"{override.rstrip('/')}/{quote(self.folder)}/{quote(remote_path)}"
        return self.base_url.rstrip("/") + "/" + quote(remote_path)


def sha256(path: Path, *, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


@cache
def registry(folder: str) -> dict[str, tuple[str, str]]:
    """``{mirror path: (sha256, remote path)}`` for one dataset folder."""
    text = resources.files("workbench.loaders").joinpath("registry", f"{folder}.txt").read_text()
    out: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        out[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else parts[0])
    return out


def fetch(source: Source, path: str) -> Path:
    """Local path of one registered raw file, from the mirror or a verified download.

    Parameters
    ----------
    source : Source
        The dataset's source.
    path : str
        The file's path inside the dataset folder, as listed in its registry.

    Warns
    -----
    MirrorWarning
        The mirror is set but lacks the file: it is downloaded instead.

    Raises
    ------
    KeyError
        ``path`` is not in the registry.
    DownloadError
        The download failed (offline, refused, not found upstream).
    ChecksumError
        The file's sha256 differs from the registry's.
    """
    reg = registry(source.folder)
    if path not in reg:
        raise KeyError(f"{source.folder}/{path} is not in the registry of {source.folder}")
    expected, remote = reg[path]
    mirror = paths.mirror_dir()
    local = None if mirror is None else mirror / source.folder / path
    if local is None or not local.is_file():
        if local is not None:
            warnings.warn(
                f"{source.folder}/{path}: not in {MIRROR_VARIABLE}={mirror} (expected "
                f"{local}); downloading the pinned copy from {source.url(remote)}",
                MirrorWarning,
                stacklevel=2,
            )
        local = _download(source, path, remote, expected)
    got = sha256(local)  # every call: no memo keyed on size / mtime (os.utime can restore both)
    if got != expected:
        raise ChecksumError(
            str(local), "-", "sha256", f"is {got}, expected {expected} (file changed?)"
        )
    return local


def _download(source: Source, path: str, remote: str, expected: str) -> Path:
    import pooch

    target = paths.download_dir(source.folder) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        got = pooch.retrieve(
            source.url(remote),
            known_hash=f"sha256:{expected}",
            fname=target.name,
            path=target.parent,
            progressbar=True,
        )
    except ValueError as exc:  # pooch's hash mismatch; the bad download is removed
        raise ChecksumError(str(target), "-", "sha256", str(exc)) from exc
    except Exception as exc:  # requests' connection / HTTP errors, timeouts, OSError
        raise DownloadError(_offline_message(source, path, remote, exc)) from None
    return Path(got)


def _offline_message(source: Source, path: str, remote: str, exc: BaseException) -> str:
    """One paragraph: what could not be downloaded, from where, why, and what to do."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    reason = f"{type(exc).__name__}: {reason}"
    if len(reason) > 160:
        reason = reason[:157] + "..."
    mirror = paths.mirror_dir()
    where = (
        f"{MIRROR_VARIABLE}={mirror} lacks it"
        if mirror is not None
        else f"{MIRROR_VARIABLE} is not set"
    )
    return (
        f"dataset folder {source.folder!r}: could not download {path} from "
        f"{source.url(remote)} ({reason}); {where}. Without network, set {MIRROR_VARIABLE} "
        f"to a folder holding {source.folder}/{path} (the staged layout, checked against the "
        f"pinned sha256), or retry when online."
    )


def write_registry(folder: str, root: Path, *, remote: dict[str, str] | None = None) -> Path:
    """Write ``registry/<folder>.txt`` from the files below ``root`` (maintainers only).

    ``remote`` maps a mirror path to its path in the upstream repository when
    they differ.
    """
    remote = remote or {}
    lines = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel == "SOURCE.md" or rel.startswith("LICENSE"):
            continue
        row = [rel, sha256(p)]
        if rel in remote:
            row.append(remote[rel])
        lines.append("\t".join(row))
    out = Path(str(resources.files("workbench.loaders").joinpath("registry", f"{folder}.txt")))
    out.write_text("\n".join(lines) + "\n")
    registry.cache_clear()
    return out
