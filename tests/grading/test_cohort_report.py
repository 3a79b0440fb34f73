"""The cohort report says what the cohort failed and who needs attention, agrees with the
gradebook, is one self-contained file, and renders in a browser with its charts."""
from __future__ import annotations

import csv
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from sahelkit.grading import report as report_module
from sahelkit.grading import simulate
from tests.helpers import CHROMIUM_ARGS, REPO, chromium_or_skip, grading_course, run_grade


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    course, name = grading_course(root / "course")
    release = simulate.release_notebooks(course, name)
    ids = simulate.answer_ids(release[name])
    # the first part is failed by most of the cohort, so it must come out as "to teach again"
    cohort = {"awa.keita": None, "ali.toure": set(ids[1:]), "sali.ba": set(ids[1:]), "oumar.sy": set()}
    subs = root / "rendus"
    for pid, right in cohort.items():
        (subs / pid).mkdir(parents=True)
        nbformat.write(simulate.participant_notebook(course, name, name, right, release), subs / pid / f"{name}.ipynb")
    roster = root / "participants.csv"
    roster.write_text("id;prenom;nom;service\n" + "".join(f"{p};{p.split('.')[0].title()};{p.split('.')[1].title()};"
                                                          "Police\n" for p in [*cohort, "mariam.cisse"]),
                      encoding="utf-8")
    proc = run_grade(course, name, "--submissions", str(subs), "--roster", str(roster), "--jobs", "2")
    assert proc.returncode == 1, proc.stdout + proc.stderr[-3000:]
    out = course / "grading" / "rapport"
    return {"course": course, "name": name, "html": out / "rapport-cohorte.html", "out": out, "ids": ids,
            "proc": proc}


def _gradebook(report) -> dict[str, dict[str, tuple[float, float]]]:
    with Gradebook(f"sqlite:///{report['course'] / 'gradebook.db'}") as gb:
        return {sub.student.id: {g.name: (g.score, g.max_score) for nb in sub.notebooks for g in nb.grades}
                for sub in gb.assignment_submissions(report["name"])}


def test_report_is_self_contained(report):
    text = report["html"].read_text(encoding="utf-8")
    sources = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", text)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources), sources[:3]
    assert "<link" not in text and "<script" not in text


def test_failed_parts_are_listed_to_teach_again(report):
    grades = _gradebook(report)
    failed = []
    for gid, (_, top) in next(iter(grades.values())).items():
        full = sum(1 for parts in grades.values() if top and parts[gid][0] >= top)
        if top and full / len(grades) < 0.5:
            failed.append(gid)
    assert failed, "the simulated cohort should fail at least one part"
    text = report["html"].read_text(encoding="utf-8")
    section = text.split("id='a-reprendre'", 1)[1].split("<h2", 1)[0]
    for gid in failed:
        assert gid in section
    for gid in set(next(iter(grades.values()))) - set(failed):
        assert f"<td>{gid}</td>" not in section.split("<img", 1)[0]


def test_people_needing_attention_are_listed(report):
    text = report["html"].read_text(encoding="utf-8")
    section = text.split("id='a-suivre'", 1)[1].split("<h2", 1)[0]
    assert "mariam.cisse" in section and "Non rendu" in section
    assert "oumar.sy" in section and "Note faible" in section
    assert "awa.keita</td>" not in section.replace("<br>", "</td>")


def test_csv_agrees_with_gradebook(report):
    grades = _gradebook(report)
    notes = {r["participant"]: r for r in csv.DictReader(
        (report["out"] / "notes.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";")}
    assert set(notes) == set(grades) | {"mariam.cisse"}
    for pid, parts in grades.items():
        assert float(notes[pid]["points"]) == pytest.approx(sum(s for s, _ in parts.values()))
        assert float(notes[pid]["points_max"]) == pytest.approx(sum(m for _, m in parts.values()))
    rows = list(csv.DictReader((report["out"] / "notes-par-partie.csv").read_text(encoding="utf-8-sig").splitlines(),
                               delimiter=";"))
    for r in rows:
        assert float(r["points"]) == pytest.approx(grades[r["participant"]][r["partie"]][0])
    assert len(rows) == sum(len(p) for p in grades.values())


@pytest.mark.browser
def test_report_renders_in_a_browser(report):
    from playwright.sync_api import sync_playwright
    chromium = chromium_or_skip()
    shots = REPO / "screenshots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(report["html"].as_uri())
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => ({id: e.id, ok: e.complete && e.naturalWidth > 0, w: e.naturalWidth}))")
        tables = page.eval_on_selector_all("table", "els => els.map(e => e.rows.length)")
        headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
        page.screenshot(path=str(shots / "cohort-report.png"), full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=str(shots / "cohort-report-print.png"), full_page=True)
        browser.close()
    assert {i["id"] for i in images} >= {"chart-parts", "chart-scores", "chart-grid"}
    assert all(i["ok"] for i in images), images
    assert len(tables) >= 5 and all(n >= 2 for n in tables[:3])
    assert any("À reprendre" in h for h in headings) and any("à suivre" in h for h in headings)


# --- written answers not graded yet (no nbgrader run: the report's arithmetic on given grades) -----

PARTS = {"A": [{"notebook": "A", "id": "code", "max": 2.0, "manual": False},
               {"notebook": "A", "id": "written", "max": 3.0, "manual": True}]}


def _rows(grades: dict[str, dict[str, tuple[float, bool]]]) -> list[dict]:
    return [{"participant": pid, "name": pid, "service": "", "assignment": "A", "graded": True,
             "score": sum(v for v, _ in got.values()), "max": 5.0,
             "percent": 100 * sum(v for v, _ in got.values()) / 5.0, "issues": [], "parts": got, "files": []}
            for pid, got in grades.items()]


def test_written_answers_waiting_for_the_trainer_are_not_parts_to_teach_again():
    # Four participants answered the written part; two answers are still unread in Formgrader
    # (nbgrader: score 0, needs_manual_grade), two were left blank (a final 0).
    rows = _rows({"a": {"code": (2, False), "written": (0, True)}, "b": {"code": (2, False), "written": (0, True)},
                  "c": {"code": (2, False), "written": (0, False)}, "d": {"code": (0, False), "written": (0, False)}})
    stats = {s["id"]: s for s in report_module.part_stats(rows, PARTS, ["A"])}
    assert (stats["written"]["n"], stats["written"]["pending"], stats["written"]["rate"]) == (2, 2, 0.0)
    assert (stats["code"]["n"], stats["code"]["pending"], stats["code"]["rate"]) == (4, 0, 0.75)
    assert report_module.to_teach_again(list(stats.values())) == []
    page = report_module._html(REPO, ["A"], rows, list(stats.values()), {}, PARTS, 50, [])
    section = page.split("id='a-reprendre'", 1)[1].split("<h2", 1)[0]
    assert "Aucune partie n'a été ratée" in section
    assert "En attente de notation à la main" in section and "written (2 rendus)" in section

    # Once the trainer has read them all, the part is judged like any other.
    for r in rows:
        r["parts"]["written"] = (3.0 if r["participant"] == "a" else 0.0, False)
    weak = report_module.to_teach_again(report_module.part_stats(rows, PARTS, ["A"]))
    assert [(s["id"], s["full"], s["n"]) for s in weak] == [("written", 1, 4)]


def test_low_score_is_judged_on_the_points_already_graded():
    # All the code right, the written part unread: 2/5 in nbgrader's total, but nothing failed.
    assert report_module.graded_percent({"code": (2, False), "written": (0, True)}, PARTS["A"]) == 100
    assert report_module.graded_percent({"code": (1, False), "written": (0, True)}, PARTS["A"]) == 50
    assert report_module.graded_percent({"code": (2, False), "written": (0, False)}, PARTS["A"]) == 40
    assert report_module.graded_percent({"code": (0, True), "written": (0, True)}, PARTS["A"]) is None


def test_summary_groups_the_parts_to_grade_by_hand():
    from sahelkit.grading.command import summary_lines
    rows = _rows({f"p{i:02d}": {"code": (2, False), "written": (0, True)} for i in range(7)}
                 | {"low": {"code": (0, False), "written": (0, False)}})
    for r in rows:
        r["issues"] = [("manual", "parties : written")] if r["participant"] != "low" else [("low-score", "0 %")]
    rows[1]["issues"].append(("renamed", "mon-travail.ipynb"))
    text = "\n".join(summary_lines(rows, []))
    assert "  - low / A : Note faible — 0 %" in text.split("À REGARDER :")[1]
    assert "  - A · written : 7 rendus (p00, p01, p02, p03, p04 et 2 autres)" in text
    assert "p00 / A : À noter à la main" not in text   # one line per part, not per participant
    assert "  - p01 / A : Notebook renommé — mon-travail.ipynb" in text.split("Pour information :")[1]


def test_in_english_the_summary_and_the_report_are_in_english(monkeypatch):
    from sahelkit.grading.command import summary_lines
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    rows = _rows({f"p{i:02d}": {"code": (2, False), "written": (0, True)} for i in range(7)}
                 | {"low": {"code": (0, False), "written": (0, False)}})
    for r in rows:
        r["issues"] = [("manual", "parts: written")] if r["participant"] != "low" else [("low-score", "0 %")]
    text = "\n".join(summary_lines(rows, [("x.ipynb", "no cells")]))
    assert "  - low / A: Low score — 0 %" in text.split("TO LOOK AT:")[1]
    assert "  - file not attributed: x.ipynb — no cells" in text
    assert "To grade by hand in Formgrader, then run the same command again:" in text
    assert "  - A · written: 7 submissions (p00, p01, p02, p03, p04 and 2 others)" in text
    stats = report_module.part_stats(rows, PARTS, ["A"])
    page = report_module._html(REPO, ["A"], rows, stats, {}, PARTS, 50, [])
    assert "<html lang='en'>" in page and "<h1>Cohort report</h1>" in page
    assert "<h2 id='a-reprendre'>1. To teach again tomorrow</h2>" in page
    assert "<th>Exercise</th><th>Part</th><th>Points</th><th>Full success</th>" in page
    assert "Ground truth read" in page and "Open Formgrader (Manual grading tab) and grade these parts." in page
    assert not [word for word in ("Rapport", "Partie", "Exercice", "Statut", "rendu") if word in page]
