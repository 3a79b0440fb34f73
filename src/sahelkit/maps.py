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

from .i18n import _
from .paths import DATASETS

BORDERS_FILE = DATASETS / "maps" / "borders.geojson"
MARGIN_DEGREES = 0.6  # room around the country's outline
LABEL_SIZE = 8  # points: readable on a small laptop screen at the default figure size
NAME_WIDTH_PER_CHAR = 0.6  # a character's width, in font sizes (italic sans-serif): room for a name
PLACE_GID = "sahelkit-place"  # the names this module lays out (towns), told from names a notebook adds
NEIGHBOUR_GID = "sahelkit-neighbour"
NAME_INSIDE_SHARE = 0.8  # a neighbour is named where at least this share of its name lies over it
SAHELKIT_ISO = "_sahelkit_iso"  # the country a map was drawn for, kept on its Axes for `name_places`
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
    """The country's name in the workshop's language (CLDR, through Babel; SAHELKIT_LANG)."""
    from .codes import country_name as cldr_name

    return cldr_name(iso)


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
    """Neighbours in grey (named by `_name_neighbours` once the frame is final)."""
    for other, geom in outlines.items():
        if other != iso:
            _fill(ax, geom, facecolor="#eeeeee", edgecolor="#999999", linewidth=0.6, zorder=0)


def _degrees_per_point(ax) -> tuple[float, float]:
    """How many degrees of longitude and latitude one typographic point covers on this map."""
    ax.apply_aspect()
    box = ax.get_position(original=False)
    width, height = ax.figure.get_size_inches()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return (x1 - x0) / (box.width * width * 72), (y1 - y0) / (box.height * height * 72)


def _name_neighbours(ax) -> None:
    """Name each neighbour where its whole name fits inside the frame, inside its outline.

    Called again when the frame changes (`zoom`): a name cut by the frame's edge ("Sénég") reads
    as a mistake."""
    from shapely.geometry import box

    for text in [t for t in ax.texts if t.get_gid() == NEIGHBOUR_GID]:
        text.remove()
    iso = getattr(ax, SAHELKIT_ISO, None)
    if iso is None:
        return
    per_x, per_y = _degrees_per_point(ax)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for other, geom in borders().items():
        if other == iso:
            continue
        name = country_name(other)
        half_w = NAME_WIDTH_PER_CHAR * LABEL_SIZE * len(name) * per_x / 2
        half_h = LABEL_SIZE * per_y  # a line's height, and as much again of room
        room = box(x0 + half_w, y0 + half_h, x1 - half_w, y1 - half_h) if x1 - x0 > 2 * half_w else None
        seen = geom.intersection(room).buffer(-half_h / 2) if room is not None and y1 - y0 > 2 * half_h else None
        if seen is None or seen.is_empty:
            continue
        point = seen.representative_point()
        label = box(point.x - half_w, point.y - half_h / 2, point.x + half_w, point.y + half_h / 2)
        if geom.intersection(label).area < NAME_INSIDE_SHARE * label.area:
            continue  # a sliver of the country shows: its name would lie over another
        ax.text(point.x, point.y, name, fontsize=LABEL_SIZE, color="#666666", ha="center", va="center",
                style="italic", zorder=1, gid=NEIGHBOUR_GID)


# Where a place's name may go around its marker, in points (x, y) with its alignment, in order of
# preference: above right first, as maps usually do.
LABEL_SPOTS = ((4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"),
               (-4, -3, "right", "top"), (0, 6, "center", "bottom"), (0, -7, "center", "top"),
               (7, 0, "left", "center"), (-7, 0, "right", "center"))
NAME_OVER_NAME = 10  # a name over a name costs this many times a name over a marker
LAYOUT_ROUNDS = 3  # passes of the greedy layout: each name moves again once the others are placed
MAX_MARKERS_AVOIDED = 200  # a scatter with more points (cell sites) is not avoided by names
MARKER_POINTS = 3.5  # half the side of the square a town's or post's marker covers, in points


def _place_names(ax) -> None:
    """Put each place's name on the side of its marker where it covers the fewest other names, then
    the fewest markers (greedy, then again given where the others went); a white halo keeps it
    readable over routes and arrows."""
    ax.apply_aspect()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    names = [t for t in ax.texts if t.get_gid() == PLACE_GID and x0 <= t.xy[0] <= x1 and y0 <= t.xy[1] <= y1]
    if not names:
        return
    renderer = ax.figure.canvas.get_renderer()
    half = MARKER_POINTS * ax.figure.dpi / 72
    markers = [_square(m, half) for m in [ax.transData.transform(t.xy) for t in names] + _marker_positions(ax)]
    boxes: dict[int, object] = {}
    for _round in range(LAYOUT_ROUNDS):
        for i, text in enumerate(names):
            others = [bb for j, bb in boxes.items() if j != i]
            costs = []
            for spot in LABEL_SPOTS:
                bb = _put(text, spot, renderer)
                costs.append((NAME_OVER_NAME * sum(_overlap(bb, o) for o in others)
                              + sum(_overlap(bb, m) for m in markers), spot))
            best = min(costs, key=lambda c: c[0])[1]  # the first spot among equals: above right
            boxes[i] = _put(text, best, renderer)


def _put(text, spot, renderer):
    dx, dy, ha, va = spot
    text.set_position((dx, dy))
    text.set_ha(ha)
    text.set_va(va)
    return text.get_window_extent(renderer)


def _marker_positions(ax) -> list:
    """Where the map's markers are drawn (towns, posts...), in display units; not the cell sites,
    too many and too small to keep names away from."""
    out = []
    for coll in ax.collections:
        offsets = coll.get_offsets()
        if 0 < len(offsets) <= MAX_MARKERS_AVOIDED:
            out.extend(coll.get_offset_transform().transform(offsets))
    return out


def _square(centre, half):
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half)


def _overlap(a, b) -> float:
    """The area two display boxes share (0 when apart)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def name_places(ax) -> None:
    """Lay out the map's names again: neighbours, then towns. `country_map` and `zoom` call it; call
    it yourself after changing the map's frame (set_xlim, set_ylim)."""
    _name_neighbours(ax)
    _place_names(ax)


def country_map(case, ax=None, *, towns: bool = True, posts: bool = True, routes: bool = True,
                cells: bool = False, title: str | None = None):
    """The case's country and its neighbours, with what is asked: towns, posts, routes, cell sites.

    Border posts are triangles, checkpoints squares, towns dots, so the map reads in black and
    white too. Returns the matplotlib Axes, to draw more on it."""
    import matplotlib.pyplot as plt

    iso = case.profile["iso"]
    outlines = borders()
    if ax is None:
        _figure, ax = plt.subplots(figsize=(8, 7))
    if iso in outlines:
        setattr(ax, SAHELKIT_ISO, iso)
        _frame(ax, outlines[iso])
        _neighbours(ax, iso, outlines)
        _fill(ax, outlines[iso], facecolor="white", edgecolor="black", linewidth=1.2, zorder=1)
    where = places(case)
    if routes:
        _routes(ax, case, where)
    if cells:
        ax.scatter(case.cell_sites.lon, case.cell_sites.lat, s=14, marker="+", color="#666666", linewidth=0.8,
                   zorder=3, label=_("cell sites"))
    if towns:
        _towns(ax, case)
    if posts:
        _posts(ax, case)
    ax.set_title(title if title is not None else country_name(iso))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=LABEL_SIZE)
    name_places(ax)
    return ax


def _routes(ax, case, where) -> None:
    for k, route in enumerate(case.profile["routes"]):
        xy = [where[t] for t in route["towns"] if t in where]
        ax.plot([p[1] for p in xy], [p[0] for p in xy], linestyle="--", linewidth=1, color="#555555", zorder=2,
                label=_("roads (the profile's routes)") if k == 0 else None)


def _towns(ax, case) -> None:
    from matplotlib import patheffects

    home = [t for t in case.profile["towns"] if t["country"] == case.profile["iso"]]
    ax.scatter([t["lon"] for t in home], [t["lat"] for t in home], s=18, color="black", zorder=4, label=_("towns"))
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for t in home:
        ax.annotate(t["name"], (t["lon"], t["lat"]), xytext=LABEL_SPOTS[0][:2], textcoords="offset points",
                    fontsize=LABEL_SIZE, zorder=8, gid=PLACE_GID, path_effects=halo)


def _posts(ax, case) -> None:
    styles = {"border": ("^", _("border posts")), "checkpoint": ("s", _("checkpoints"))}
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
    name_places(ax)


def flow_chart(ax, flow, where: dict[str, tuple[float, float]], *, source: str = "origin",
               target: str = "destination", weight: str = "weight", unit: str = "", frame: bool = True):
    """Draw a weighted, directed flow on a map: one arrow per row, as wide as its weight, labelled with it.

    `flow` has one row per (source, target) with a weight; `where` gives each place's (lat, lon)
    (see `places`). A place missing from `where` is an error that names it. With `frame`, the map
    is framed on the flow's places, so that short arrows stay readable."""
    missing = sorted({str(p) for p in list(flow[source]) + list(flow[target]) if p not in where})
    if missing:
        raise KeyError(_("places without coordinates: {places}; give a town of the profile or a post_id").format(
            places=", ".join(missing)))
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
