"""Office files (DOCX, XLSX) are zip archives whose entries carry the time of writing; giving every entry
a fixed time makes the same inputs give the same bytes."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return target_buffer.getvalue()


def stamped_workbook(stamp_date, title: str):  # type: ignore[no-untyped-def]
    """A new openpyxl workbook whose properties carry ``stamp_date`` (a date) instead of the current time."""
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    stamp = dt.datetime.combine(stamp_date, dt.time())
    workbook.properties.creator = "dd-pipeline"
    workbook.properties.lastModifiedBy = "dd-pipeline"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.title = title
    return workbook


def workbook_bytes(workbook) -> bytes:  # type: ignore[no-untyped-def]
    """The workbook as XLSX bytes, the same for the same content.

    openpyxl's Workbook.save() stamps the file with the current time; ExcelWriter does not.
    """
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).write_data()
    return normalize_zip(buffer.getvalue())


# Limits for reading a workbook someone sent: checked from the archive's directory before anything is inflated.
MAX_MEMBERS = 5_000
MAX_UNCOMPRESSED_BYTES = 200_000_000
MAX_RATIO = 200  # a spreadsheet's XML packs about 5 to 20 times; a zip bomb a thousand times and more
RATIO_FROM_BYTES = 1_000_000  # small members may pack far better (a sheet of blanks)


def archive_problem(path) -> str | None:  # type: ignore[no-untyped-def]
    """Why the zip archive at ``path`` is not safe to open (too many members, too large once inflated, packed
    like a zip bomb), or None when it is; a file that is not a zip archive is left to the reader."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(members) > MAX_MEMBERS:
        return f"holds {len(members):,} parts; a workbook of answers has at most {MAX_MEMBERS:,}"
    for member in members:
        if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            return (
                f"has a part ({member.filename}) packed {member.file_size // max(member.compress_size, 1):,} "
                f"to 1, far more than a workbook packs (the limit is {MAX_RATIO} to 1); it was not opened"
            )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        return (
            f"would inflate to {total:,} bytes; the limit is {MAX_UNCOMPRESSED_BYTES:,}: split the answers "
            "into several files"
        )
    return None
