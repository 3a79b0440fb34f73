"""A service's own extract (sahelkit.extracts): read in foreign habits, mapped, normalised with the
profile, checked with check-data's rules, and refused with a message naming what and where, in the
workshop's language (French unless SAHELKIT_LANG=en).

The two example extracts are written by `extracts.write_example` from a country's case
(fictitious people, numbers in the generator's unallocated ranges)."""
from __future__ import annotations

import pandas as pd
import pytest

import sahelkit
from sahelkit import extracts
from sahelkit.extracts import ExtractError
from tests.helpers import COUNTRIES


@pytest.fixture(scope="module")
def case():
    return sahelkit.load("mali")


def _example(folder, case, style):
    raw = extracts.read_extract(extracts.write_example(folder, case, style))
    return raw, extracts.prepare(raw, extracts.guess_mapping(raw.columns), case.profile)


@pytest.mark.parametrize("country", COUNTRIES)
def test_both_examples_read_back_clean_in_every_country(country, tmp_path):
    case = sahelkit.load(country)
    for style in extracts.EXAMPLE_STYLES:
        raw, service = _example(tmp_path / style, case, style)
        assert service.problems == [], [str(p) for p in service.problems]
        assert len(service.records) == len(raw.rows) > 50
        code = f"+{case.profile['phone']['calling_code']}"
        phones = service.records["telephone"]
        assert phones[phones != ""].str.startswith(code).all()
        assert service.records["date"].notna().all()


def test_service_a_habits_are_detected(case, tmp_path):
    path = extracts.write_example(tmp_path, case, "A")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really Latin-1, with accents in it
    raw = extracts.read_extract(path)
    assert (raw.encoding, raw.separator) == ("Latin-1", ";")
    assert "Nom et prénoms" in raw.columns  # the accent read right
    assert extracts.guess_mapping(raw.columns) == {"nom": "Nom et prénoms", "telephone": "Tél.",
                                                   "date": "Date des faits", "lieu": "Localité"}
    first = raw.rows.iloc[0]
    assert " " in first["Tél."] and not first["Tél."].startswith(("+", "00"))  # national, spaced
    service = extracts.prepare(raw, extracts.guess_mapping(raw.columns), case.profile)
    digits = first["Tél."].replace(" ", "")
    assert service.records.loc[0, "telephone"] == f"+{case.profile['phone']['calling_code']}{digits}"
    assert service.records.loc[0, "date"] == pd.to_datetime(first["Date des faits"], format="%d/%m/%Y")


def test_service_b_habits_are_detected(case, tmp_path):
    raw, service = _example(tmp_path, case, "B")
    assert (raw.encoding, raw.separator) == ("UTF-8", ",")
    assert raw.columns[0] == "REF"  # the byte-order mark is not part of the first column's name
    assert raw.rows["IDENTITE"].str.isupper().all()
    assert (service.records["date"].dt.hour > 0).any()  # the time is kept


def test_dates_day_first_iso_with_time_and_two_digit_years_refused():
    got = extracts.read_dates(pd.Series(["03/04/2026", "2026-04-03", "03/04/2026 14:05", "2026-04-03T14:05:00",
                                         "03/04/26", ""]))
    assert list(got[:4].dt.strftime("%Y-%m-%d")) == ["2026-04-03"] * 4
    assert got[4:].isna().all()


def test_phones_follow_the_profile_numbering(case):
    code, length = case.profile["phone"]["calling_code"], case.profile["phone"]["national_length"]
    national = "1" * length
    got = extracts.phones_e164(pd.Series([national, f"00{code}{national}", f"+{code} {national}",
                                          f"{code}{national}", "+226 70 00 00 00", "12 34", ""]), case.profile)
    assert list(got) == [f"+{code}{national}"] * 4 + ["+22670000000", "12 34", ""]


def test_problems_name_row_column_and_what_in_french(case, tmp_path):
    code = case.profile["phone"]["calling_code"]
    (tmp_path / "x.csv").write_text("NOM;TEL;DATE;VILLE\nTRAORE Moussa;10 48 29 31;14/03/2026;Bamako\n"
                                    ";12;31/02/2026;Atlantis\n", encoding="latin-1")
    raw = extracts.read_extract(tmp_path / "x.csv")
    service = extracts.prepare(raw, {"nom": "NOM", "telephone": "TEL", "date": "DATE", "lieu": "VILLE"}, case.profile)
    table = extracts.problems_table(service.problems, raw)
    assert set(table["ligne"]) == {3}  # header = line 1: the second record is line 3
    by_col = dict(zip(table["colonne"], table["problème"]))
    assert by_col["NOM"] == "vide, une valeur est requise"
    assert f"+{code}" in by_col["TEL"] and "chiffres" in by_col["TEL"]
    assert "JJ/MM/AAAA" in by_col["DATE"]
    assert "n'est pas une ville du profil" in by_col["VILLE"]
    assert service.records.loc[1, "telephone"] == "" and pd.isna(service.records.loc[1, "date"])


def test_the_same_problems_read_in_english_on_request(case, tmp_path, monkeypatch):
    """SAHELKIT_LANG=en: the row, the column and the value as before, what is wrong in English."""
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    (tmp_path / "x.csv").write_text("NOM;TEL;DATE;VILLE\nTRAORE Moussa;10 48 29 31;14/03/2026;Bamako\n"
                                    ";12;31/02/2026;Atlantis\n", encoding="latin-1")
    raw = extracts.read_extract(tmp_path / "x.csv")
    assert raw.describe() == 'x.csv: 2 records, 4 columns, encoding UTF-8, separator semicolon (";"), header = line 1'
    service = extracts.prepare(raw, {"nom": "NOM", "telephone": "TEL", "date": "DATE", "lieu": "VILLE"}, case.profile)
    said = [str(p) for p in service.problems]
    assert 'x.csv, line 3, NOM: empty, a value is required: ""' in said, said
    assert 'x.csv, line 3, VILLE: is not a town of the profile mali.yaml: "Atlantis"' in said, said
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExtractError, match=r"empty holds no \.csv file; put the extract alone in the folder"):
        extracts.find_extract(tmp_path / "empty")


def test_an_empty_file_is_refused_by_name(tmp_path):
    (tmp_path / "vide.csv").write_bytes(b"")
    with pytest.raises(ExtractError, match=r"vide\.csv : fichier vide, ligne 1"):
        extracts.read_extract(tmp_path / "vide.csv")
    (tmp_path / "entete.csv").write_text("NOM;TEL\n", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"entete\.csv : aucune fiche lisible après l'en-tête"):
        extracts.read_extract(tmp_path / "entete.csv")


def test_a_broken_row_is_listed_by_its_line_and_left_out(tmp_path):
    (tmp_path / "x.csv").write_text("NOM;TEL;DATE;VILLE\nA;1;01/01/2026;Kayes\nB;2;02/01/2026;Kayes;en trop\n"
                                    "C;3;03/01/2026;Kayes\n", encoding="utf-8")
    raw = extracts.read_extract(tmp_path / "x.csv")
    assert list(raw.rows["NOM"]) == ["A", "C"]
    [problem] = raw.problems
    assert problem.rows == (3,) and "point-virgule de trop" in problem.what
    (tmp_path / "q.csv").write_text('NOM,TEL\n"A,1\n', encoding="utf-8")
    with pytest.raises(ExtractError, match=r"q\.csv, ligne \d+ : CSV illisible"):
        extracts.read_extract(tmp_path / "q.csv")


def test_a_mapping_naming_a_missing_column_is_refused(case, tmp_path):
    raw = extracts.read_extract(extracts.write_example(tmp_path, case, "B"))
    mapping = dict(extracts.guess_mapping(raw.columns), telephone="TELEPHONE")
    with pytest.raises(ExtractError, match=r"telephone → « TELEPHONE » : cette colonne n'existe pas dans "
                                           r"extrait-B\.csv \(ligne 1\) ; colonnes du fichier : REF, IDENTITE"):
        extracts.prepare(raw, mapping, case.profile)
    with pytest.raises(ExtractError, match="plusieurs champs"):
        extracts.prepare(raw, dict(mapping, telephone="IDENTITE"), case.profile)


def test_results_go_in_a_folder_the_kit_made_and_nowhere_else(tmp_path):
    out, created = extracts.results_folder(tmp_path)
    assert created and out.parent == tmp_path and (out / extracts.RESULTS_MARK).is_file()
    assert extracts.results_folder(tmp_path) == (out, False)
    theirs = tmp_path / "autre"
    (theirs / extracts.RESULTS_FOLDER).mkdir(parents=True)
    (theirs / extracts.RESULTS_FOLDER / "rapport.docx").write_bytes(b"du service")
    with pytest.raises(ExtractError, match="n'a pas été créé par ce cahier"):
        extracts.results_folder(theirs)
    assert [p.name for p in (theirs / extracts.RESULTS_FOLDER).iterdir()] == ["rapport.docx"]


def test_find_extract_says_what_the_folder_holds(tmp_path):
    with pytest.raises(ExtractError, match="aucun fichier .csv"):
        extracts.find_extract(tmp_path)
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "b.csv").write_text("x\n1\n")
    with pytest.raises(ExtractError, match=r"2 fichiers \.csv \(a\.csv, b\.csv\)"):
        extracts.find_extract(tmp_path)
    assert extracts.find_extract(tmp_path, "b.csv") == tmp_path / "b.csv"


def test_the_form_offers_the_file_columns(case, tmp_path):
    raw = extracts.read_extract(extracts.write_example(tmp_path, case, "B"))
    form = extracts.mapping_form(raw.columns, extracts.guess_mapping(raw.columns))
    assert list(form.dropdowns["lieu"].options) == raw.columns
    form.dropdowns["lieu"].value = "INFRACTION"  # what the analyst does in the browser
    assert form.mapping()["lieu"] == "INFRACTION"
