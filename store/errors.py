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


def write_error(path: object, err: OSError) -> StoreWriteError:
    """The StoreWriteError for an OSError that happened while saving *path*."""
    return StoreWriteError(
        f"could not save {path}: {describe_os_error(err)}; "
        "the change was not saved and the file still holds the previous version"
    )
