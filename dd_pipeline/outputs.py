"""Writing output files: atomically (temporary file, then rename) and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported by the code that has frames; this module stays light for the rerun path
    import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEMP_SUFFIX = ".tmp"
_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees either the old file or the new one, never a part.

    The temporary file is hidden (its name starts with '.') and carries the writer's process id, so that
    one left behind by a killed run is recognised and removed by the next write into the same folder.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporary files in ``folder`` whose writing process no longer runs; returns them."""
    removed = []
    for candidate in folder.glob(f".*{TEMP_SUFFIX}"):
        parts = candidate.name.split(".")
        pid = parts[-3] if len(parts) >= 5 else ""
        if pid.isdigit() and not _running(int(pid)):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe, characters a workbook cannot
    hold (XML) are left out; numbers pass unchanged."""
    if isinstance(value, str):
        from dd_pipeline.sanitize import xml_text

        value = xml_text(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if _missing(v) else _line_ends(_fmt(safe_cell(v))) for v in row])
    return buffer.getvalue()


def _line_ends(value: object) -> object:
    """A carriage return in a cell as a line feed: the csv module quotes a cell with a line feed (this file's
    line end) but not one with a bare CR, which a reader would take for the end of the row."""
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _missing(value: object) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return True
    import pandas as pd  # already loaded by whoever built the rows

    return value is pd.NA or value is pd.NaT


def _fmt(value: object) -> object:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return value


def write_frame_csv(path: Path, frame: pd.DataFrame) -> None:
    atomic_write_text(path, csv_text(list(frame.columns), frame.itertuples(index=False, name=None)))
