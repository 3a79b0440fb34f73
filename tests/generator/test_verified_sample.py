"""The verified sample (verified_records.csv) that participants get instead of truth/: right,
sampled in every extract, a sample and not the whole file, complete per person, and checked."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

import sahelkit
from sahelkit.course.checkdata import check_dataset
from sahelkit.generator.case import VERIFIED_SHARE, verified_sample
from sahelkit.schema import BY_NAME, TABLES
from tests.helpers import COUNTRIES, REPO

DATASETS = REPO / "datasets"
TABLE = BY_NAME["verified_records"]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_the_sample_is_participant_data_not_truth():
    assert not TABLE.truth and TABLE in TABLES
    assert not TABLE.name.startswith("truth/")
    for country in COUNTRIES:
        assert (DATASETS / country / TABLE.file).is_file()
        assert not list((DATASETS / country / "truth").glob("verified*"))


@pytest.mark.parametrize("country", COUNTRIES)
def test_sample_agrees_with_truth_and_covers_every_extract(country):
    folder = DATASETS / country
    ver = _read(folder / TABLE.file)
    truth = _read(folder / "truth" / "records.csv")
    assert list(ver.columns) == ["service", "record_id", "person_id"]
    assert ver.record_id.is_unique
    # every listed record has the person truth gives it
    merged = ver.merge(truth, on=["service", "record_id"], how="left", suffixes=("", "_truth"))
    assert merged.person_id_truth.notna().all(), "records that are not in truth/records.csv"
    assert (merged.person_id == merged.person_id_truth).all(), "person ids that disagree with truth"
    # complete per person: every record of a verified person is listed
    of_verified = truth[truth.person_id.isin(set(ver.person_id))]
    assert set(of_verified.record_id) == set(ver.record_id)
    # every extract is sampled, none entirely
    service_table = _read(folder / "services.csv")
    services = service_table.code.tolist()
    for code in services:
        n_extract = len(_read(folder / "extracts" / f"{code}.csv"))
        n_sampled = (ver.service == code).sum()
        assert 0 < n_sampled < n_extract, (code, n_sampled, n_extract)
        assert 0.15 <= n_sampled / n_extract <= 0.40, (code, n_sampled / n_extract)
    assert set(ver.service) == set(services)
    # enough same-person pairs between the two services module 03 links (found by kind, as it does)
    code = dict(zip(service_table.kind, service_table.code))
    gendarmerie = ver[ver.service == code["gendarmerie"]]
    customs = ver[ver.service == code["customs"]]
    assert len(gendarmerie.merge(customs, on="person_id")) >= 10


def test_sample_is_deterministic_and_uses_its_own_generator():
    records = _read(DATASETS / "mali" / "truth" / "records.csv")
    a = verified_sample(records, "mali", 2026)
    assert a.equals(verified_sample(records, "mali", 2026))
    assert not a.equals(verified_sample(records, "mali", 1))
    assert not a.equals(verified_sample(records, "niger", 2026))
    assert a.person_id.nunique() == round(VERIFIED_SHARE * records.person_id.nunique())


def test_loader_serves_it_without_truth(monkeypatch, tmp_path):
    shutil.copytree(DATASETS / "mali", tmp_path / "mali", ignore=shutil.ignore_patterns("truth"))
    monkeypatch.setenv("SAHELKIT_DATA", str(tmp_path))
    case = sahelkit.load("mali")
    assert len(case.verified_records) == len(_read(DATASETS / "mali" / TABLE.file))
    assert check_dataset(tmp_path / "mali") == []


def _edit(path: Path, row: int, column: str, value: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[row - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_check_data_catches_a_wrong_sample(tmp_path):
    folder = tmp_path / "mali"
    shutil.copytree(DATASETS / "mali", folder)
    path = folder / TABLE.file
    ver = _read(path)
    other = next(p for p in ver.person_id if p != ver.person_id.iat[0])
    _edit(path, 2, "person_id", other)                         # row 2 = first record
    _edit(path, 3, "record_id", ver.record_id.iat[1][:-5] + "99999")
    problems = [str(p) for p in check_dataset(folder)]
    assert any(p.startswith("verified_records.csv, ligne 2, person_id :") for p in problems), problems
    assert any(p.startswith("verified_records.csv, ligne 3, record_id :") for p in problems), problems
    assert any(p.startswith("truth/records.csv") and "absent de verified_records.csv" in p
               for p in problems), problems
