"""Writing files so that a failure changes nothing.

Every file theorygraph writes goes through :func:`write_files`: each file is written to a
hidden temporary name beside its target, flushed to disk, and renamed into place only when
all of them are written; when any rename fails, the files already replaced are put back.
:func:`write_text` and :func:`write_bytes` are the one-file case.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import SourceError, UsageError

__all__ = ["write_bytes", "write_files", "write_text"]


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path``: all of it, or nothing changes."""
    write_files({path: text})


def write_bytes(path: Path, blob: bytes) -> None:
    """Write ``blob`` to ``path``: all of it, or nothing changes."""
    write_files({path: blob})


def write_files(
    files: Mapping[Path, str | bytes],
    *,
    remove: Iterable[Path] = (),
    folder: Path | None = None,
) -> list[Path]:
    """Write every file to a temporary name first, then rename them all into place.

    ``folder`` (with any missing parents) is made first and ``remove`` deleted last.
    When a file cannot be written nothing changes: the temporary files and the folders
    made for them are removed again, and a failure while renaming puts back the files
    already replaced. A file that cannot be written raises
    :class:`~theorygraph.errors.SourceError` (or :class:`~theorygraph.errors.UsageError`
    when its folder does not exist).
    """
    made = _make_folder(folder) if folder is not None else []
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            staged.append((_stage(path, content), path))
    except BaseException:
        _discard([tmp for tmp, _ in staged])
        _unmake(made)
        raise
    done: list[tuple[Path, str | None]] = []  # each replaced or removed file, and its backup
    current = folder
    try:
        for tmp, path in staged:
            current = path
            done.append((path, _backup(path)))
            os.replace(tmp, path)
        for path in remove:
            current = path
            done.append((path, _backup(path)))
            os.unlink(path)
    except BaseException as exc:
        for path, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    if path in files:
                        os.unlink(path)
                    continue
                os.replace(backup, path)
                # a rename onto another name of the same file does nothing: a file that
                # was never replaced keeps its backup name, which can go now
                if os.path.lexists(backup) and os.path.samefile(backup, path):
                    os.unlink(backup)
        _discard([tmp for tmp, _ in staged])
        _unmake(made)
        if isinstance(exc, OSError):
            raise SourceError(
                f"{current}: cannot write: {exc.strerror or exc}; nothing was changed"
            ) from exc
        raise
    _discard([backup for _, backup in done if backup is not None])
    return [path for _, path in staged]


def _stage(path: Path, content: str | bytes) -> str:
    """Write ``content`` to a new temporary file beside ``path``; return its name."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        why = "is not a folder" if parent.exists() else "does not exist"
        raise UsageError(f"{path}: folder {parent} {why}")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600): give it the mode an ordinary write would
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except OSError as exc:
        if tmp is not None:
            _discard([tmp])
        raise SourceError(
            f"{path}: cannot write: {exc.strerror or exc}; nothing was changed"
        ) from exc
    except BaseException:
        if tmp is not None:
            _discard([tmp])
        raise
    return tmp


def _backup(path: Path) -> str | None:
    """A hidden second name for the file at ``path`` (None when there is none), to put
    it back if a later rename fails."""
    if not path.exists():
        return None
    backup = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.old")
    try:
        os.link(path, backup)
    except FileExistsError:  # pragma: no cover - 48 random bits
        return _backup(path)
    except OSError:  # no hard links here: a copy does the same, more slowly
        shutil.copy2(path, backup)
    return backup


def _make_folder(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; return the ones made, deepest first."""
    missing = []
    here = folder
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            path.mkdir()
            made.insert(0, path)
    except OSError as exc:
        _unmake(made)
        raise SourceError(
            f"{folder}: cannot make the folder: {exc.strerror or exc}; nothing was written"
        ) from exc
    return made


def _unmake(folders: list[Path]) -> None:
    for path in folders:
        with contextlib.suppress(OSError):
            path.rmdir()


def _discard(names: Iterable[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
