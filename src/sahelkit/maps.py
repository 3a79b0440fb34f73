"""Maps of a case's country drawn offline: outlines, towns, posts, routes, cell sites and flows.

The outlines are Natural Earth's (public domain), committed simplified in datasets/maps/ by
`sahelkit.course.mapdata`; no map tiles, no network. Which country is drawn, its towns, posts and
routes all come from the case (its profile and tables), so the same call draws any country.
This is plotting boilerplate; what a module teaches (counting, joining, weighting a flow) stays
in the notebook.
"""
from __future__ import annotations

import functools
import json
import math
from pathlib import Path

from .paths import DATASETS

BORDERS_FILE = DATASETS / "maps" / "borders.geojson"
MARGIN_DEGREES = 0.6  # room around the country's outline
LABEL_SIZE = 8  # points: readable on a small laptop screen at the default figure size
FLOW_WIDTH_MAX = 8.0  # points: the width of the heaviest arrow of a flow chart
FLOW_WIDTH_MIN = 1.0
ZOOM_MARGIN_DEGREES = 1.2  # around the places of a flow chart


@functools.cache
def borders(path: Path = BORDERS_FILE) -> dict:
    """ISO alpha-2 code -> shapely geometry, from the committed GeoJSON."""
    from shapely.geometry import shape

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {f["properties"]["iso"]: shape(f["geometry"]) for f in data["features"]}


def country_name(iso: str) -> str:
    """The country's name in French (CLDR, through Babel)."""
    from babel import Locale

    return Locale("fr").territories.get(iso, iso)


def places(case) -> dict[str, tuple[float, float]]:
    """Town names and post ids -> (lat, lon): the towns of the profile and the posts of the case."""
    where = {t["name"]: (t["lat"], t["lon"]) for t in case.profile["towns"]}
    where.update({p: (lat, lon) for p, lat, lon in zip(case.posts.post_id, case.posts.lat, case.posts.lon)})
    return where


def _polygons(geom):
    return list(getattr(geom, "geoms", [geom]))


def _fill(ax, geom, **style) -> None:
    for poly in _polygons(geom):
        x, y = poly.exterior.xy
        ax.fill(x, y, **style)


def _frame(ax, geom) -> None:
    """The country and a margin, with a local aspect so that a degree of longitude is not stretched."""
    x0, y0, x1, y1 = geom.bounds
    ax.set_xlim(x0 - MARGIN_DEGREES, x1 + MARGIN_DEGREES)
    ax.set_ylim(y0 - MARGIN_DEGREES, y1 + MARGIN_DEGREES)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")


def _neighbours(ax, iso: str, outlines: dict) -> None:
    """Neighbours in grey, each named where it shows inside the frame."""
    from shapely.geometry import box

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    frame = box(x0, y0, x1, y1).buffer(-MARGIN_DEGREES / 2)
    for other, geom in outlines.items():
        if other == iso:
            continue
        _fill(ax, geom, facecolor="#eeeeee", edgecolor="#999999", linewidth=0.6, zorder=0)
        seen = geom.intersection(frame)
        if seen.area > 0.5:  # square degrees: room for a name
            point = seen.representative_point()
            ax.text(point.x, point.y, country_name(other), fontsize=LABEL_SIZE, color="#666666", ha="center",
                    style="italic", zorder=1, clip_on=True)


def country_map(case, ax=None, *, towns: bool = True, posts: bool = True, routes: bool = True,
                cells: bool = False, title: str | None = None):
    """The case's country and its neighbours, with what is asked: towns, posts, routes, cell sites.

    Border posts are triangles, checkpoints squares, towns dots, so the map reads in black and
    white too. Returns the matplotlib Axes, to draw more on it."""
    import matplotlib.pyplot as plt

    iso = case.profile["iso"]
    outlines = borders()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 7))
    if iso in outlines:
        _frame(ax, outlines[iso])
        _neighbours(ax, iso, outlines)
        _fill(ax, outlines[iso], facecolor="white", edgecolor="black", linewidth=1.2, zorder=1)
    where = places(case)
    if routes:
        _routes(ax, case, where)
    if cells:
        ax.scatter(case.cell_sites.lon, case.cell_sites.lat, s=14, marker="+", color="#666666", linewidth=0.8,
                   zorder=3, label="antennes")
    if towns:
        _towns(ax, case)
    if posts:
        _posts(ax, case)
    ax.set_title(title if title is not None else country_name(iso))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=LABEL_SIZE)
    return ax


def _routes(ax, case, where) -> None:
    for k, route in enumerate(case.profile["routes"]):
        xy = [where[t] for t in route["towns"] if t in where]
        ax.plot([p[1] for p in xy], [p[0] for p in xy], linestyle="--", linewidth=1, color="#555555", zorder=2,
                label="axes (routes du profil)" if k == 0 else None)


def _towns(ax, case) -> None:
    home = [t for t in case.profile["towns"] if t["country"] == case.profile["iso"]]
    ax.scatter([t["lon"] for t in home], [t["lat"] for t in home], s=18, color="black", zorder=4, label="villes")
    for t in home:
        ax.annotate(t["name"], (t["lon"], t["lat"]), xytext=(4, 3), textcoords="offset points",
                    fontsize=LABEL_SIZE, zorder=5)


def _posts(ax, case) -> None:
    styles = {"border": ("^", "postes frontières"), "checkpoint": ("s", "postes de contrôle")}
    for kind, (marker, label) in styles.items():
        at = case.posts[case.posts.kind == kind]
        ax.scatter(at.lon, at.lat, s=40, marker=marker, facecolor="white", edgecolor="black", linewidth=1.2,
                   zorder=4, label=label)


def zoom(ax, points: list[tuple[float, float]], margin: float = ZOOM_MARGIN_DEGREES) -> None:
    """Frame the map on these (lat, lon) points and a margin, keeping the aspect the map was drawn with."""
    if not points:
        return
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    ax.set_xlim(min(lons) - margin, max(lons) + margin)
    ax.set_ylim(min(lats) - margin, max(lats) + margin)


def flow_chart(ax, flow, where: dict[str, tuple[float, float]], *, source: str = "origin",
               target: str = "destination", weight: str = "weight", unit: str = "", frame: bool = True):
    """Draw a weighted, directed flow on a map: one arrow per row, as wide as its weight, labelled with it.

    `flow` has one row per (source, target) with a weight; `where` gives each place's (lat, lon)
    (see `places`). A place missing from `where` is an error that names it. With `frame`, the map
    is framed on the flow's places, so that short arrows stay readable."""
    missing = sorted({str(p) for p in list(flow[source]) + list(flow[target]) if p not in where})
    if missing:
        raise KeyError(f"lieux sans coordonnées : {', '.join(missing)} ; donnez une ville du profil ou un post_id")
    top = max(float(flow[weight].max()), 1e-9) if len(flow) else 1.0
    for a, b, w in zip(flow[source], flow[target], flow[weight]):
        (ya, xa), (yb, xb) = where[a], where[b]
        width = FLOW_WIDTH_MIN + (FLOW_WIDTH_MAX - FLOW_WIDTH_MIN) * float(w) / top
        ax.annotate("", xy=(xb, yb), xytext=(xa, ya), zorder=6,
                    arrowprops={"arrowstyle": "-|>", "lw": width, "color": "#222222", "alpha": 0.75,
                                "mutation_scale": 10 + 2 * width, "shrinkA": 4, "shrinkB": 6})
        box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85}
        ax.text(xa + 0.6 * (xb - xa), ya + 0.6 * (yb - ya), f"{w:g}{unit}", fontsize=LABEL_SIZE + 1, weight="bold",
                zorder=7, ha="center", va="center", bbox=box)
    if frame:
        zoom(ax, [where[p] for p in list(flow[source]) + list(flow[target])])
    return ax
