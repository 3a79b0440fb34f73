"""A bad country profile fails loudly, naming the file and the key path; nothing falls back."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

import sahelkit
from sahelkit.countries import UnknownCountryError, resolve_country
from sahelkit.generator.case import generate
from sahelkit.profiles import PROFILES_DIR, ProfileError, load_profile
from tests.helpers import COUNTRIES

MALI = yaml.safe_load((PROFILES_DIR / "mali.yaml").read_text(encoding="utf-8"))


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


BAD = {
    "unknown top-level key": (lambda d: d.update(colour="vert"), "colour: unknown key"),
    "unknown nested key": (lambda d: d["towns"][3].update(latt=1.0), "towns[3].latt: unknown key"),
    "missing key": (lambda d: d.pop("currency"), "currency: missing"),
    "town without coordinates": (lambda d: [d["towns"][3].pop(k) for k in ("lat", "lon")], "towns[3].lat: missing"),
    "latitude out of range": (lambda d: d["towns"][3].update(lat=123.0), "towns[3].lat: 123.0 out of range"),
    "coordinates outside the region": (lambda d: d["towns"][2].update(lat=48.85, lon=2.35), "towns[2].lat/lon"),
    "coordinate not a number": (lambda d: d["towns"][1].update(lon="west"), "towns[1].lon: expected a number"),
    "route through unknown town": (lambda d: d["routes"][0]["towns"].insert(1, "Atlantis"),
                                   "routes[0].towns[1]: unknown town 'Atlantis'"),
    "post in unknown town": (lambda d: d["posts"][0].update(town="Nowhere"), "posts[0].town: unknown town"),
    "border post leading nowhere": (lambda d: d["posts"][0].update(leads_to=""), "posts[0].leads_to"),
    "bad currency code": (lambda d: d.update(currency="EUR"), "currency: 'EUR' is not one of"),
    "another country's currency": (lambda d: d.update(currency="XAF"), "currency: 'XAF' is not the currency of ML"),
    "iso does not match slug": (lambda d: d.update(iso="NE"), "iso: 'NE' does not match slug"),
    "real phone range": (lambda d: d["phone"]["operators"][0]["prefixes"].append("76"),
                         "phone.operators[0].prefixes[3]: '76' is a real allocated range"),
    "operator shares": (lambda d: d["phone"]["operators"][0].update(share=0.9), "phone.operators: shares add up"),
    "duplicate service": (lambda d: d["services"].append(dict(d["services"][0])), "services[5].code: 'BIS' appears twice"),
    "unknown date format": (lambda d: d["services"][0].update(date_format="%d %B %Y"), "services[0].date_format"),
    "bad crime kind": (lambda d: d["crimes"][0].update(kind="poaching"), "crimes[0].kind: 'poaching' is not one of"),
    "weight not a number": (lambda d: d["crimes"][0].update(weight="lots"), "crimes[0].weight: expected a number"),
    "too few towns": (lambda d: d.update(towns=d["towns"][:5] + d["towns"][-3:]), "towns: expected 10 to 60"),
    "no neighbouring G5 town": (lambda d: d.update(towns=[t for t in d["towns"] if t["country"] not in
                                                          ("BF", "NE", "MR")]), "at least one town of a neighbouring G5"),
    "period outside 2026": (lambda d: d["period"].update(start="2025-12-01"), "period: must lie in 2026"),
    "towns not a list": (lambda d: d.update(towns={"Bamako": 1}), "towns: expected a list"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_profile_names_file_and_key(tmp_path, case):
    change, expected = BAD[case]
    msg = _error(tmp_path, change)
    assert expected in msg, msg


def test_duplicate_yaml_key_is_an_error(tmp_path):
    text = (PROFILES_DIR / "mali.yaml").read_text(encoding="utf-8") + "\ncurrency: XOF\n"
    path = tmp_path / "mali.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match="duplicate key 'currency'"):
        load_profile(path)


def test_missing_file_and_not_utf8(tmp_path):
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "nowhere.yaml")
    bad = tmp_path / "mali.yaml"
    bad.write_bytes((PROFILES_DIR / "mali.yaml").read_bytes().replace("Ségou".encode(), "S\xe9gou".encode("latin-1")))
    with pytest.raises(ProfileError, match="not UTF-8"):
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
