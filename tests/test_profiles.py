"""A bad country profile fails loudly, naming the file and the key path; nothing falls back."""
from __future__ import annotations

import copy
import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml

import sahelkit
from sahelkit import borders
from sahelkit.countries import UnknownCountryError, resolve_country
from sahelkit.course.curriculum import module_slug, teaching_name
from sahelkit.generator.case import generate
from sahelkit.profiles import (
    PERIOD_MAX_DAYS,
    PERIOD_MIN_DAYS,
    PROFILE_SCHEMA,
    PROFILES_DIR,
    REQUIREMENTS,
    SERVICE_KINDS,
    ListOf,
    MapOf,
    ProfileError,
    Record,
    geography_problems,
    load_profile,
    validate_profile,
)
from sahelkit.schema import SIGNAL_KINDS
from tests.helpers import COUNTRIES, PROFILE_FIXTURES, REPO, next_year, read_profile

MALI = yaml.safe_load((PROFILES_DIR / "mali.yaml").read_text(encoding="utf-8"))
SENEGAL = read_profile(PROFILE_FIXTURES / "senegal.yaml")


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "mali.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _error(tmp_path: Path, change) -> str:
    data = copy.deepcopy(MALI)
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    msg = str(err.value)
    assert "mali.yaml: " in msg, msg
    return msg


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_profiles_load(country):
    p = load_profile(country)
    assert p["slug"] == country and p["iso"] == sahelkit.COUNTRIES[country]


@pytest.mark.parametrize("name,slug", [("ML", "mali"), ("ml", "mali"), ("Bf", "burkina-faso"), ("NE", "niger"),
                                       ("td", "chad"), ("MR", "mauritania"), ("MALI", "mali"), ("niger", "niger")])
def test_slug_or_iso_any_case(name, slug):
    assert resolve_country(name) == slug
    assert load_profile(name)["slug"] == slug


def test_unknown_country_lists_available():
    with pytest.raises(UnknownCountryError) as err:
        load_profile("SN")
    assert "mali (ML)" in str(err.value) and "mauritania (MR)" in str(err.value)


BAD = {  # every message names a list item from 1 with its label, then " : " and what is wrong
    "unknown top-level key": (lambda d: d.update(colour="vert"), "clé « colour » inconnue"),
    "unknown nested key": (lambda d: d["towns"][3].update(latt=1.0),
                           "towns[4] « Sikasso » : clé « latt » inconnue"),
    "missing key": (lambda d: d.pop("currency"), "clé « currency » manquante"),
    "town without coordinates": (lambda d: [d["towns"][3].pop(k) for k in ("lat", "lon")],
                                 "towns[4] « Sikasso » : clé « lat » manquante"),
    "latitude out of range": (lambda d: d["towns"][3].update(lat=123.0),
                              "towns[4] « Sikasso ».lat : 123.0 hors de l'intervalle [-90, 90]"),
    "coordinate not a number": (lambda d: d["towns"][1].update(lon="west"),
                                "towns[2] « Kati ».lon : nombre attendu, trouvé « west »"),
    "item without a label": (lambda d: d["vehicles"]["makes"][2].pop("model"),
                             "vehicles.makes[3] : clé « model » manquante"),
    "text expected in a nested list": (lambda d: d["routes"][0]["towns"].__setitem__(1, 5),
                                       "routes[1] « Abidjan - Sikasso - marchés de Bamako ».towns[2] : "
                                       "texte non vide attendu, trouvé 5"),
    "route through unknown town": (lambda d: d["routes"][0]["towns"].insert(1, "Atlantis"),
                                   "routes[1] « Abidjan - Sikasso - marchés de Bamako ».towns[2] : ville inconnue "
                                   "« Atlantis » ; écrivez le nom d'une ville de towns, ou ajoutez cette ville à "
                                   "towns"),
    "route through a misspelt town": (lambda d: d["routes"][0]["towns"].insert(1, "Sikaso"),
                                      "routes[1] « Abidjan - Sikasso - marchés de Bamako ».towns[2] : ville inconnue "
                                      "« Sikaso » ; vouliez-vous dire « Sikasso » ?"),
    "town without its accent": (lambda d: d["markets"][0].update(town="BAMAKO"),
                                "markets[1] « Marché de Médine ».town : ville inconnue « BAMAKO » ; vouliez-vous dire "
                                "« Bamako » ?"),
    "post in unknown town": (lambda d: d["posts"][0].update(town="Nowhere"),
                             "posts[1] « Poste frontière de Zégoua ».town : ville inconnue « Nowhere »"),
    "post in a misspelt town": (lambda d: d["posts"][0].update(town="Zegoua"),
                                "posts[1] « Poste frontière de Zégoua ».town : ville inconnue « Zegoua » ; "
                                "vouliez-vous dire « Zégoua » ?"),
    "border post leading nowhere": (lambda d: d["posts"][0].update(leads_to=""),
                                    "posts[1] « Poste frontière de Zégoua ».leads_to : un poste frontière "
                                    "(kind: border) doit dire vers quel pays il mène"),
    "checkpoint leading somewhere": (lambda d: d["posts"][6].update(leads_to="BF"),
                                     "posts[7] « Poste de contrôle de Kati ».leads_to : un poste de contrôle "
                                     "(kind: checkpoint) ne mène à aucun pays ; laissez leads_to vide"),
    "town written twice": (lambda d: d["towns"][1].update(name="Bamako"),
                           "towns[2] « Bamako ».name : « Bamako » apparaît deux fois (déjà towns[1] « Bamako ») ; "
                           "chaque ville a son propre nom"),
    "too few towns of the country": (lambda d: [t.update(country="BF") for t in d["towns"][:9]],
                                     "towns : 9 ville(s) du pays du profil (country: ML), il en faut de 10 à 20"),
    "no crime with a weight": (lambda d: [c.update(weight=0) for c in d["crimes"]],
                               "crimes : aucun crime n'a un poids (weight) positif"),
    "not a currency code": (lambda d: d.update(currency="XYZ"),
                            "currency : « XYZ » n'est pas un code de monnaie ISO 4217 ; monnaie du pays ML pendant la "
                            "période : XOF"),
    "a currency of elsewhere": (lambda d: d.update(currency="EUR"), "currency : « EUR » n'a pas cours dans le pays ML"),
    "another country's currency": (lambda d: d.update(currency="XAF"),
                                   "currency : « XAF » n'a pas cours dans le pays ML (Mali) pendant la période ; "
                                   "monnaie du pays ML pendant la période : XOF"),
    "iso of another profile": (lambda d: d.update(iso="NE"), "iso : « NE » est déjà le code du pays « niger »"),
    "iso unknown": (lambda d: d.update(iso="XX"), "iso : « XX » n'est pas un code de pays ISO 3166-1"),
    "town in an unknown country": (lambda d: d["towns"][20].update(country="QQ"),
                                   "towns[21] « Niamey ».country : « QQ » n'est pas un code de pays"),
    "post to an unknown country": (lambda d: d["posts"][0].update(leads_to="EU"),
                                   "posts[1] « Poste frontière de Zégoua ».leads_to : « EU » n'est pas un code de "
                                   "pays"),
    "service of an unknown country": (lambda d: d["services"][4].update(country="ZZ"),
                                      "services[5] « PN-BF ».country : « ZZ » n'est pas un code de pays"),
    "numbering of the profile's own country": (lambda d: d["neighbour_phones"][0].update(iso="ML"),
                                               "neighbour_phones[1] « ML ».iso : « ML » est le pays du profil"),
    "numbering without towns": (lambda d: d["neighbour_phones"][0].update(iso="GH", calling_code=233),
                                "neighbour_phones[1] « GH ».iso : aucune ville du pays GH dans towns"),
    "calling code of another country": (lambda d: d["neighbour_phones"][0].update(calling_code=227),
                                        "neighbour_phones[1] « BF ».calling_code : +227 n'est pas l'indicatif du "
                                        "pays BF (Burkina Faso) ; écrivez 226"),
    "real phone range": (lambda d: d["phone"]["operators"][0]["prefixes"].append("76"),
                         "phone.operators[1] « Orange Mali ».prefixes[4] : « 76 » est une tranche de numéros "
                         "réellement attribuée"),
    "operator shares": (lambda d: d["phone"]["operators"][0].update(share=0.9),
                        "phone.operators : les parts (share) des opérateurs totalisent 1.35 au lieu de 1"),
    "no town of a numbered neighbour": (lambda d: d.update(towns=[t for t in d["towns"] if t["country"] not in
                                                                  ("BF", "NE", "MR")]),
                                        "neighbour_phones[1] « BF ».iso : aucune ville du pays BF dans towns"),
    "period too short": (lambda d: d["period"].update(end=d["period"]["start"] + dt.timedelta(PERIOD_MIN_DAYS - 1)),
                         f"la période doit durer de {PERIOD_MIN_DAYS} à {PERIOD_MAX_DAYS} jours"),
    "period too long": (lambda d: d["period"].update(end=d["period"]["start"] + dt.timedelta(PERIOD_MAX_DAYS + 1)),
                        f"{PERIOD_MAX_DAYS + 1} jours ; la période doit durer"),
    "period ending before it starts": (lambda d: d["period"].update(end=d["period"]["start"] - dt.timedelta(1)),
                                       "-1 jours ; la période doit durer"),
    "duplicate service": (lambda d: d["services"].append(dict(d["services"][0])),
                          "services[6] « BIS ».code : « BIS » apparaît deux fois (déjà services[1] « BIS »)"),
    "unknown date format": (lambda d: d["services"][0].update(date_format="%d %B %Y"),
                            "services[1] « BIS ».date_format : « %d %B %Y » n'est pas une valeur permise"),
    "bad crime kind": (lambda d: d["crimes"][0].update(kind="poaching"),
                       "crimes[1] « poaching ».kind : « poaching » n'est pas une valeur permise"),
    "weight not a number": (lambda d: d["crimes"][0].update(weight="lots"),
                            "crimes[1] « falsified_medicine ».weight : nombre attendu, trouvé « lots »"),
    "too few towns": (lambda d: d.update(towns=d["towns"][:5] + d["towns"][-3:]),
                      "towns : de 10 à 60 éléments attendus, 8 trouvés"),
    "towns not a list": (lambda d: d.update(towns={"Bamako": 1}), "towns : liste attendue"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_profile_names_file_and_key(tmp_path, case):
    change, expected = BAD[case]
    msg = _error(tmp_path, change)
    assert expected in msg, msg


FIRST_ITEMS = {  # one mistake in the first item of each list the cross-checks read: every message counts from 1
    "towns": (lambda d: _swap(d["towns"][0]), "towns[1] « Bamako » : latitude et longitude inversées"),
    "posts": (lambda d: d["posts"][0].update(town="Zegoua"), "posts[1] « Poste frontière de Zégoua ».town : "),
    "routes": (lambda d: d["routes"][0]["towns"].__setitem__(0, "Abidjn"),
               "routes[1] « Abidjan - Sikasso - marchés de Bamako ».towns[1] : ville inconnue « Abidjn » ; "
               "vouliez-vous dire « Abidjan » ?"),
    "markets": (lambda d: d["markets"][0].update(town="Bamakou"), "markets[1] « Marché de Médine ».town : "),
    "services": (lambda d: d["services"][0].update(country="ZZ"), "services[1] « BIS ».country : « ZZ »"),
    "phone prefixes": (lambda d: d["phone"]["operators"][0]["prefixes"].__setitem__(0, "76"),
                       "phone.operators[1] « Orange Mali ».prefixes[1] : « 76 »"),
    "neighbour prefixes": (lambda d: d["neighbour_phones"][0]["operators"][0]["prefixes"].__setitem__(0, "70"),
                           "neighbour_phones[1] « BF ».operators[1] « Orange Burkina ».prefixes[1] : « 70 »"),
}


def test_no_message_counts_from_zero():
    data = copy.deepcopy(MALI)
    for change, _ in FIRST_ITEMS.values():
        change(data)
    problems = validate_profile(data)
    assert [p for p in problems if re.search(r"\[0\]", p)] == []
    assert [where for _, where in FIRST_ITEMS.values() if not any(p.startswith(where) for p in problems)] == []


def _first_items(spec, value, steps=()):
    """The key path (keys and 0 for a first item) of the first item of every non-empty list in a profile."""
    if isinstance(spec, ListOf) and value:
        yield (*steps, 0)
        yield from _first_items(spec.item, value[0], (*steps, 0))
    elif isinstance(spec, Record):
        for key, sub in spec.fields.items():
            yield from _first_items(sub, value.get(key), (*steps, key))
    elif isinstance(spec, MapOf) and value:
        key = next(iter(value))
        yield from _first_items(spec.value, value[key], (*steps, key))


LISTS = list(_first_items(PROFILE_SCHEMA, MALI))


@pytest.mark.parametrize("steps", LISTS, ids=lambda s: ".".join(map(str, s)))
def test_a_schema_error_in_a_first_item_counts_from_one(steps):
    """Each list's first item emptied: the message names it [1] (with the labels of the items around it), never [0]."""
    data = copy.deepcopy(MALI)
    parent = data
    for step in steps[:-1]:
        parent = parent[step]
    parent[0] = None
    where = "".join(r"\[1\](?: « [^»]+ »)?" if step == 0 else ("." if i else "") + re.escape(str(step))
                    for i, step in enumerate(steps))
    problems = validate_profile(data)
    assert any(re.match(where + " : ", p) for p in problems), (where, problems)
    assert [p for p in problems if "[0]" in p] == []


def test_every_list_of_the_schema_is_reached():
    assert len(LISTS) >= 20 and ("routes", 0, "towns", 0) in LISTS
    assert ("neighbour_phones", 0, "operators", 0, "prefixes", 0) in LISTS


MALI_LINES = (PROFILES_DIR / "mali.yaml").read_text(encoding="utf-8").split("\n")


def _edit_line(number: int, change) -> str:
    """mali.yaml's text with line `number` (counting from 1) changed."""
    lines = list(MALI_LINES)
    lines[number - 1] = change(lines[number - 1])
    return "\n".join(lines)


def _line_of(start: str) -> int:
    """The number (from 1) of mali.yaml's first line starting with `start`, so edits to the file move the tests."""
    return next(i for i, line in enumerate(MALI_LINES, start=1) if line.lstrip().startswith(start))


NAME, CURRENCY, PERIOD = _line_of("name:"), _line_of("currency:"), _line_of("period:")
TOWNS, KATI = _line_of("towns:"), _line_of("- {name: Kati")
YAML_MISTAKES = {
    "tab used for indentation": (_edit_line(KATI, lambda s: "\t" + s[2:]),
                                 f"ligne {KATI}, colonne 1 : tabulation dans l'indentation ; YAML n'accepte que des "
                                 "espaces : remplacez-la par des espaces"),
    "key indented too far": (_edit_line(KATI, lambda s: " " + s),
                             f"ligne {KATI}, colonne 4 : indentation incorrecte ; cette ligne n'est alignée sur aucune "
                             f"clé du bloc commencé ligne {KATI - 1}"),
    "key indented under the previous value": (_edit_line(NAME, lambda s: " " + s),
                                              f"ligne {NAME}, colonne 6 : « : » inattendu ; soit la ligne est mal "
                                              "indentée"),
    "unclosed quote": (_edit_line(NAME, lambda s: 'name: "Mali'),
                       f'ligne {NAME}, colonne 7 : guillemet " ouvert et jamais refermé ; ajoutez le " fermant'),
    "unclosed brace": (_edit_line(PERIOD, lambda s: s.rstrip("}")),
                       f"ligne {PERIOD}, colonne 9 : « {{ » ouvert et jamais refermé ; ajoutez « }} » à la fin de la "
                       "table"),
    "unclosed bracket": (_edit_line(PERIOD, lambda s: "period: [2026-02-02, 2026-04-26"),
                         f"ligne {PERIOD}, colonne 9 : « [ » ouvert et jamais refermé ; ajoutez « ] » à la fin de la "
                         "liste"),
    "key written twice": ("\n".join(MALI_LINES) + "\ncurrency: XOF\n",
                          f"ligne {len(MALI_LINES) + 1}, colonne 1 : clé « currency » écrite deux fois "
                          f"(déjà ligne {CURRENCY})"),
}


@pytest.mark.parametrize("case", sorted(YAML_MISTAKES))
def test_yaml_mistake_named_with_line_and_column(tmp_path, case):
    text, expected = YAML_MISTAKES[case]
    path = tmp_path / "mali.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    msg = str(err.value)
    assert msg.startswith(f"{os.path.relpath(path)}: {expected}"), msg
    assert "unicode string" not in msg and "\n" not in msg


def _town(data: dict, name: str) -> dict:
    return next(t for t in data["towns"] if t["name"] == name)


def _swap(town: dict) -> None:
    town["lat"], town["lon"] = town["lon"], town["lat"]


GEOGRAPHY = {
    "latitude and longitude swapped": (
        "mali", lambda d: _swap(_town(d, "Gao")),
        "towns[15] « Gao » : latitude et longitude inversées ? (-0.0447, 16.2717) est hors du pays Mali (ML), "
        "(16.2717, -0.0447) y est"),
    "town of the country at another country's town": (
        "niger", lambda d: _town(d, "Dosso").update(lat=12.6392, lon=-8.0029),
        "towns[6] « Dosso » : (12.6392, -8.0029) est à {km} km hors du pays Niger (NE) ; ce point est dans le pays "
        "Mali (ML)"),
    "neighbouring town in the wrong country": (
        "chad", lambda d: _town(d, "Maiduguri").update(country="CM"),
        "towns[21] « Maiduguri » : (11.8333, 13.15) est à {km} km hors du pays Cameroun (CM) ; ce point est dans le "
        "pays Nigeria (NG)"),
    "town at sea": (
        "mauritania", lambda d: _town(d, "Nouadhibou").update(lon=-18.5),
        "towns[2] « Nouadhibou » : (20.931, -18.5) est à {km} km hors du pays Mauritanie (MR) ; ce point n'est dans "
        "aucun pays (en mer ?)"),
    "town on another continent": (  # what the old West-and-Central-Africa box caught, and only it
        "mali", lambda d: _town(d, "Koulikoro").update(lat=48.85, lon=2.35),
        "towns[3] « Koulikoro » : (48.85, 2.35) est à {km} km hors du pays Mali (ML) ; ce point est dans le pays "
        "France (FR) : corrigez lat et lon, ou country"),
}


@pytest.mark.parametrize("case", sorted(GEOGRAPHY))
def test_town_outside_its_country_is_named(tmp_path, case):
    country, change, expected = GEOGRAPHY[case]
    data = yaml.safe_load((PROFILES_DIR / f"{country}.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{country}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert re.search(re.escape(expected).replace(re.escape("{km}"), r"\d{2,4}"), str(err.value)), str(err.value)
    assert len(err.value.problems) == 1, err.value.problems


def test_border_towns_pass_only_thanks_to_the_tolerance(monkeypatch):
    """The outlines are coarse: Kousséri (CM, facing N'Djamena) lies 13 km outside Cameroon's."""
    assert geography_problems(load_profile("chad")) == []
    monkeypatch.setattr(borders, "BORDER_TOLERANCE_KM", 0.0)
    assert [p.split(" : ")[0] for p in geography_problems(load_profile("chad", check_numbers=False))] == [
        "towns[19] « Kousséri »"]


def test_every_country_the_profiles_name_has_an_outline():
    """A country without an outline is not checked: every one the kit's profiles use must have one."""
    profiles = [read_profile(p) for p in (*PROFILES_DIR.glob("*.yaml"), *PROFILE_FIXTURES.glob("*.yaml"))]
    named = {t["country"] for d in profiles for t in d["towns"]}
    assert len(named) > 10 and sorted(iso for iso in named if not borders.has_outline(iso)) == []


def test_loader_skips_the_boundary_check_like_the_phone_ranges(tmp_path):
    data = copy.deepcopy(MALI)
    _swap(_town(data, "Gao"))
    assert load_profile(_write(tmp_path, data), check_numbers=False)["slug"] == "mali"


def test_missing_file_and_not_utf8(tmp_path):
    with pytest.raises(ProfileError, match="nowhere.yaml: fichier introuvable ; vérifiez le chemin"):
        load_profile(tmp_path / "nowhere.yaml")
    bad = tmp_path / "mali.yaml"
    bad.write_bytes((PROFILES_DIR / "mali.yaml").read_bytes().replace("Ségou".encode(), "S\xe9gou".encode("latin-1")))
    line = next(i for i, text in enumerate(MALI_LINES, start=1) if "Ségou" in text)
    with pytest.raises(ProfileError, match=f"mali.yaml: ligne {line} : caractère illisible, le fichier n'est pas en "
                                           "UTF-8 ; enregistrez-le en UTF-8"):
        load_profile(bad)


def test_bad_profile_writes_nothing(tmp_path):
    data = copy.deepcopy(MALI)
    data["towns"][0].pop("lat")
    path = _write(tmp_path, data)
    out = tmp_path / "out"
    with pytest.raises(ProfileError):
        generate(profile_file=path, out=out, calls=500)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mali.yaml"]


def test_in_a_profiles_folder_the_file_name_is_the_slug(tmp_path):
    """profiles/ folders list countries by file name; a coordinator's draft elsewhere may be named freely."""
    (tmp_path / "profiles").mkdir()
    path = tmp_path / "profiles" / "mali-draft.yaml"
    path.write_text(yaml.safe_dump(MALI, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ProfileError, match="slug : « mali », mais le fichier s'appelle mali-draft.yaml"):
        load_profile(path)
    draft = path.rename(tmp_path / "mali-draft.yaml")
    assert load_profile(draft, check_numbers=False)["slug"] == "mali"


# --------------------------------------------------------------------------- any country, any year
def test_a_sixth_country_outside_the_g5_is_accepted():
    """Senegal (XOF, +221) with towns of Gambia, Guinea-Bissau and Mali: neighbours outside the G5."""
    p = load_profile(PROFILE_FIXTURES / "senegal.yaml")  # every fictitious prefix checked with libphonenumber
    assert (p["iso"], p["currency"]) == ("SN", "XOF")
    assert {t["country"] for t in p["towns"]} == {"SN", "GM", "GW", "ML"}


def test_the_currency_is_the_country_s_during_the_period():
    """Babel's CLDR data decides: GNF for Guinea; MRO in Mauritania before 2018, MRU after."""
    def currency_errors(profile):
        return [e for e in validate_profile(profile, check_numbers=False) if e.startswith("currency")]

    assert currency_errors(dict(SENEGAL, slug="guinee", iso="GN", currency="GNF")) == []
    assert currency_errors(dict(SENEGAL, currency="GNF")) == [
        "currency : « GNF » n'a pas cours dans le pays SN (Sénégal) pendant la période ; monnaie du pays SN pendant "
        "la période : XOF"]
    mauritania = read_profile(PROFILES_DIR / "mauritania.yaml")
    then = dict(mauritania, period={"start": dt.date(2010, 2, 1), "end": dt.date(2010, 4, 1)})
    assert currency_errors(dict(then, currency="MRO")) == []
    assert currency_errors(then) and not currency_errors(mauritania)


def test_any_year(tmp_path):
    moved = next_year(MALI)
    p = load_profile(_write(tmp_path, moved))
    assert p["period"]["start"].year == MALI["period"]["start"].year + 1


@pytest.mark.parametrize("days", [PERIOD_MIN_DAYS, PERIOD_MAX_DAYS])
def test_a_period_at_the_bounds_generates(tmp_path, days):
    """The duration bounds are the generator's: the planted signals fit in the shortest period."""
    data = copy.deepcopy(MALI)
    data["period"]["end"] = data["period"]["start"] + dt.timedelta(days)
    folder = generate(profile_file=_write(tmp_path, data), out=tmp_path / "out", calls=1500)
    signals = (folder / "truth" / "signals.csv").read_text(encoding="utf-8")
    assert "structuring" in signals and "convoy" in signals


# --------------------------------------------------------------------------- what the notebooks need
def _drop(key, keep):
    return lambda d: d.update({key: [x for x in d[key] if keep(x)]})


REMOVE = {  # one way to take each requirement away from the Mali profile
    "customs": _drop("services", lambda s: s["kind"] != "customs"),
    "gendarmerie": _drop("services", lambda s: s["kind"] != "gendarmerie"),
    "narcotics": _drop("services", lambda s: s["kind"] != "narcotics"),
    "investigation": _drop("services", lambda s: s["kind"] not in ("counter_terrorism", "police")),
    "foreign_police": lambda d: d["services"][4].update(country="ML"),
    "cross_border_route": _drop("routes", lambda r: not {"Bobo-Dioulasso", "Ouagadougou", "Niamey", "Nouakchott"}
                                & set(r["towns"])),
    "cell_police": lambda d: d["services"][4].update(country="SN"),
    "border_post": _drop("posts", lambda p: p["leads_to"] not in ("BF", "NE", "MR")),
    "markets": _drop("markets", lambda m: False),
    "pill_crime": _drop("crimes", lambda c: c["kind"] not in ("amphetamine_pills", "tramadol", "falsified_medicine")),
    "checkpoints": lambda d: d.update(posts=[p for p in d["posts"] if p["kind"] == "border"] + [
        p for p in d["posts"] if p["kind"] == "checkpoint"][:2]),
    "pill_route": _drop("posts", lambda p: p["leads_to"] != "BF"),
}


def test_every_requirement_has_a_test():
    assert sorted(REMOVE) == sorted(r.name for r in REQUIREMENTS)


@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=lambda r: r.name)
def test_a_missing_requirement_names_who_needs_it(tmp_path, requirement):
    assert requirement.problem(MALI) is None
    msg = _error(tmp_path, REMOVE[requirement.name])
    line = next((x for x in msg.splitlines() if f"mali.yaml: {requirement.key} : " in x and "besoin" in x), None)
    assert line is not None, msg
    for needer in requirement.needed_by:  # each notebook by number and name, each signal by kind
        if needer.startswith("signal:"):
            assert f"le signal « {needer.split(':')[1]} »" in line, line
        else:
            number, _, slug = needer.split("/")[1].partition("-")
            kind = "le module" if needer.startswith("modules/") else "l'exercice"
            assert f"{kind} {number} ({slug})" in line, line


def test_a_missing_customs_service_message():
    data = copy.deepcopy(MALI)
    REMOVE["customs"](data)
    assert "services : aucun service de type « customs » du pays (ML) ; le module 03 (collate-records) et " \
           "l'exercice 02 (grade-sources) en ont besoin" in validate_profile(data, check_numbers=False)


def _notebook(name: str) -> Path:
    folder, slug = name.split("/")
    if folder == "modules":
        return REPO / "modules" / teaching_name(slug)
    return REPO / "solutions" / slug / f"{slug}.ipynb"


@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=lambda r: r.name)
def test_requirements_name_real_notebooks_and_signals(requirement):
    for needer in requirement.needed_by:
        if needer.startswith("signal:"):
            assert needer.split(":", 1)[1] in SIGNAL_KINDS
        else:
            text = _notebook(needer).read_text(encoding="utf-8")
            for kind in requirement.service_kinds:
                assert f'\\"{kind}\\"' in text, f"{needer} does not look up services of kind {kind}"


def test_every_service_kind_a_notebook_looks_up_is_a_requirement():
    """A notebook that picks services["kind"] == "x" (or .isin([...])) needs a requirement naming it."""
    import re

    looked_up = set()
    for path in sorted((REPO / "modules").glob("[0-9]*.ipynb")) + sorted((REPO / "solutions").glob("*/*.ipynb")):
        text = path.read_text(encoding="utf-8").replace('\\"', '"')
        name = f"{path.parent.name if path.parent.name != 'modules' else 'modules'}"
        name = f"modules/{module_slug(path)}" if name == "modules" else f"solutions/{path.stem}"
        for kind in re.findall(r'\["kind"\]\s*==\s*"(\w+)"', text):
            if kind in SERVICE_KINDS:  # posts have kinds too (border, checkpoint): required apart
                looked_up.add((name, (kind,)))
        for kinds in re.findall(r'\["kind"\]\.isin\(\[([^\]]*)\]\)', text):
            looked_up.add((name, tuple(sorted(re.findall(r'"(\w+)"', kinds)))))
    assert looked_up, "no notebook looks up a service kind: has the way they do it changed?"
    covered = {(n, tuple(sorted(r.service_kinds))) for r in REQUIREMENTS for n in r.needed_by}
    assert sorted(looked_up - covered) == []


def _text_latitude(data: dict) -> None:
    data["towns"][2]["lat"] = "nord"


def test_a_profile_error_is_in_french_by_default_and_in_english_on_request(tmp_path, monkeypatch):
    """The same mistake names the same file and key in the workshop's language (SAHELKIT_LANG)."""
    town = MALI["towns"][2]["name"]
    monkeypatch.delenv("SAHELKIT_LANG", raising=False)
    assert f"mali.yaml: towns[3] « {town} ».lat : nombre attendu, trouvé « nord »" in _error(tmp_path, _text_latitude)
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    assert f'mali.yaml: towns[3] "{town}".lat: number expected, found "nord"' in _error(tmp_path, _text_latitude)


def test_a_requirement_a_yaml_mistake_and_a_country_name_read_in_english(tmp_path, monkeypatch):
    """Counted messages (who needs it), line and column, and CLDR country names follow SAHELKIT_LANG too."""
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    msg = _error(tmp_path, lambda d: d.update(markets=[]))
    assert "mali.yaml: markets: no market; module 01 (intelligence-cycle), exercise 01 (intelligence-cycle), " \
           "module 14 (capstone) and exercise 14 (capstone) need it" in msg, msg
    path = tmp_path / "mali.yaml"
    path.write_text(_edit_line(KATI, lambda s: "\t" + s[2:]), encoding="utf-8")
    with pytest.raises(ProfileError, match=f"mali.yaml: line {KATI}, column 1: tab in the indentation; YAML accepts "
                                           "only spaces: replace it with spaces"):
        load_profile(path)
    chad = {**copy.deepcopy(MALI["neighbour_phones"][0]), "iso": "TD"}  # Burkina Faso's numbering, no town of Chad
    msg = _error(tmp_path, lambda d: d["neighbour_phones"].append(chad))
    where = f'neighbour_phones[{len(MALI["neighbour_phones"]) + 1}] "TD"'
    assert f"{where}.iso: no town of the country TD in towns" in msg, msg
    assert f'{where}.calling_code: +{chad["calling_code"]} is not the calling code of the country ' \
           "TD (Chad); write 235" in msg, msg
