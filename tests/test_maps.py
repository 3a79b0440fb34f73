"""sahelkit.maps and its committed outlines (datasets/maps/borders.geojson, made by course/mapdata.py)."""
from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest

import sahelkit
from sahelkit import maps
from sahelkit.borders import BORDER_TOLERANCE_KM
from sahelkit.course import mapdata
from tests.helpers import COUNTRIES, REPO, read_profile

matplotlib.use("agg")


def _home_towns(profile: dict) -> list[dict]:
    return [t for t in profile["towns"] if t["country"] == profile["iso"]]


def test_the_outlines_cover_every_country_the_profiles_name():
    codes, home = mapdata.profile_countries()
    outlines = maps.borders()
    assert set(home) == {read_profile(REPO / "datasets" / "profiles" / f"{c}.yaml")["iso"] for c in COUNTRIES}
    assert not set(codes) - set(outlines), "a country the profiles name has no outline: rebuild with mapdata"


@pytest.mark.parametrize("country", COUNTRIES)
def test_each_home_town_lies_in_its_country_s_outline(country: str):
    """The committed outlines carry the right ISO code and are not simplified out of shape."""
    from shapely import Point

    profile = read_profile(REPO / "datasets" / "profiles" / f"{country}.yaml")
    outline = maps.borders()[profile["iso"]]
    km_per_degree = 111.2
    for town in _home_towns(profile):
        gap = outline.distance(Point(town["lon"], town["lat"])) * km_per_degree
        assert gap <= BORDER_TOLERANCE_KM, f"{town['name']} is {gap:.0f} km outside {profile['iso']}'s outline"


def test_the_outlines_file_is_small_and_rounded():
    text = maps.BORDERS_FILE.read_text(encoding="utf-8")
    assert len(text.encode()) < 150_000
    data = json.loads(text)
    assert "Natural Earth" in data["source"] and "public domain" in data["licence"]

    def coords(x):
        return [v for c in x for v in coords(c)] if isinstance(x, list) else [x]

    values = [v for f in data["features"] for v in coords(f["geometry"]["coordinates"])]
    assert all(round(v, mapdata.DIGITS) == v for v in values)


def test_mapdata_decodes_topojson_arcs(tmp_path):
    """Delta-encoded arcs, the transform, a reversed arc (~i) and the numeric code read as ISO alpha-2."""
    topo = {"type": "Topology", "transform": {"scale": [0.5, 0.5], "translate": [-10, 10]},
            "arcs": [[[0, 0], [4, 0], [0, 4]], [[0, 0], [0, 4], [4, 0]]],
            "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "id": "466", "properties": {"name": "Mali"}, "arcs": [[0, ~1]]}]}}}
    path = tmp_path / "world.json"
    path.write_text(json.dumps(topo), encoding="utf-8")
    data = mapdata.build(path, ["ML"], ["ML"])
    (feature,) = data["features"]
    assert feature["properties"] == {"iso": "ML", "name": "Mali"}
    from shapely.geometry import shape

    (polygon,) = getattr(shape(feature["geometry"]), "geoms", [shape(feature["geometry"])])
    ring = [tuple(p) for p in polygon.exterior.coords]
    assert set(ring) == {(-10.0, 10.0), (-8.0, 10.0), (-8.0, 12.0), (-10.0, 12.0)}


def test_mapdata_refuses_a_country_it_has_no_outline_for(tmp_path):
    topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]}, "arcs": [],
            "objects": {"countries": {"type": "GeometryCollection", "geometries": []}}}
    path = tmp_path / "world.json"
    path.write_text(json.dumps(topo), encoding="utf-8")
    with pytest.raises(SystemExit, match="pas de contour pour ML"):
        mapdata.build(path, ["ML"], ["ML"])


@pytest.mark.parametrize("country", COUNTRIES)
def test_country_map_draws_the_case_s_country(country: str):
    import matplotlib.pyplot as plt

    case = sahelkit.load(country)
    ax = maps.country_map(case, cells=True)
    assert ax.get_title() == maps.country_name(case.profile["iso"])
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert labels == {"villes", "postes frontières", "postes de contrôle", "axes (routes du profil)", "antennes"}
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert all(x0 < t["lon"] < x1 and y0 < t["lat"] < y1 for t in _home_towns(case.profile))
    named = {t.get_text() for t in ax.texts}
    assert {t["name"] for t in _home_towns(case.profile)} <= named
    plt.close("all")


def _boxes(ax, gid: str) -> list:
    """The names of this kind drawn inside the frame, with their boxes on the screen."""
    renderer = ax.figure.canvas.get_renderer()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_gid() == gid
            and (not hasattr(t, "xy") or (x0 <= t.xy[0] <= x1 and y0 <= t.xy[1] <= y1))]


@pytest.mark.parametrize("country", COUNTRIES)
def test_names_on_a_map_neither_overlap_nor_leave_the_frame(country: str):
    """Town names (each beside its marker) cover no other name; a neighbour's name is whole, inside
    the frame, also after zooming in (a name cut at the edge, "Sénég", reads as a mistake)."""
    import matplotlib.pyplot as plt

    case = sahelkit.load(country)
    ax = maps.country_map(case)
    for step in ("country", "zoomed"):
        towns = _boxes(ax, maps.PLACE_GID)
        assert towns and (step == "zoomed" or len(towns) == len(_home_towns(case.profile)))
        clashes = [(a, b) for i, (a, ba) in enumerate(towns) for b, bb in towns[i + 1:] if ba.overlaps(bb)]
        assert not clashes, f"{country} ({step}): names drawn over each other: {clashes}"
        frame = ax.get_window_extent()
        for name, bb in _boxes(ax, maps.NEIGHBOUR_GID):
            assert frame.x0 <= bb.x0 and bb.x1 <= frame.x1 and frame.y0 <= bb.y0 and bb.y1 <= frame.y1, \
                f"{country} ({step}): {name} is cut by the frame"
        capital = _home_towns(case.profile)[0]
        maps.zoom(ax, [(capital["lat"], capital["lon"])], margin=2.0)
    plt.close("all")


def test_country_names_are_french(monkeypatch):
    monkeypatch.delenv("SAHELKIT_LANG", raising=False)
    assert maps.country_name("TD") == "Tchad" and maps.country_name("CI") == "Côte d’Ivoire"


def test_a_map_reads_in_english_on_request(monkeypatch):
    """SAHELKIT_LANG=en: the legend and the country names in English, the profile's own town names unchanged."""
    import matplotlib.pyplot as plt

    monkeypatch.setenv("SAHELKIT_LANG", "en")
    assert maps.country_name("TD") == "Chad" and maps.country_name("CI") == "Côte d’Ivoire"
    ax = maps.country_map(sahelkit.load("chad"), cells=True)
    assert ax.get_title() == "Chad"
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert labels == {"towns", "border posts", "checkpoints", "roads (the profile's routes)", "cell sites"}
    plt.close("all")


def test_flow_chart_draws_one_arrow_per_row_as_wide_as_its_weight():
    import matplotlib.pyplot as plt

    case = sahelkit.load(COUNTRIES[0])
    where = maps.places(case)
    post = case.posts.post_id.iat[0]
    towns = [t["name"] for t in _home_towns(case.profile)][:3]
    flow = pd.DataFrame({"origin": post, "destination": towns, "weight": [6, 3, 1]})
    ax = maps.country_map(case)
    maps.flow_chart(ax, flow, where)
    arrows = [a for a in ax.texts if getattr(a, "arrow_patch", None) is not None]
    widths = [a.arrow_patch.get_linewidth() for a in arrows]
    assert len(arrows) == 3 and widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    assert {"6", "3", "1"} <= {t.get_text() for t in ax.texts}
    lats = [where[p][0] for p in [post, *towns]]
    assert ax.get_ylim()[0] == pytest.approx(min(lats) - maps.ZOOM_MARGIN_DEGREES)
    plt.close("all")


def test_flow_chart_names_a_place_it_cannot_locate():
    import matplotlib.pyplot as plt

    case = sahelkit.load(COUNTRIES[0])
    _, ax = plt.subplots()
    flow = pd.DataFrame({"origin": ["Atlantide"], "destination": [case.posts.post_id.iat[0]], "weight": [1]})
    with pytest.raises(KeyError, match="Atlantide"):
        maps.flow_chart(ax, flow, maps.places(case))
    plt.close("all")
