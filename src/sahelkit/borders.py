"""Country outlines, to tell whether a town's coordinates lie in the country the profile gives it.

The outlines are the GeoJSON polygons the `countryinfo` package ships, one per country, read
offline; shapely does the geometry. They are coarse (40 to 80 vertices for a Sahel country), so
a real border town can fall a little outside its own country's outline: Kousséri, on the Chari
facing N'Djamena, is 13 km out, Birni-N'Konni 5 km. BORDER_TOLERANCE_KM absorbs that while a
town in the wrong country (hundreds of km away) or with latitude and longitude swapped (another
continent) is still caught.
"""
from __future__ import annotations

import functools
import math

BORDER_TOLERANCE_KM = 25.0
"""How far outside its country's outline a town may lie (coarse outlines, towns on the border)."""

EARTH_RADIUS_KM = 6371.0
_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


@functools.cache
def _outlines() -> dict[str, object]:
    """ISO alpha-2 code -> shapely geometry, for every country countryinfo has an outline of."""
    from countryinfo import CountryInfo
    from shapely import make_valid, union_all
    from shapely.geometry import shape

    out = {}
    for info in CountryInfo.all().values():
        iso = (info.get("ISO") or {}).get("alpha2")
        features = (info.get("geoJSON") or {}).get("features") or []
        if iso and features:
            out[iso] = union_all([make_valid(shape(f["geometry"])) for f in features])
    return out


def has_outline(iso: str) -> bool:
    return iso in _outlines()


def km_outside(iso: str, lat: float, lon: float) -> float | None:
    """0 inside the country's outline, else the distance to it in km; None for a country without outline."""
    from shapely import Point, transform

    outline = _outlines().get(iso)
    if outline is None:
        return None
    if outline.covers(Point(lon, lat)):
        return 0.0
    # Local equirectangular projection around the point: good to a few per cent at these distances.
    scale = (_KM_PER_DEGREE * math.cos(math.radians(lat)), _KM_PER_DEGREE)
    flat = transform(outline, lambda xy: xy * scale)
    return flat.distance(Point(lon * scale[0], lat * scale[1]))


def is_in(iso: str, lat: float, lon: float) -> bool:
    """Inside the country's outline or within BORDER_TOLERANCE_KM of it (unknown country: True)."""
    km = km_outside(iso, lat, lon)
    return km is None or km <= BORDER_TOLERANCE_KM


def country_at(lat: float, lon: float) -> str | None:
    """ISO code of the country whose outline holds the point, None at sea or where no outline is known."""
    from shapely import Point

    point = Point(lon, lat)
    return next((iso for iso, outline in _outlines().items() if outline.covers(point)), None)
