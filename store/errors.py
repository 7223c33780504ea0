"""Errors raised by the storage layer. Each message is one line meant for a person."""

from __future__ import annotations

import errno


class StoreError(Exception):
    """Base class: something went wrong reading or saving the order book."""


class CorruptStoreError(StoreError):
    """The data file is unreadable, truncated, empty, not JSON or not unship's."""


class FutureVersionError(StoreError):
    """The data file was written by a newer unship; it was left untouched."""


class LockTimeoutError(StoreError):
    """Another unship process held the lock for longer than the timeout."""


class StoreWriteError(StoreError):
    """Saving failed (disk full, read-only folder...); the previous file is intact."""


class StaleDataError(StoreError):
    """A write was refused because another process changed the file since it was read."""


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def describe_os_error(err: OSError) -> str:
    """A short human reason for an OSError ("the disk is full")."""
    reason = _REASONS.get(err.errno or 0)
    if reason:
        return reason
    return err.strerror or str(err) or type(err).__name__


_WRITE_HINTS = {
    errno.ENOSPC: "Free some space and try again.",
    errno.EDQUOT: "Free some space and try again.",
    errno.EROFS: "Remount it read-write, or choose another data file with --db or UNSHIP_DB.",
    errno.EACCES: "Check the owner and permissions of the file and its folder (ls -l).",
    errno.EPERM: "Check the owner and permissions of the file and its folder (ls -l).",
}


def write_error(path: object, err: OSError) -> StoreWriteError:
    """The StoreWriteError for an OSError that happened while saving *path*."""
    message = (
        f"could not save {path}: {describe_os_error(err)}; "
        "the change was not saved and the file still holds the previous version"
    )
    hint = _WRITE_HINTS.get(err.errno or 0)
    return StoreWriteError(f"{message}. {hint}" if hint else message)


def read_error(path: object, err: OSError) -> StoreError:
    """The StoreError for an OSError that happened while reading *path* (nothing was changed)."""
    if err.errno in (errno.EACCES, errno.EPERM):
        return StoreError(
            f"cannot read {path}: permission denied. Check its owner and permissions "
            f"(ls -l {path}): unship needs to read and write it. Nothing was changed."
        )
    return StoreError(f"cannot read {path}: {describe_os_error(err)}. Nothing was changed.")


def not_a_file_error(path: object, what: str) -> StoreError:
    """The data file's path holds a folder, a pipe or a device: refuse, name the way out."""
    return StoreError(
        f"{path} is {what}, not an unship data file. Move it away, or choose the data file "
        "with --db or UNSHIP_DB. Nothing was changed."
    )


def dangling_link_error(link: object, target: object) -> StoreError:
    """The data file (or its folder) is a symbolic link to something that is not there."""
    return StoreError(
        f"{link} is a link to {target}, which does not exist (a drive or folder that is not "
        "there?). Fix the link, or remove it to start a new order book. Nothing was changed."
    )


def lock_error(path: object, lock: object, err: OSError) -> StoreWriteError:
    """The lock file beside the data file cannot be used (a folder, no permission...)."""
    if err.errno == errno.EISDIR:
        why = f"{lock} is a folder; unship keeps its lock there as a file. Remove that folder"
    elif err.errno in (errno.EACCES, errno.EPERM):
        why = f"permission denied on {lock}. Check its owner and permissions and its folder's"
    elif err.errno == errno.EROFS:
        why = (
            "the file system is read-only. Remount it read-write, or choose another data file "
            "with --db or UNSHIP_DB"
        )
    else:
        why = f"{lock}: {describe_os_error(err)}. Check that file"
    return StoreWriteError(
        f"could not lock {path} to save it: {why}, then try again. Nothing was changed."
    )
