"""The generator is deterministic, the committed data is exactly what it makes, and the loader
serves it typed, fast to read and silent."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import sahelkit
from sahelkit.cli import main
from sahelkit.course import dictionary as readme
from sahelkit.generator.case import generate_case, write_case
from sahelkit.load import CaseDataError
from sahelkit.profiles import load_profile
from sahelkit.schema import EXTRACT, TABLES, TRUTH_TABLES
from tests.helpers import COUNTRIES, REPO

DATASETS = REPO / "datasets"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_data_is_what_the_generator_makes(country, tmp_path):
    tables = generate_case(load_profile(country))
    write_case(tables, tmp_path)
    fresh, committed = _tree(tmp_path), _tree(DATASETS / country)
    assert sorted(fresh) == sorted(committed)
    different = [name for name in fresh if fresh[name] != committed[name]]
    assert not different, f"regenerate with `sahelkit generate --country {country}`: {different}"


def _cli_generate(out: Path, hashseed: str, seed: int = 2026) -> subprocess.Popen:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    code = "import sys; from sahelkit.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "generate", "--country", "NE", "--calls", "3000",
                             "--seed", str(seed), "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_same_seed_same_bytes_whatever_the_hash_seed(tmp_path):
    runs = [_cli_generate(tmp_path / "a", "1"), _cli_generate(tmp_path / "b", "4242")]
    assert [r.wait(timeout=300) for r in runs] == [0, 0]
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a == b and len(a) > 20
    raw = (tmp_path / "a" / "calls.csv").read_bytes()
    assert b"\r\n" not in raw and raw.endswith(b"\n")
    assert len(pd.read_csv(tmp_path / "a" / "calls.csv")) == 3000


def test_another_seed_another_world():
    other = generate_case(load_profile("TD"), seed=1, calls=1000)["persons"]
    committed = pd.read_csv(DATASETS / "chad" / "persons.csv", dtype=str, keep_default_na=False)
    assert list(other.columns) == list(committed.columns)
    assert (other.full_name.head(50).to_numpy() != committed.full_name.head(50).to_numpy()).any()


def test_sizes_fit_a_spreadsheet_and_a_laptop():
    for country in COUNTRIES:
        files = [p for p in (DATASETS / country).rglob("*") if p.is_file()]
        assert all(p.stat().st_size < 10_000_000 for p in files)
        assert sum(p.stat().st_size for p in files) < 8_000_000
        persons = pd.read_csv(DATASETS / country / "persons.csv")
        assert 600 <= len(persons) <= 1500


def test_readme_is_generated_from_the_schema():
    assert readme.README_PATH.read_text(encoding="utf-8") == readme.render(), "run `sahelkit data-readme`"
    text = readme.render()
    for table in TABLES + TRUTH_TABLES + (EXTRACT,):
        for c in table.columns:
            assert f"`{c.name}`" in text
    assert "fictitious" in text.lower()
    for country in COUNTRIES:
        assert "FICTITIOUS" in (DATASETS / country / "FICTITIOUS.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("country", COUNTRIES)
def test_load_types_from_schema(country, capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        case = sahelkit.load(sahelkit.COUNTRIES[country].lower())
        truth = sahelkit.load_truth(country)
    assert capfd.readouterr().err == ""
    assert case.country == country and case.profile["slug"] == country
    for table in TABLES:
        df = getattr(case, table.name)
        assert list(df.columns) == [c.name for c in table.columns]
        for c in table.columns:
            s = df[c.name]
            if c.kind in ("date", "datetime"):
                assert pd.api.types.is_datetime64_any_dtype(s), (table.name, c.name)
            elif c.kind == "int":
                assert s.dtype == "int64", (table.name, c.name)
            elif c.kind == "float":
                assert s.dtype == "float64", (table.name, c.name)
            else:
                assert pd.api.types.is_string_dtype(s), (table.name, c.name)
    assert sorted(case.extracts) == sorted(case.services.code)
    assert all(pd.api.types.is_string_dtype(df[c]) for df in case.extracts.values() for c in df)
    assert len(truth.members) >= 10 and set(truth.networks.network_id) >= {"N1", "N2"}


def test_load_country_from_environment(monkeypatch):
    monkeypatch.setenv("SAHELKIT_COUNTRY", "TD")
    assert sahelkit.load().country == "chad"
    monkeypatch.delenv("SAHELKIT_COUNTRY")
    assert sahelkit.load().country == COUNTRIES[0]  # the first present, in the order of slugs


def test_load_from_sahelkit_data(monkeypatch, tmp_path):
    shutil.copytree(DATASETS / "niger", tmp_path / "niger")
    monkeypatch.setenv("SAHELKIT_DATA", str(tmp_path))
    assert len(sahelkit.load("NE").calls) == 30_000
    with pytest.raises(CaseDataError) as err:
        sahelkit.load("mali")
    assert str(err.value).startswith(f"pas de cas pour mali dans {tmp_path} ; cas disponibles : niger (NE). "
                                     "Générez-le avec `sahelkit generate --country mali`"), str(err.value)
    (tmp_path / "niger" / "calls.csv").unlink()
    with pytest.raises(CaseDataError, match="fichier manquant : .*calls.csv ; ce cas est incomplet"):
        sahelkit.load("niger")


def test_unknown_country_lists_available():
    with pytest.raises(CaseDataError) as err:
        sahelkit.load("senegal")
    msg = str(err.value)
    assert all(slug in msg for slug in COUNTRIES)
    with pytest.raises(CaseDataError):
        sahelkit.load_truth("XX")


def test_cli_generate_small_and_errors(tmp_path, capsys):
    out = tmp_path / "mr"
    assert main(["generate", "--country", "mr", "--calls", "1200", "--out", str(out)]) == 0
    assert len(pd.read_csv(out / "calls.csv")) == 1200
    assert main(["check-data", str(out)]) == 0
    assert main(["generate", "--country", "atlantis", "--out", str(tmp_path / "x")]) == 1
    assert "pays disponibles" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
