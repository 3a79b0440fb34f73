"""The cohort report: what the trainer reads the evening after grading.

One self-contained HTML file (charts embedded as PNG, readable printed in black and white) and
the grades as CSV (semicolon-separated UTF-8 with BOM, which French-locale Excel opens as
columns). It answers three questions, in this order: which parts did the cohort fail (what to
teach again tomorrow), who needs attention (low score, missing, problems), and what everyone
scored, per exercise and per part.
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
from pathlib import Path

import nbformat

from ..i18n import _, language, ngettext
from .collect import Participant
from .statuses import STATUSES, label, needs_attention

PASS_RATE = 0.5   # a part that fewer than half of the cohort fully passed is "to teach again"


def _parts(course: Path, assignment: str) -> list[dict]:
    """The graded parts of an assignment, in notebook order, with their points."""
    parts = []
    for nb_path in sorted((course / "solutions" / assignment).glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        for c in nb.cells:
            meta = c.metadata.get("nbgrader", {})
            if meta.get("grade"):
                parts.append({"notebook": nb_path.stem, "id": meta["grade_id"], "max": float(meta.get("points", 0)),
                              "manual": c.cell_type != "code" or bool(meta.get("solution"))})
    return parts


def _collect_scores(url: str, assignments: list[str]) -> tuple[dict, dict]:
    """(scores, people): scores[(pid, a)] = {part id: (score, needs manual)}; people from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry
    scores: dict = {}
    people: dict[str, Participant] = {}
    with Gradebook(url) as gb:
        for st in gb.students:
            people[st.id] = Participant(st.id, st.first_name or "", st.last_name or "", "", st.email or "")
        for a in assignments:
            try:
                subs = gb.assignment_submissions(a)
            except MissingEntry:
                continue
            for sub in subs:
                parts = {}
                for nb in sub.notebooks:
                    for g in nb.grades:
                        parts[g.name] = (float(g.score or 0.0), bool(g.needs_manual_grade))
                scores[(sub.student.id, a)] = parts
    return scores, people


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _charts(parts_stats: list[dict], rows: list[dict], matrix: dict, assignments: list[str], all_parts: dict) -> dict:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    charts = {}
    # 1. success rate per part, worst first; hatched bars are below the pass line
    if parts_stats:
        # parts waiting for manual grading last: they are not judged yet
        stats = sorted(parts_stats, key=lambda s: (s["pending"] > 0, s["rate"] or 0, s["id"]))
        weak = {(s["assignment"], s["id"]) for s in to_teach_again(parts_stats)}
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(stats) + 1.2))
        rates = [100 * (s["rate"] or 0) for s in stats]
        labels = [f"{s['assignment']} · {s['id']}" for s in stats]
        bars = ax.barh(labels, rates, color="0.75", edgecolor="black")
        for bar, s, r in zip(bars, stats, rates):
            if (s["assignment"], s["id"]) in weak:
                bar.set_hatch("///")
                bar.set_facecolor("0.35")
            text = f"{r:.0f} %"
            if s["pending"]:  # not judged yet: white, and the rate is of the grades already final
                bar.set_facecolor("white")
                pending = _("{n} to grade by hand").format(n=s["pending"])
                text = (_("{rate:.0f} % of the {n} graded; {pending}").format(rate=r, n=s["n"], pending=pending)
                        if s["n"] else pending)
            ax.text(min(r + 1, 101), bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=9)
        ax.axvline(100 * PASS_RATE, color="black", linestyle="--", linewidth=1)
        ax.set_xlim(0, 112)
        ax.invert_yaxis()
        ax.set_xlabel(_("participants with all the points of the part (%)"))
        ax.set_title(_("Success per part (hatched: less than half of the cohort)"))
        charts["parts"] = _png(fig)
    # 2. distribution of scores per exercise
    graded = [r for r in rows if r["graded"]]
    if graded:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        data = [[r["percent"] for r in graded if r["assignment"] == a] for a in assignments]
        hatches = ["", "///", "...", "xxx", "\\\\\\", "ooo"]
        ax.hist(data, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01], label=assignments,
                color=[str(0.2 + 0.6 * i / max(1, len(assignments) - 1)) for i in range(len(assignments))][:len(data)],
                edgecolor="black", hatch=None)
        for i, container in enumerate(ax.containers):
            for patch in container:
                patch.set_hatch(hatches[i % len(hatches)])
        ax.set_xlabel(_("score (% of the points)"))
        ax.set_ylabel(_("participants"))
        ax.set_xticks(range(0, 101, 10))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(_("Distribution of the scores"))
        if len(assignments) > 1:
            ax.legend(fontsize=8)
        charts["scores"] = _png(fig)
    # 3. participant x part: shade = share of the part's points, value written in each cell
    pids = sorted({r["participant"] for r in graded})
    cols = [(a, p["id"]) for a in assignments for p in all_parts[a]]
    if pids and cols:
        import numpy as np
        grid = np.full((len(pids), len(cols)), np.nan)
        for i, pid in enumerate(pids):
            for j, (a, gid) in enumerate(cols):
                got = matrix.get((pid, a), {}).get(gid)
                top = next(p["max"] for p in all_parts[a] if p["id"] == gid)
                if got is not None and top and not got[1]:
                    grid[i, j] = got[0] / top
        fig, ax = plt.subplots(figsize=(1.0 + 0.7 * len(cols), 0.8 + 0.32 * len(pids)))
        ax.imshow(grid, cmap="Greys", vmin=0, vmax=1.6, aspect="auto")
        for i in range(len(pids)):
            for j in range(len(cols)):
                v = grid[i, j]
                pending = matrix.get((pids[i], cols[j][0]), {}).get(cols[j][1], (0, False))[1]
                text = _("to grade") if pending else "–" if np.isnan(v) else f"{100 * v:.0f}"
                ax.text(j, i, text, ha="center", va="center", fontsize=6 if pending else 7)
        ax.set_xticks(range(len(cols)), [gid for _a, gid in cols], rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(pids)), pids, fontsize=7)
        ax.set_title(_("Points earned per part (% of the part; darker = better; to grade: Formgrader)"))
        charts["grid"] = _png(fig)
    return charts


CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#000;background:#fff;max-width:1100px;margin:1.5em auto;
     padding:0 1em;font-size:14px}
h1{font-size:1.6em;margin-bottom:.2em}
h2{font-size:1.25em;border-bottom:2px solid #000;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;width:100%}
th,td{border:1px solid #444;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#e6e6e6} td.num{text-align:right;white-space:nowrap} .attention{font-weight:bold}
.note{color:#333;font-size:.92em} img{max-width:100%;display:block;margin:.6em 0;border:1px solid #999}
.badge{display:inline-block;border:1px solid #000;padding:0 .3em;margin:1px;font-size:.88em}
.badge.attention{border-width:2px} .small{font-size:.85em}
@media print{body{margin:0;max-width:none;font-size:11px} h2{page-break-after:avoid} table,img{page-break-inside:avoid}}
"""


def _badges(issues: list) -> str:
    out = []
    for code in dict.fromkeys(c for c, _d in issues):
        st = STATUSES.get(code)
        cls = "badge attention" if st and st.attention else "badge"
        mark = "⚠ " if st and st.attention else ""
        out.append(f'<span class="{cls}">{mark}{html.escape(label(code))}</span>')
    return " ".join(out) or f'<span class="badge">{html.escape(label("ok"))}</span>'


def build_report(course: Path, url: str, assignments: list[str], records: dict, roster: dict[str, Participant],
                 out_dir: Path, low_score: float, unattributed: list) -> dict:
    """Write rapport-cohorte.html, notes.csv and notes-par-partie.csv; return the rows for the summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    all_parts = {a: _parts(course, a) for a in assignments}
    scores, people = _collect_scores(url, assignments)
    people.update(roster)
    pids = sorted(set(roster) | {pid for (pid, a) in scores if a in assignments}
                  | {pid for (pid, a) in records})
    rows = []
    for pid in pids:
        for a in assignments:
            rec = records.get((pid, a), {"issues": [], "files": []})
            issues = [tuple(i) for i in rec["issues"]]
            got = scores.get((pid, a))
            maximum = sum(p["max"] for p in all_parts[a])
            graded = got is not None
            if not graded and not issues:
                issues.append(("missing", _("no submission in the gradebook")))
            total = sum(v[0] for v in got.values()) if graded else 0.0
            percent = 100 * total / maximum if maximum else 0.0
            if graded:
                manual = [gid for gid, (_score, need) in got.items() if need]
                codes = {c for c, _d in issues}
                broken = "kernel-died" in codes and "kept-earlier" not in codes
                if manual and not broken:
                    issues.append(("manual", _("parts: {parts}").format(parts=", ".join(manual))))
                so_far = graded_percent(got, all_parts[a])
                if so_far is not None and so_far < low_score:
                    told = (_("{score:.0f} % of the points already graded (threshold {threshold:.0f} %)") if manual
                            else _("{score:.0f} % (threshold {threshold:.0f} %)"))
                    issues.append(("low-score", told.format(score=so_far, threshold=low_score)))
            p = people.get(pid, Participant(pid))
            rows.append({"participant": pid, "name": p.name, "service": p.service, "assignment": a,
                         "score": total, "max": maximum, "percent": percent, "graded": graded,
                         "issues": issues, "parts": got or {}, "files": rec.get("files", [])})
    parts_stats = part_stats(rows, all_parts, assignments)
    _write_csv(out_dir, rows, all_parts, assignments)
    charts = _charts(parts_stats, rows, {(r["participant"], r["assignment"]): r["parts"] for r in rows},
                     assignments, all_parts)
    (out_dir / "rapport-cohorte.html").write_text(
        _html(course, assignments, rows, parts_stats, charts, all_parts, low_score, unattributed), encoding="utf-8")
    return {"rows": rows, "parts": parts_stats, "participants": len(pids), "assignments": assignments}


def graded_percent(got: dict, parts: list[dict]) -> float | None:
    """The share of the points graded so far that the participant earned, in %.

    A part still waiting for the trainer in Formgrader counts 0 in nbgrader's total; judging a
    participant on it would flag as weak someone whose written answer is simply not read yet.
    None when nothing is graded yet.
    """
    top = sum(p["max"] for p in parts if not got.get(p["id"], (0.0, False))[1])
    if not top:
        return None
    return 100 * sum(v for v, pending in got.values() if not pending) / top


def part_stats(rows: list[dict], all_parts: dict, assignments: list[str]) -> list[dict]:
    """Success rate of every part, on the submissions whose grade for it is final.

    `pending` counts the submissions whose grade for the part waits for the trainer in
    Formgrader: a written answer not read yet is neither a success nor a failure. A part with
    pending grades is never put among the parts to teach again; `rate` is None when none of
    its grades is final.
    """
    stats = []
    for a in assignments:
        done = [r for r in rows if r["assignment"] == a and r["graded"]]
        for part in all_parts[a]:
            got = [r["parts"].get(part["id"], (0.0, False)) for r in done]
            if not got:
                continue
            vals = [v for v, pending in got if not pending]
            full = sum(1 for v in vals if part["max"] and v >= part["max"] - 1e-9)
            stats.append({"assignment": a, "id": part["id"], "max": part["max"], "n": len(vals),
                          "pending": len(got) - len(vals), "full": full,
                          "rate": full / len(vals) if vals else None,
                          "mean": (sum(vals) / len(vals) / part["max"] if part["max"] else 0.0) if vals else None})
    return stats


def to_teach_again(stats: list[dict]) -> list[dict]:
    """Parts fully graded that fewer than PASS_RATE of the cohort fully passed, worst first."""
    return sorted((s for s in stats if not s["pending"] and s["rate"] is not None and s["rate"] < PASS_RATE),
                  key=lambda s: (s["rate"], s["assignment"], s["id"]))


def _write_csv(out_dir: Path, rows: list[dict], all_parts: dict, assignments: list[str]) -> None:
    with open(out_dir / "notes.csv", "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["participant", "nom", "service", "exercice", "points", "points_max", "pourcentage",
                    "statuts", "details"])
        for r in rows:
            w.writerow([r["participant"], r["name"], r["service"], r["assignment"], f"{r['score']:g}",
                        f"{r['max']:g}", f"{r['percent']:.1f}",
                        ", ".join(dict.fromkeys(label(c) for c, _d in r["issues"])) or label("ok"),
                        " | ".join(_("{status}: {detail}").format(status=label(c), detail=d)
                                   for c, d in r["issues"])])
    with open(out_dir / "notes-par-partie.csv", "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["participant", "exercice", "partie", "points", "points_max", "a_revoir_a_la_main"])
        for r in rows:
            if not r["graded"]:
                continue
            for part in all_parts[r["assignment"]]:
                score, manual = r["parts"].get(part["id"], (0.0, False))
                w.writerow([r["participant"], r["assignment"], part["id"], f"{score:g}", f"{part['max']:g}",
                            "oui" if manual else "non"])


def _html(course, assignments, rows, parts_stats, charts, all_parts, low_score, unattributed) -> str:
    e = html.escape
    now = dt.datetime.now()
    n_people = len({r["participant"] for r in rows})
    attention = [r for r in rows if needs_attention(c for c, _d in r["issues"])]
    weak = to_teach_again(parts_stats)
    waiting = [s for s in parts_stats if s["pending"]]
    exercises = e(", ".join(assignments))
    h = [f"<!DOCTYPE html><html lang='{language()}'><head><meta charset='utf-8'>"
         f"<title>" + _("Cohort report") + f" — {exercises}</title>",
         f"<style>{CSS}</style></head><body>",
         "<h1>" + _("Cohort report") + "</h1><p class='note'>"
         + ngettext("Exercise(s): <b>{exercises}</b> — {n} participant — made on {date} at {time} by {command} "
                    "(course: {course}).",
                    "Exercise(s): <b>{exercises}</b> — {n} participants — made on {date} at {time} by {command} "
                    "(course: {course}).", n_people).format(
             exercises=exercises, n=n_people, date=now.strftime("%d/%m/%Y"), time=now.strftime("%H:%M"),
             command="<code>sahelkit grade</code>", course=e(str(course))) + "</p>"]
    graded_rows = [r for r in rows if r["graded"]]
    mean = sum(r["percent"] for r in graded_rows) / len(graded_rows) if graded_rows else 0
    h.append("<table id='synthese'><tr><th>" + _("Submissions graded") + "</th><th>"
             + _("Not handed in or unreadable") + "</th>"
             "<th>" + _("Participants to follow up") + "</th><th>" + _("Average score") + f"</th></tr>"
             f"<tr><td class='num'>{len(graded_rows)}</td><td class='num'>{len(rows) - len(graded_rows)}</td>"
             f"<td class='num'>{len({r['participant'] for r in attention})}</td>"
             f"<td class='num'>{mean:.0f} %</td></tr></table>")

    exercise, part, points = _("Exercise"), _("Part"), _("Points")
    full, mean_points = _("Full success"), _("Average points")
    h.append("<h2 id='a-reprendre'>" + _("1. To teach again tomorrow") + "</h2>")
    if weak:
        h.append("<p>" + _("Fewer than half of the participants got all the points of these parts:") + f"</p><table>"
                 f"<tr><th>{exercise}</th><th>{part}</th><th>{points}</th><th>{full}</th>"
                 f"<th>{mean_points}</th></tr>")
        for s in weak:
            h.append(f"<tr class='attention'><td>{e(s['assignment'])}</td><td>{e(s['id'])}</td>"
                     f"<td class='num'>{s['max']:g}</td>"
                     f"<td class='num'>{s['full']}/{s['n']} ({100 * s['rate']:.0f} %)</td>"
                     f"<td class='num'>{100 * s['mean']:.0f} %</td></tr>")
        h.append("</table>")
    else:
        h.append("<p>" + _("No part was failed by half of the cohort or more.") + "</p>")
    if waiting:
        listed = ", ".join(
            ngettext("{assignment} · {part} ({n} submission)", "{assignment} · {part} ({n} submissions)",
                     s["pending"]).format(assignment=e(s["assignment"]), part=e(s["id"]), n=s["pending"])
            for s in waiting)
        h.append("<p id='a-noter'>" + _("<b>Waiting to be graded by hand</b> (Formgrader), so not judged here yet: "
                                       "{parts}. Run {command} again once they are graded: these parts will then "
                                       "count in this table.").format(parts=listed,
                                                                      command="<code>sahelkit grade</code>")
                 + "</p>")
    if "parts" in charts:
        h.append("<img id='chart-parts' alt='" + e(_("Success per part")) + f"' src='{charts['parts']}'>")
    h.append(f"<table id='parties'><tr><th>{exercise}</th><th>{part}</th><th>{points}</th><th>{full}</th>"
             f"<th>{mean_points}</th><th>" + _("To grade by hand") + "</th></tr>")
    weak_ids = {(s["assignment"], s["id"]) for s in weak}
    for s in parts_stats:
        cls = " class='attention'" if (s["assignment"], s["id"]) in weak_ids else ""
        rate = f"{s['full']}/{s['n']} ({100 * s['rate']:.0f} %)" if s["rate"] is not None else "—"
        mean = f"{100 * s['mean']:.0f} %" if s["mean"] is not None else "—"
        h.append(f"<tr{cls}><td>{e(s['assignment'])}</td><td>{e(s['id'])}</td><td class='num'>{s['max']:g}</td>"
                 f"<td class='num'>{rate}</td><td class='num'>{mean}</td>"
                 f"<td class='num'>{s['pending'] or ''}</td></tr>")
    h.append("</table>")

    participant, service, status = _("Participant"), _("Service"), _("Status")
    h.append("<h2 id='a-suivre'>" + _("2. Participants to follow up") + "</h2>")
    if attention:
        h.append(f"<table id='attention'><tr><th>{participant}</th><th>{service}</th><th>{exercise}</th>"
                 f"<th>" + _("Score") + f"</th><th>{status}</th><th>" + _("Detail and what to do") + "</th></tr>")
        for r in sorted(attention, key=lambda r: (r["participant"], r["assignment"])):
            details = "".join(
                "<div>" + _("{status}: {detail}").format(status=f"<b>{e(label(c))}</b>", detail=e(d)) + "<br>"
                f"<span class='small'>→ {e(STATUSES[c].action if c in STATUSES else '')}</span></div>"
                for c, d in r["issues"])
            note = f"{r['score']:g}/{r['max']:g}" if r["graded"] else "—"
            h.append(f"<tr><td>{e(r['participant'])}<br><span class='small'>{e(r['name'])}</span></td>"
                     f"<td>{e(r['service'])}</td><td>{e(r['assignment'])}</td><td class='num'>{note}</td>"
                     f"<td>{_badges(r['issues'])}</td><td>{details}</td></tr>")
        h.append("</table>")
    else:
        h.append("<p>" + _("Nobody: every submission was graded without incident and above the threshold.") + "</p>")
    if unattributed:
        h.append("<p>" + _("<b>Files not attributed</b> (neither graded nor lost: they stay in the submissions "
                           "folder):") + "</p><ul>")
        h += [f"<li>{e(o)} — {e(w)}</li>" for o, w in unattributed]
        h.append("</ul>")

    h.append("<h2 id='notes'>" + _("3. Scores per participant") + "</h2>")
    if "scores" in charts:
        h.append("<img id='chart-scores' alt='" + e(_("Distribution of the scores")) + f"' src='{charts['scores']}'>")
    h.append(f"<table id='table-notes'><tr><th>{participant}</th><th>" + _("Name") + f"</th><th>{service}</th>"
             + "".join(f"<th>{e(a)}</th>" for a in assignments) + "<th>" + _("Total") + f"</th><th>{status}</th></tr>")
    by_pid: dict[str, list[dict]] = {}
    for r in rows:
        by_pid.setdefault(r["participant"], []).append(r)
    for pid, rs in sorted(by_pid.items()):
        cells = "".join(f"<td class='num'>{r['score']:g}/{r['max']:g} ({r['percent']:.0f} %)</td>" if r["graded"]
                        else "<td class='num'>—</td>" for r in rs)
        tot, top = sum(r["score"] for r in rs), sum(r["max"] for r in rs)
        issues = [i for r in rs for i in r["issues"]]
        h.append(f"<tr><td>{e(pid)}</td><td>{e(rs[0]['name'])}</td><td>{e(rs[0]['service'])}</td>{cells}"
                 f"<td class='num'>{tot:g}/{top:g} ({100 * tot / top if top else 0:.0f} %)</td>"
                 f"<td>{_badges(issues)}</td></tr>")
    h.append("</table>")

    h.append("<h2 id='detail'>" + _("4. Detail per part") + "</h2>")
    if "grid" in charts:
        alt = e(_("Points per participant and per part"))
        h.append(f"<img id='chart-grid' alt='{alt}' src='{charts['grid']}'>")
    for a in assignments:
        parts = all_parts[a]
        h.append(f"<h3>{e(a)}</h3><table class='detail'><tr><th>{participant}</th>"
                 + "".join(f"<th>{e(p['id'])}<br><span class='small'>/{p['max']:g}</span></th>" for p in parts)
                 + "<th>" + _("Total") + "</th></tr>")
        for r in rows:
            if r["assignment"] != a or not r["graded"]:
                continue
            tds = "".join(f"<td class='num'>{r['parts'].get(p['id'], (0.0, False))[0]:g}"
                          f"{' ✎' if r['parts'].get(p['id'], (0, False))[1] else ''}</td>" for p in parts)
            h.append(f"<tr><td>{e(r['participant'])}</td>{tds}<td class='num'>{r['score']:g}/{r['max']:g}</td></tr>")
        h.append("</table>")
    h.append("<p class='note'>" + _("✎: part to grade or review by hand in Formgrader.") + "</p>")

    h.append("<h2 id='statuts'>" + _("5. What do the statuses mean?") + f"</h2>"
             f"<table><tr><th>{status}</th><th>" + _("What happened") + "</th>"
             "<th>" + _("What to do") + "</th></tr>")
    for st in STATUSES.values():
        if st.code == "unchanged":
            continue
        mark = "⚠ " if st.attention else ""
        h.append(f"<tr><td>{mark}{e(st.label)}</td><td>{e(st.meaning)}</td><td>{e(st.action)}</td></tr>")
    h.append("</table><p class='note'>"
             + _("⚠: needs your attention. Low score threshold: {threshold:.0f} %. The scores count the points graded "
                 "by hand in Formgrader when there are some; a part not yet graded counts 0 there, but the low score "
                 "threshold only looks at the points already graded.").format(threshold=low_score)
             + "</p></body></html>")
    return "\n".join(h)
