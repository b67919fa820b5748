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
