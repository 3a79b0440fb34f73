"""check-data accepts the committed datasets and catches each kind of corruption, writing nothing."""
from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from sahelkit.cli import main
from sahelkit.course.checkdata import check_dataset, rows_at_fault
from sahelkit.generator.case import generate
from sahelkit.paths import CASE_PROFILE
from sahelkit.schema import ALL_TABLES, EXTRACT
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
    "missing column": (drop_column, "calls.csv, ligne 1, duration_s : colonne manquante"),
    "bad date": (bad_date, "persons.csv, ligne 2, birth_date : n'est pas une date valide (AAAA-MM-JJ) : "
                           "« 1987-13-45 »"),
    "bad time": (bad_time, "calls.csv, ligne 4, start : n'est pas une date-heure valide (AAAA-MM-JJTHH:MM:SS) : "
                           "« 14/03/2026 08:05 »"),
    "dangling phone": (dangling_phone, "calls.csv, ligne 3, caller : absent de phones.msisdn : « +22319999999 »"),
    "duplicate id": (duplicate_id, "persons.csv, ligne 3, person_id : identifiant en double : "
                                   "« P00001 (déjà ligne 2) »"),
    "bad grade": (bad_grade, "reports.csv, ligne 2, source_grade : n'est pas une valeur permise (A | B | C | X) : "
                             "« E »"),
    "bad info grade": (bad_info_grade, "reports.csv, ligne 3, info_grade : n'est pas une valeur permise "
                                       "(1 | 2 | 3 | 4) : « 5 »"),
    "non-UTF-8 file": (not_utf8, "persons.csv, ligne 6 : pas en UTF-8 (octet 0xe9"),
    "malformed CSV row": (malformed_row, "nombre de champs différent de l'en-tête (8)"),
    "missing file": (missing_file, "vehicles.csv : fichier manquant"),
    "not an int": (not_an_int, "calls.csv, ligne 5, duration_s : n'est pas un nombre entier : « 12.5 »"),
    "dangling id in a list": (dangling_person_in_list, "seizures.csv, ligne 2, person_ids : absent de "
                                                       "persons.person_id : « P99999 »"),
    "extract missing column": (extract_missing_column, "extracts/OCS.csv, ligne 1, offence : colonne manquante"),
    "empty required value": (empty_required, "phones.csv, ligne 2, holder_id : vide, une valeur est requise"),
}


def test_small_case_is_clean(small):
    assert check_dataset(small) == []


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_corruption_is_reported_and_nothing_written(small, tmp_path, capsys, name):
    corrupt, expected = CORRUPTIONS[name]
    folder = tmp_path / "mali"
    shutil.copytree(small, folder)
    corrupt(folder)
    before = _snapshot(folder)
    assert main(["check-data", str(folder)]) == 1
    out = capsys.readouterr().out
    assert expected in out, out
    assert _snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mali"]


def test_cli_ok_line(small, capsys):
    assert main(["check-data", str(small)]) == 0
    assert capsys.readouterr().out.startswith("OK ")


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_datasets_pass(country):
    """Columns, types, dates, unique ids and referential integrity of every committed case."""
    assert check_dataset(DATASETS / country) == []


# --------------------------------------------------------------------------- what a spreadsheet does
def _copy(small: Path, tmp_path: Path, name: str = "mali") -> Path:
    folder = tmp_path / name
    shutil.copytree(small, folder)
    return folder


def _lines(problems) -> list[str]:
    return [str(p) for p in problems]


def test_utf8_bom_is_accepted(small, tmp_path):
    """Excel's "CSV UTF-8" starts the file with a byte-order mark; the loader reads it fine."""
    folder = _copy(small, tmp_path)
    path = folder / "persons.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _lines(check_dataset(folder)) == []


def test_semicolon_separator_is_named_once(small, tmp_path):
    folder = _copy(small, tmp_path)
    path = folder / "calls.csv"
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(_rows(path))
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))  # what a French Excel writes
    problems = [p for p in _lines(check_dataset(folder)) if p.startswith("calls.csv")]
    assert problems == ["calls.csv, ligne 1 : séparateur « ; » : le fichier doit être séparé par des virgules "
                        "(enregistrez-le en « CSV UTF-8 (délimité par des virgules) »)"]


def test_in_english_check_data_names_the_problem_in_english(small, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    folder = _copy(small, tmp_path)
    path = folder / "calls.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    (problem,) = [str(p) for p in check_dataset(folder) if p.file == "calls.csv"]
    assert problem.endswith("separator “;”: the file must be separated by commas (save it as "
                            "“CSV UTF-8 (Comma delimited)”)"), problem
    assert main(["check-data", str(folder)]) == 1
    assert "1 problem in 1 file(s); 0 data rows at fault" in capsys.readouterr().err


def test_trailing_blank_line_is_accepted(small, tmp_path):
    folder = _copy(small, tmp_path)
    with open(folder / "calls.csv", "a", encoding="utf-8", newline="") as f:
        f.write("\n")
    assert _lines(check_dataset(folder)) == []


def test_row_numbers_are_the_spreadsheet_s_after_a_blank_line(small, tmp_path):
    folder = _copy(small, tmp_path)
    rows = _rows(folder / "persons.csv")
    rows.insert(2, [])  # a blank line 3
    rows[4][rows[0].index("birth_date")] = "1987-13-45"  # line 5 of the file, row 5 of the spreadsheet
    _save(folder / "persons.csv", rows)
    assert _lines(check_dataset(folder)) == [
        "persons.csv, ligne 5, birth_date : n'est pas une date valide (AAAA-MM-JJ) : « 1987-13-45 »"]


def test_problems_count_rows_not_lines(small, tmp_path, capsys):
    """Every call's IMEI read as a number by a spreadsheet, 30 durations broken too, 10 of them on
    the same rows: one line per kind of problem, and the rows at fault counted once each."""
    folder = _copy(small, tmp_path)
    rows = _rows(folder / "calls.csv")
    imei, duration = rows[0].index("imei"), rows[0].index("duration_s")
    for r in rows[1:]:
        r[imei] = str(int(r[imei]))
    for r in rows[len(rows) - 30:]:
        r[duration] = "x"
    _save(folder / "calls.csv", rows)
    problems = check_dataset(folder)
    calls = len(rows) - 1
    assert rows_at_fault(problems) == calls
    assert sum(len(p.rows) for p in problems if p.column == "imei") == calls
    assert [len(p.rows) for p in problems if p.column == "duration_s"] == [30]
    assert main(["check-data", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == len(problems) <= 5
    assert f"; {calls} lignes de données en défaut" in err, err
    assert f"calls.csv, 30 lignes ({', '.join(str(n) for n in range(calls - 28, calls - 23))}…), duration_s" in out


def _set_imei(folder: Path, change) -> str:
    path = folder / "phones.csv"
    rows = _rows(path)
    rows[1][rows[0].index("imei")] = change(rows[1][rows[0].index("imei")])
    _save(path, rows)
    return rows[1][rows[0].index("imei")]


ZEROS_LOST = ("IMEI de moins de 15 chiffres : les zéros de tête ont été perdus (colonne lue comme un nombre par un "
              "tableur) ; reprenez les valeurs d'origine dans une colonne au format texte : « {value} ({n} chiffres) »")
IMEI_MISTAKES = {
    "leading zeros lost": (lambda v: str(int(v)), ZEROS_LOST),
    "one leading zero lost": (lambda v: v[1:], ZEROS_LOST),
    "wrong check digit": (lambda v: v[:-1] + str((int(v[-1]) + 1) % 10),
                          "chiffre de contrôle (Luhn) faux : IMEI mal recopié : « {value} »"),
    "scientific notation": (lambda v: f"{int(v):.1E}", "IMEI écrit en notation scientifique par un tableur, ses "
                            "chiffres sont perdus : reprenez les valeurs d'origine dans une colonne au format texte : "
                            "« {value} »"),
    "a digit too many": (lambda v: v + "0", "un IMEI a 15 chiffres : « {value} (16 chiffres) »"),
    "not digits": (lambda v: v[:7] + "-" + v[7:], "un IMEI s'écrit avec 15 chiffres, sans autre caractère : "
                   "« {value} »"),
}


@pytest.mark.parametrize("case", sorted(IMEI_MISTAKES))
def test_imei_length_and_check_digit(small, tmp_path, case):
    change, what = IMEI_MISTAKES[case]
    folder = _copy(small, tmp_path)
    value = _set_imei(folder, change)
    assert _lines(check_dataset(folder)) == [f"phones.csv, ligne 2, imei : {what.format(value=value, n=len(value))}"]


TOWN_MISTAKES = {
    "misspelt home town": ("persons.csv", "home_town", "Tombuctou",
                           "persons.csv, ligne 2, home_town : n'est pas une ville du profil {profile} : "
                           "« Tombuctou (vouliez-vous dire Tombouctou ?) »"),
    "antenna in an unknown town": ("cell_sites.csv", "town", "Atlantis",
                                   "cell_sites.csv, ligne 2, town : n'est pas une ville du profil {profile} : "
                                   "« Atlantis »"),
    "agent town": ("transfers.csv", "agent_town", "Sgou",
                   "transfers.csv, ligne 2, agent_town : n'est pas une ville du profil {profile} : "
                   "« Sgou (vouliez-vous dire Ségou ?) »"),
    "service extract, misspelt in capitals": ("extracts/BIS.csv", "town", "TOMBUCTOU",
                                              "extracts/BIS.csv, ligne 2, town : n'est pas une ville du profil "
                                              "{profile} : « TOMBUCTOU (vouliez-vous dire Tombouctou ?) »"),
}


@pytest.mark.parametrize("case", sorted(TOWN_MISTAKES))
def test_town_names_are_the_profile_s(small, tmp_path, case):
    file, column, value, expected = TOWN_MISTAKES[case]
    folder = _copy(small, tmp_path)
    _set(folder / file, 2, column, value)
    assert (folder / CASE_PROFILE).exists()  # a generated case carries its profile, shown by its name
    assert _lines(check_dataset(folder)) == [expected.format(profile=CASE_PROFILE)]


def test_service_extract_may_write_towns_in_capitals_without_accents(small, tmp_path):
    folder = _copy(small, tmp_path)
    _set(folder / "extracts" / "BIS.csv", 2, "town", "SEGOU")
    assert _lines(check_dataset(folder)) == []


def test_profile_in_the_case_folder_is_the_one_used(small, tmp_path):
    """A case folder carrying its own profile.yaml (with a town renamed) is checked against it."""
    folder = _copy(small, tmp_path, "case")
    text = (REPO / "datasets" / "profiles" / "mali.yaml").read_text(encoding="utf-8")
    (folder / "profile.yaml").write_text(text.replace("Tombouctou", "Timbuktu"), encoding="utf-8")
    lines = _lines(check_dataset(folder))
    assert lines and all("n'est pas une ville du profil profile.yaml" in line for line in lines), lines
    assert all("tombouctou" in line.lower() for line in lines), lines


def test_case_without_a_profile_says_so(small, tmp_path):
    folder = _copy(small, tmp_path, "case")
    (folder / CASE_PROFILE).unlink()  # a case made by hand, in a folder not named after a country
    assert [p.file for p in check_dataset(folder)] == ["profile.yaml"]
    assert "profil du cas introuvable" in _lines(check_dataset(folder))[0]


def test_broken_profile_in_the_case_folder_is_reported(small, tmp_path):
    folder = _copy(small, tmp_path, "case")
    text = (REPO / "datasets" / "profiles" / "mali.yaml").read_text(encoding="utf-8")
    (folder / "profile.yaml").write_text(text.replace("\n  - {name: Kati", "\n\t- {name: Kati"), encoding="utf-8")
    kati = text.splitlines().index(next(line for line in text.splitlines() if "{name: Kati" in line)) + 1
    assert _lines(check_dataset(folder)) == [
        f"profile.yaml : ligne {kati}, colonne 1 : tabulation dans l'indentation ; YAML n'accepte que des espaces : "
        "remplacez-la par des espaces"]


def test_every_town_and_imei_column_is_checked():
    """A new column holding a town or an IMEI must say so in the schema, or check-data skips it."""
    for table in (*ALL_TABLES, EXTRACT):
        for c in table.columns:
            assert bool(c.town) == ("town" in c.name), f"{table.name}.{c.name}"
            assert c.imei == (c.name == "imei"), f"{table.name}.{c.name}"


def test_country_and_currency_codes_are_those_of_the_cldr(small, tmp_path):
    """Any ISO 3166 country and ISO 4217 currency passes (Babel's lists), a made-up code does not."""
    folder = tmp_path / "case"
    shutil.copytree(small, folder)
    _set(folder / "persons.csv", 2, "nationality", "GW")
    _set(folder / "transfers.csv", 2, "currency", "GNF")
    assert check_dataset(folder) == []
    _set(folder / "persons.csv", 3, "nationality", "QQ")
    _set(folder / "purchases.csv", 2, "currency", "XQQ")
    assert _lines(check_dataset(folder)) == [
        "persons.csv, ligne 3, nationality : n'est pas un code ISO 3166-1 alpha-2 : « QQ »",
        "purchases.csv, ligne 2, currency : n'est pas un code ISO 4217 : « XQQ »"]
