"""One line for a file the till cannot use: which file, what is wrong, what to do.

Store IT reads these at 7 a.m. (docs/when-something-is-wrong.md lists them): no errno, no
traceback, the path first so the right file is fixed.
"""

from __future__ import annotations

import errno
import os
import pwd
from pathlib import Path

FULL = {errno.ENOSPC, errno.EDQUOT}
READ_ONLY_DISK = {errno.EROFS}


class FileFault(OSError):
    """A file the till needs cannot be used; `str()` is the one line to show."""


def user_name(uid: int | None = None) -> str:
    uid = os.geteuid() if uid is None else uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def describe(path: Path, error: OSError, *, setting: str = "") -> str:
    """The one line for `error` on `path`; `setting` names where the path is set, if anywhere."""
    change = f" or change {setting}" if setting else ""
    if isinstance(error, FileFault):
        return str(error)
    if error.errno in FULL:
        return f"{path}: the disk is full; free some space on it."
    if error.errno in READ_ONLY_DISK:
        return f"{path}: the disk is mounted read-only; mount it read-write{change}."
    if isinstance(error, IsADirectoryError) or (
        error.errno == errno.EISDIR or (path.is_dir() and error.errno != errno.ENOENT)
    ):
        return f"{path} is a folder, not a file; remove the folder{change}."
    if isinstance(error, NotADirectoryError):
        return f"{path}: part of the path is a file, not a folder; fix the path{change}."
    if isinstance(error, FileNotFoundError):
        if not path.parent.exists():
            return f"{path}: the folder {path.parent} does not exist; create it{change}."
        return f"{path} does not exist; create it{change}."
    if isinstance(error, PermissionError):
        target = path if path.exists() else path.parent
        owner = owner_of(target)
        if owner is not None and owner != os.geteuid():
            return (
                f"{target}: no permission for {user_name()} (it belongs to "
                f"{user_name(owner)}); give {user_name()} write access (chown/chmod){change}."
            )
        return f"{target}: no permission for {user_name()}; allow writing (chmod){change}."
    reason = error.strerror or type(error).__name__
    return f"{path}: {reason.lower()}{change}."


def owner_of(path: Path) -> int | None:
    """The owner of `path`, if it can be seen."""
    try:
        return path.stat().st_uid
    except OSError:
        return None


def check_private(path: Path, descriptor: int) -> None:
    """A file holding what is nobody else's business must be ours and owner-only: make it so,
    or raise FileFault saying why not (another user's file cannot be made private by us)."""
    status = os.fstat(descriptor)
    if status.st_uid != os.geteuid() and os.geteuid() != 0:
        raise FileFault(
            f"{path} belongs to {user_name(status.st_uid)}, not {user_name()}; "
            f"give it to {user_name()} (chown) or remove it."
        )
    if status.st_mode & 0o077:
        os.fchmod(descriptor, 0o600)
