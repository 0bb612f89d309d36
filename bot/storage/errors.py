"""Storage errors, and the translation of raw sqlite3/OS errors into messages a person can act on.

Callers of the storage layer only ever see `StorageError` (or its subclasses); a raw
sqlite3 traceback is a bug in this package.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

_SET_PATH_HINT = "set HEARTH_DATABASE_PATH to a writable location"


class StorageError(Exception):
    """The database cannot be opened, read or written; the message says why and what to do."""


class MigrationError(StorageError):
    """The migration files or the recorded schema version are inconsistent."""


class ConstraintError(StorageError, ValueError):
    """A value was rejected by a schema constraint (CHECK, UNIQUE, NOT NULL, FOREIGN KEY).

    It is also a `ValueError`, because the cause is a bad value handed to a repository.
    """


def permission_denied(path: Path | str) -> StorageError:
    """The error for a database location this process may not write to."""
    return StorageError(f"cannot write the database at {path}: permission denied; {_SET_PATH_HINT}")


def not_a_database(path: Path | str) -> StorageError:
    """The error for a file that is not SQLite, or is a damaged one."""
    return StorageError(f"{path} is not a Hearth/SQLite database or is corrupt")


def from_os_error(path: Path | str, error: OSError) -> StorageError:
    """Translate an OSError raised while preparing the database location."""
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return permission_denied(path)
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        # mkdir(parents=True) hit a regular file somewhere on the way to the database.
        blocker = _first_non_directory(Path(path))
        where = f" ({blocker} is a file, not a directory)" if blocker else ""
        return StorageError(
            f"cannot write the database at {path}: a parent of it is not a directory{where}; "
            f"{_SET_PATH_HINT}"
        )
    if error.errno == errno.EROFS:
        return StorageError(
            f"cannot write the database at {path}: the file system is read-only; {_SET_PATH_HINT}"
        )
    if error.errno == errno.ENOSPC:
        return disk_full(path)
    reason = error.strerror or str(error)
    return StorageError(f"cannot write the database at {path}: {reason}; {_SET_PATH_HINT}")


def _first_non_directory(path: Path) -> Path | None:
    for ancestor in path.parents:
        if ancestor.exists():
            return None if ancestor.is_dir() else ancestor
    return None


def disk_full(path: Path | str) -> StorageError:
    """The error for a full disk (or a database that reached its size limit)."""
    return StorageError(
        f"cannot write the database at {path}: the disk is full (or the database reached its "
        "size limit); free some space and try again"
    )


def from_sqlite_error(
    path: Path | str, error: sqlite3.Error, *, busy_timeout: float | None = None
) -> StorageError:
    """Translate a sqlite3 exception into a StorageError (ConstraintError for bad values)."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error)

    if isinstance(error, sqlite3.IntegrityError) or primary == sqlite3.SQLITE_CONSTRAINT:
        return _constraint_error(text)
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in text:
        waited = f" for longer than the {busy_timeout:g} s busy timeout" if busy_timeout else ""
        return StorageError(
            f"the database at {path} is locked: another process or connection held it{waited}; "
            "stop the other program using it (another Hearth?) or use another "
            "HEARTH_DATABASE_PATH"
        )
    if primary == sqlite3.SQLITE_FULL:
        return disk_full(path)
    if primary in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return not_a_database(path)
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        return permission_denied(path)
    if primary == sqlite3.SQLITE_IOERR:
        return StorageError(f"I/O error on the database at {path}: {text}")
    return StorageError(f"database error at {path}: {text}")


def _constraint_error(text: str) -> ConstraintError:
    # SQLite reports e.g. "CHECK constraint failed: <constraint name>"; the schema names its
    # CHECK constraints with a readable sentence so that this message is the explanation.
    kind, _, detail = text.partition(" constraint failed: ")
    if kind == "CHECK":
        return ConstraintError(f"invalid value: {detail}")
    if kind == "UNIQUE":
        return ConstraintError(f"a row with the same {detail} is already stored")
    if kind == "NOT NULL":
        return ConstraintError(f"a value is required for {detail}")
    if text.startswith("FOREIGN KEY"):
        return ConstraintError("the row refers to another row that does not exist")
    return ConstraintError(f"invalid value: {text}")
