"""The country outlines the maps draw, made once from Natural Earth and committed (datasets/maps/).

Natural Earth's Admin 0 boundaries (public domain) come as TopoJSON in the npm package
`world-atlas` (countries-50m.json). This script decodes it without node, keeps the countries the
profiles name (their own, their towns', the countries their border posts lead to), simplifies them
and writes a small GeoJSON with each country's ISO alpha-2 code, so that `sahelkit.maps` draws a
country offline, with no map tiles:

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python -m sahelkit.course.mapdata package/countries-50m.json

Only the trainer's side runs it; the participant's bundle carries the file it wrote.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..maps import BORDERS_FILE
from ..paths import PROFILES

__all__ = ["BORDERS_FILE", "build", "main", "profile_countries"]
SIMPLIFY_DEGREES = 0.02  # about 2 km: invisible at the scale of a country, a tenth of the 50m file's points
DIGITS = 3  # coordinates rounded to 1/1000 degree (about 100 m)
SOURCE = "Natural Earth 1:50m Admin 0 – Countries, version 4.1.0, via the npm package world-atlas 2.0.2"
LICENCE = "public domain (Natural Earth: « No permission is needed to use Natural Earth »)"


def profile_countries(profiles: Path = PROFILES) -> tuple[list[str], list[str]]:
    """Every country code the profiles name (their towns' countries, where their posts lead), and the
    profiles' own countries."""
    import yaml

    codes: set[str] = set()
    home: set[str] = set()
    for path in sorted(profiles.glob("*.yaml")):
        p = yaml.safe_load(path.read_text(encoding="utf-8"))
        home.add(p["iso"])
        codes.update(t["country"] for t in p["towns"])
        codes.update(q["leads_to"] for q in p["posts"] if q.get("leads_to"))
    return sorted(codes | home), sorted(home)


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are delta-encoded integers: sum them and apply the transform."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    """A ring from arc indexes; a negative index ~i is arc i reversed; shared end points are kept once."""
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _geometry(arcs: list, geom: dict):
    from shapely.geometry import MultiPolygon, Polygon

    polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    return MultiPolygon([Polygon(_ring(arcs, p[0]), [_ring(arcs, h) for h in p[1:]]) for p in polygons])


def build(topojson_path: Path, codes: list[str], home: list[str]) -> dict:
    """GeoJSON FeatureCollection of the given countries and every country touching one of `home`
    (so that a map of a G5 country has no hole where a neighbour no profile names lies)."""
    from babel.core import get_global
    from shapely import make_valid
    from shapely.geometry import mapping

    alpha2 = {num: iso[0] for num, iso in get_global("territory_aliases").items() if num.isdigit() and iso}
    topo = json.loads(Path(topojson_path).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    geometries = topo["objects"]["countries"]["geometries"]
    shapes = {alpha2.get(str(g.get("id", ""))): make_valid(_geometry(arcs, g))
              for g in geometries if g["type"] in ("Polygon", "MultiPolygon")}
    names = {alpha2.get(str(g.get("id", ""))): g["properties"]["name"] for g in geometries}
    homes = [shapes[c] for c in home if c in shapes]
    keep = set(codes) | {iso for iso, shape in shapes.items() if iso and any(shape.intersects(h) for h in homes)}
    features = []
    for iso in sorted(keep & set(shapes)):
        shape = shapes[iso].simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        rounded = json.loads(json.dumps(mapping(shape)), parse_float=lambda s: round(float(s), DIGITS))
        features.append({"type": "Feature", "properties": {"iso": iso, "name": names[iso]},
                         "geometry": rounded})
    missing = sorted(set(codes) - {f["properties"]["iso"] for f in features})
    if missing:
        raise SystemExit(f"{topojson_path} : pas de contour pour {', '.join(missing)}")
    return {"type": "FeatureCollection", "source": SOURCE, "licence": LICENCE, "features": features}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage : python -m sahelkit.course.mapdata CHEMIN/countries-50m.json")
    data = build(Path(args[0]), *profile_countries())
    BORDERS_FILE.parent.mkdir(parents=True, exist_ok=True)
    BORDERS_FILE.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{BORDERS_FILE} : {len(data['features'])} pays, {BORDERS_FILE.stat().st_size // 1024} Ko")


if __name__ == "__main__":
    main()
