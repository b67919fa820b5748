"""Inputs the writers would choke on are refused by `validate` (and so by the run's blocking check) with the
file, the field and the value; a foreign file at the warehouse path is refused and left as it is; DuckDB
reads nothing it was not given; a file changed during a read is read again next time; a zip bomb sent as a
workbook is refused from its directory, under a memory limit far below what it would inflate to."""

from __future__ import annotations

import os
import resource
import sqlite3
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import cli_for

from dd_pipeline.intake import CHANGED_DURING_READ, fingerprint, read_inputs
from dd_pipeline.warehouse.connection import WarehouseRefused, connect

DEAL = "helix-jv"


def _deal(settings) -> Path:  # type: ignore[no-untyped-def]
    return settings.deal_dir(DEAL)


def _edit_yaml(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def _set(*keys_value):  # type: ignore[no-untyped-def]
    *keys, value = keys_value

    def change(doc):  # type: ignore[no-untyped-def]
        for key in keys[:-1]:
            doc = doc.setdefault(key, {})
        doc[keys[-1]] = value

    return change


def _evidence_note(settings, text: str) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    path = _deal(settings) / "evidence.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("observation")] = text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _overrides(settings, reason: str, dimension: str = "decision_style") -> None:  # type: ignore[no-untyped-def]
    (_deal(settings) / "overrides.yaml").write_text(
        yaml.safe_dump(
            {
                "overrides": [
                    {
                        "dimension": dimension,
                        "band": "high",
                        "reason": reason,
                        "author": "Ann Home",
                        "date": "2027-02-01",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )


def _unanswered_override(settings) -> None:  # type: ignore[no-untyped-def]
    """An override on a dimension whose every answer is taken out of the deal and the home profile."""
    import csv
    import io

    for path in [*_deal(settings).glob("answers*.csv"), settings.home_dir / "answers.csv"]:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        keep = [r for r in rows if r[rows[0].index("dimension")] != "decision_style"]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(keep)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    _overrides(settings, "Seen in the pilot, not in the survey answers")


CASES = {
    "line break in the partner": (
        lambda s: _edit_yaml(_deal(s) / "deal.yaml", _set("partner", "Acme\rBEGIN:VEVENT")),
        ["deal.yaml", "partner", "'Acme\\rBEGIN:VEVENT'", "line break"],
    ),
    "control character in a committee": (
        lambda s: _edit_yaml(_deal(s) / "deal.yaml", _set("governance", "steering_committee", "JSC\x01")),
        ["deal.yaml", "governance.steering_committee", "'JSC\\x01'", "control character"],
    ),
    "form feed in an evidence note": (
        lambda s: _evidence_note(s, "Slow\x0cdecisions"),
        ["evidence.csv", "observation", "U+000C"],
    ),
    "effective date in the year 9999": (
        lambda s: _edit_yaml(_deal(s) / "deal.yaml", _set("effective_date", "9999-12-31")),
        ["deal.yaml", "effective_date", "9999-12-31", "from 1900-01-01 to 2200-12-31"],
    ),
    "blank partner": (
        lambda s: _edit_yaml(_deal(s) / "deal.yaml", _set("partner", "   ")),
        ["deal.yaml", "partner", "blank"],
    ),
    "blank home name": (
        lambda s: _edit_yaml(s.home_dir / "organization.yaml", _set("short_name", " \t ")),
        ["organization.yaml", "short_name", "tab"],
    ),
    "reason of spaces": (lambda s: _overrides(s, " " * 12), ["overrides.yaml", "reason", "reason"]),
    "cadence not on the list": (
        lambda s: _edit_yaml(_deal(s) / "deal.yaml", _set("clause_parameters", "steering_cadence", "hourly")),
        ["deal.yaml", "clause_parameters", "'hourly'", "quarterly"],
    ),
    "override on a dimension nobody answered": (
        _unanswered_override,
        ["overrides.yaml", "overrides[0].dimension", "decision_style", "no gap to override"],
    ),
    "raw control character in a YAML file": (
        lambda s: (_deal(s) / "deal.yaml").write_bytes((_deal(s) / "deal.yaml").read_bytes() + b"notes: a\x07b\n"),
        ["deal.yaml", "U+0007", "control character"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_refuses_what_a_writer_would_reject(project, monkeypatch, case):
    spoil, expected = CASES[case]
    spoil(project)
    result = cli_for(project, monkeypatch)("validate", "--deal", DEAL)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if all(part in line for part in expected)]
    assert lines, result.output
    assert "Traceback" not in result.output


def test_values_in_messages_are_not_read_as_markup(project, monkeypatch):
    _edit_yaml(_deal(project) / "deal.yaml", _set("alliance_type", ":x: [bold]joint[/bold]"))
    result = cli_for(project, monkeypatch)("validate", "--deal", DEAL)
    assert result.exit_code == 2
    assert ":x: [bold]joint[/bold]" in result.output and "\u274c" not in result.output


@pytest.mark.parametrize("kind", ["sqlite", "other duckdb", "truncated"])
def test_a_foreign_warehouse_is_refused_and_left_untouched(project, monkeypatch, kind):
    path = project.warehouse_path
    if kind == "sqlite":
        sqlite3.connect(path).execute("CREATE TABLE customers (name TEXT)").connection.commit()
    elif kind == "other duckdb":
        duckdb.connect(str(path)).execute("CREATE TABLE ledger (amount INTEGER)").close()
    else:
        with connect(path):
            pass
        path.write_bytes(path.read_bytes()[:5000])
    before = path.read_bytes()
    result = cli_for(project, monkeypatch)("run", "--deal", DEAL)
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and "untouched" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before
    assert not (project.outputs_dir / DEAL).exists()


def test_duckdb_installs_loads_and_reads_nothing_by_itself(tmp_path):
    with connect(tmp_path / "warehouse.duckdb") as con:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions', "
                "'autoload_known_extensions', 'enable_external_access')"
            ).fetchall()
        )
        assert settings == {
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
            "enable_external_access": "false",
        }
        with pytest.raises(duckdb.PermissionException):
            con.execute("SELECT * FROM read_csv('/etc/hostname')")
        with pytest.raises(duckdb.Error):
            con.execute("INSTALL sqlite")
    with pytest.raises(WarehouseRefused):  # an empty file is not a database
        (tmp_path / "empty.duckdb").write_bytes(b"")
        with connect(tmp_path / "empty.duckdb"):
            pass


def test_a_file_changed_while_it_is_read_is_read_again_next_time(project, playbook, monkeypatch):
    import dd_pipeline.intake as intake

    answers = _deal(project) / "answers_partner.csv"
    real = intake.read_deal

    def read_then_edit(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        answers.write_text(answers.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # saved meanwhile
        return result

    monkeypatch.setattr(intake, "read_deal", read_then_edit)
    inputs = read_inputs(project, DEAL, playbook)
    assert inputs.fingerprint == CHANGED_DURING_READ
    assert inputs.fingerprint != fingerprint(project.home_dir, _deal(project))
    assert any("changed while it was being read" in str(p) for p in inputs.problems)


def _zip_bomb(path: Path, member: str, inflated_mib: int) -> None:
    """A zip whose one member inflates to ``inflated_mib`` MiB of zeros from about a thousandth of that."""
    zeros = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)  # repeatable: the dictionary is reset
    tail = packer.flush()
    crc = 0
    for _ in range(inflated_mib):
        crc = zlib.crc32(zeros, crc)
    size, packed, name = inflated_mib << 20, len(block) * inflated_mib + len(tail), member.encode()
    with path.open("wb") as out:
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 33, crc, packed, size, len(name), 0))
        out.write(name)
        for _ in range(inflated_mib):
            out.write(block)
        out.write(tail)
        directory = out.tell()
        out.write(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                20,
                3,
                20,
                0,
                0,
                8,
                0,
                33,
                crc,
                packed,
                size,
                len(name),
                0,
                0,
                0,
                0,
                0o644 << 16,
                0,
            )
        )
        out.write(name)
        end = out.tell()
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, end - directory, directory, 0))


def test_a_zip_bomb_workbook_is_refused_under_a_memory_limit(project, tmp_path):
    bomb = _deal(project) / "answers_late.xlsx"
    _zip_bomb(bomb, "xl/workbook.xml", 3000)  # 3 MB on disk, 3 GB inflated
    assert bomb.stat().st_size < 4_000_000
    limit = 1536 << 20  # half of what the bomb inflates to

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {
        **os.environ,
        "DD_ASSETS": str(project.assets_dir),
        "DD_INPUTS": str(project.inputs_dir),
        "DD_OUTPUTS": str(project.outputs_dir),
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dd-pipeline"), "validate", "--deal", DEAL],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "answers_late.xlsx" in output and "packed" in output and "Traceback" not in output


def test_init_deal_refuses_a_control_character(project, monkeypatch):
    result = cli_for(project, monkeypatch)(
        "init-deal", "acme-x", "--partner", "Acme\x01Corp", "--type", "co_development"
    )
    assert result.exit_code == 2, result.output
    assert "'Acme\\x01Corp'" in result.output and "control character" in result.output
    assert not project.deal_dir("acme-x").exists()
