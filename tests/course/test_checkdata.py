"""check-data accepts the committed datasets and catches each kind of corruption, writing nothing."""
from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from sahelkit.cli import main
from sahelkit.course.checkdata import check_dataset
from sahelkit.generator.case import generate
from tests.helpers import COUNTRIES, REPO

DATASETS = REPO / "datasets"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A small but complete Mali case (few calls) to corrupt copies of."""
    return generate("ML", calls=1500, out=tmp_path_factory.mktemp("small") / "mali")


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _save(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _set(path: Path, row: int, column: str, value: str) -> None:
    rows = _rows(path)
    rows[row - 1][rows[0].index(column)] = value
    _save(path, rows)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def drop_column(d):
    rows = _rows(d / "calls.csv")
    i = rows[0].index("duration_s")
    _save(d / "calls.csv", [r[:i] + r[i + 1:] for r in rows])


def bad_date(d):
    _set(d / "persons.csv", 2, "birth_date", "1987-13-45")


def bad_time(d):
    _set(d / "calls.csv", 4, "start", "14/03/2026 08:05")


def dangling_phone(d):
    _set(d / "calls.csv", 3, "caller", "+22319999999")


def duplicate_id(d):
    rows = _rows(d / "persons.csv")
    rows[2][0] = rows[1][0]
    _save(d / "persons.csv", rows)


def bad_grade(d):
    _set(d / "reports.csv", 2, "source_grade", "E")


def bad_info_grade(d):
    _set(d / "reports.csv", 3, "info_grade", "5")


def not_utf8(d):
    data = (d / "persons.csv").read_bytes().split(b"\n")
    data[5] = data[5].replace(b",", b",S\xe9gou-", 1)  # latin-1 "é"
    (d / "persons.csv").write_bytes(b"\n".join(data))


def malformed_row(d):
    with open(d / "calls.csv", "a", encoding="utf-8", newline="") as f:
        f.write("C999999,+22310000000,,extra,fields,here,x,y,z\n")


def missing_file(d):
    (d / "vehicles.csv").unlink()


def not_an_int(d):
    _set(d / "calls.csv", 5, "duration_s", "12.5")


def dangling_person_in_list(d):
    _set(d / "seizures.csv", 2, "person_ids", "P00001;P99999")


def extract_missing_column(d):
    rows = _rows(d / "extracts" / "OCS.csv")
    _save(d / "extracts" / "OCS.csv", [r[:-1] for r in rows])


def empty_required(d):
    _set(d / "phones.csv", 2, "holder_id", "")


CORRUPTIONS = {
    "missing column": (drop_column, "calls.csv, row 1, duration_s: missing column"),
    "bad date": (bad_date, "persons.csv, row 2, birth_date: '1987-13-45' is not a valid date"),
    "bad time": (bad_time, "calls.csv, row 4, start: '14/03/2026 08:05' is not a valid datetime"),
    "dangling phone": (dangling_phone, "calls.csv, row 3, caller: '+22319999999' not in phones.msisdn"),
    "duplicate id": (duplicate_id, "persons.csv, row 3, person_id: duplicate id 'P00001' (first at row 2)"),
    "bad grade": (bad_grade, "reports.csv, row 2, source_grade: 'E' is not one of A|B|C|X"),
    "bad info grade": (bad_info_grade, "reports.csv, row 3, info_grade: '5' is not one of 1|2|3|4"),
    "non-UTF-8 file": (not_utf8, "persons.csv, row 6, -: not UTF-8"),
    "malformed CSV row": (malformed_row, "fields, expected 8"),
    "missing file": (missing_file, "vehicles.csv, row -, -: file missing"),
    "not an int": (not_an_int, "calls.csv, row 5, duration_s: '12.5' is not an int"),
    "dangling id in a list": (dangling_person_in_list, "seizures.csv, row 2, person_ids: ['P99999'] not in persons.person_id"),
    "extract missing column": (extract_missing_column, "extracts/OCS.csv, row 1, offence: missing column"),
    "empty required value": (empty_required, "phones.csv, row 2, holder_id: empty, a value is required"),
}


def test_small_case_is_clean(small):
    assert check_dataset(small) == []


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_corruption_is_reported_and_nothing_written(small, tmp_path, capsys, name):
    corrupt, expected = CORRUPTIONS[name]
    folder = tmp_path / "case"
    shutil.copytree(small, folder)
    corrupt(folder)
    before = _snapshot(folder)
    assert main(["check-data", str(folder)]) == 1
    out = capsys.readouterr().out
    assert expected in out, out
    assert _snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]


def test_cli_ok_line(small, capsys):
    assert main(["check-data", str(small)]) == 0
    assert capsys.readouterr().out.startswith("OK ")


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_datasets_pass(country):
    """Columns, types, dates, unique ids and referential integrity of every committed case."""
    assert check_dataset(DATASETS / country) == []


def test_country_and_currency_codes_are_those_of_the_cldr(small, tmp_path):
    """Any ISO 3166 country and ISO 4217 currency passes (Babel's lists), a made-up code does not."""
    folder = tmp_path / "case"
    shutil.copytree(small, folder)
    _set(folder / "persons.csv", 2, "nationality", "GW")
    _set(folder / "transfers.csv", 2, "currency", "GNF")
    assert check_dataset(folder) == []
    _set(folder / "persons.csv", 3, "nationality", "QQ")
    _set(folder / "purchases.csv", 2, "currency", "XQQ")
    assert check_dataset(folder) == [
        "persons.csv, row 3, nationality: 'QQ' n'est pas un code ISO 3166-1 alpha-2",
        "purchases.csv, row 2, currency: 'XQQ' n'est pas un code ISO 4217"]
