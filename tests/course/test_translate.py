"""The English notebooks (sahelkit.course.translate): every French message has its English, none is
out of date, en/ is what the catalogues build, the code and the grading are the French ones; and
the translator's workflow (a changed French cell comes back fuzzy with its old French) works."""
from __future__ import annotations

import json

import nbformat
import pytest
from babel.messages.catalog import Catalog

from sahelkit.course import translate as tr
from tests.helpers import REPO

SOURCES = tr.sources()


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for i, (kind, source) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, id=f"c{i}"))
    return nb


# --------------------------------------------------------------------------- the committed English
def test_every_french_message_has_its_english_and_en_is_built():
    problems = tr.check()
    assert not problems, (f"{len(problems)} problem(s), first ones:\n" + "\n".join(problems[:15])
                          + "\n(translate the messages of translations/en/, then `sahelkit translate build`)")


@pytest.mark.parametrize("rel", SOURCES, ids=lambda p: p.as_posix())
def test_english_notebook_has_the_french_code_cells_and_grading(rel):
    fr = nbformat.read(REPO / rel, as_version=4)
    en = nbformat.read(tr.built_path(rel), as_version=4)
    assert [c.get("id") for c in en.cells] == [c.get("id") for c in fr.cells]
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in fr.cells]
    for a, b in zip(fr.cells, en.cells):
        assert a.metadata == b.metadata, f"cell {a.id}: nbgrader's metadata (grade id, points) must not change"
        if a.cell_type == "code":
            assert tr.code_skeleton(a.source) == tr.code_skeleton(b.source), f"cell {a.id}: the code differs"
    assert en.metadata["sahelkit"]["lang"] == "en"


def test_english_exercises_are_nbgraders_release_of_the_english_solutions():
    # tests/notebooks/test_exercises_release.py does the same for both languages with nbgrader itself;
    # here, what a participant reads: no French stub left in an English exercise.
    for nb in sorted((REPO / "en" / "exercises").rglob("*.ipynb")):
        text = nb.read_text(encoding="utf-8")
        assert "ÉCRIVEZ VOTRE" not in text and "pas encore écrite" not in text, nb
    assert sorted(p.name for p in (REPO / "en" / "exercises").iterdir()) == \
        sorted(p.name for p in (REPO / "exercises").iterdir())


# --------------------------------------------------------------------------- what counts as a message
def test_prose_is_extracted_and_code_is_not():
    source = ('x = df["town"]  # la ville de chaque saisie\n'
              'print(f"{n} saisies à {town}")\n'
              '%matplotlib inline\n'
              '### BEGIN SOLUTION\n'
              'label = "Médina"\n'
              'key = "post_id"\n'
              'assert x, "il faut une valeur"\n')
    texts = [text for _s, _e, _k, text in tr.code_spans(source)]
    assert texts == ['# la ville de chaque saisie', 'f"{n} saisies à {town}"', '"Médina"', '"il faut une valeur"']


def test_build_replaces_only_the_messages():
    nb = _notebook(("markdown", "## Partie 1"), ("code", 'print("Pays du cas :", case)  # le pays\nx = "town"'))
    cat = Catalog(locale="en")
    cat.add("## Partie 1", "## Part 1", context="c0")
    cat.add('"Pays du cas :"', '"Case country:"', context="c1")
    cat.add("# le pays", "# the country", context="c1")
    out, problems = tr.translate_notebook(nb, cat, "en")
    assert problems == []
    assert out.cells[0].source == "## Part 1"
    assert out.cells[1].source == 'print("Case country:", case)  # the country\nx = "town"'
    assert nb.cells[0].source == "## Partie 1"  # the French is untouched


def test_a_missing_or_fuzzy_english_is_reported():
    nb = _notebook(("markdown", "## Partie 1"), ("markdown", "## Partie 2"))
    cat = Catalog(locale="en")
    cat.add("## Partie 1", "## Part 1", context="c0", flags={"fuzzy"})
    out, problems = tr.translate_notebook(nb, cat, "en", "x.ipynb")
    assert len(problems) == 2
    assert "fuzzy" in problems[0] and "cell c0" in problems[0]
    assert "no English" in problems[1] and "cell c1" in problems[1]


def test_a_changed_french_cell_comes_back_fuzzy_with_its_old_french():
    old_nb = _notebook(("markdown", "Comptez les saisies de chaque ville."), ("code", 'print("Bonjour à tous")'))
    cat = tr.update_catalogue(old_nb, Catalog(locale="en"))
    cat.get("Comptez les saisies de chaque ville.", context="c0").string = "Count each town's seizures."
    cat.get('"Bonjour à tous"', context="c1").string = '"Hello everyone"'
    new_nb = _notebook(("markdown", "Comptez les saisies de chaque ville, par mois."),
                       ("code", 'print("Bonjour à tous")'), ("markdown", "Nouvelle cellule."))
    new = tr.update_catalogue(new_nb, cat)
    changed = new.get("Comptez les saisies de chaque ville, par mois.", context="c0")
    assert changed.fuzzy and changed.string == "Count each town's seizures."
    assert changed.previous_id == ["Comptez les saisies de chaque ville."]
    kept = new.get('"Bonjour à tous"', context="c1")
    assert kept.string == '"Hello everyone"' and not kept.fuzzy
    assert new.get("Nouvelle cellule.", context="c2").string == ""
    assert len([m for m in new if m.id]) == 3  # the old French is gone



def test_update_tells_the_translator_what_changed_in_the_french(tmp_path):
    nb = _notebook(("markdown", "Comptez les saisies de chaque ville."))
    cat = tr.update_catalogue(nb, Catalog(locale="en"))
    cat.get("Comptez les saisies de chaque ville.", context="c0").string = "Count each town's seizures."
    changed = _notebook(("markdown", "Comptez les saisies de chaque ville, par mois."), ("markdown", "Nouveau."))
    path = tmp_path / "x.po"
    tr.write_catalogue(tr.update_catalogue(changed, cat), path, tmp_path / "x.ipynb")
    lines = tr.to_check(path)
    assert lines[0] == "  cell c0: …saisies de chaque [ville. → ville, par mois.] …"
    assert lines[1].startswith("  cell c1: new, to translate: 'Nouveau.")
    tr.write_catalogue(tr.update_catalogue(changed, tr.read_catalogue(path)), path, tmp_path / "x.ipynb")
    assert tr.to_check(path) == lines, "a second update lost the former French"
    assert "#| msgid \"Comptez les saisies de chaque ville.\"" in path.read_text(encoding="utf-8")


def test_an_english_string_that_breaks_the_code_is_refused(tmp_path):
    (tmp_path / "modules").mkdir()
    (tmp_path / "solutions").mkdir()
    nb = _notebook(("code", 'print("Pays du cas :")'))
    (tmp_path / "modules" / "m.ipynb").write_text(tr.dumps(nb), encoding="utf-8")
    rel = tr.sources(tmp_path)[0]
    cat = tr.update_catalogue(nb, Catalog(locale="en"))
    cat.get('"Pays du cas :"', context="c0").string = '"Case country:", 1'  # two arguments now
    tr.write_catalogue(cat, tr.catalogue_path(rel, repo=tmp_path), rel)
    problems = tr.build(tmp_path)
    assert any("changes the code" in p for p in problems), problems
    built = json.loads(tr.built_path(rel, repo=tmp_path).read_text(encoding="utf-8"))
    assert built["metadata"]["sahelkit"]["lang"] == "en"


def test_an_unreadable_catalogue_is_named(tmp_path):
    bad = tmp_path / "x.po"
    bad.write_text('msgid "a"\nmsgstr "b"\ngarbage\n', encoding="utf-8")
    with pytest.raises(tr.TranslationError, match="x.po"):
        tr.read_catalogue(bad)


def test_a_notebook_names_the_one_word_values_its_participants_read_and_write():
    """Exercise 01's stages of the cycle: one word each, compared by the hidden test, so translated
    everywhere in the notebook once its metadata names them (and only then)."""
    nb = _notebook(("code", 'STAGES = ["collecte", "analyse"]'), ("code", 'assert stages["E2"] == "collecte"'))
    assert [m.text for m in tr.messages(nb)] == []
    nb.metadata["sahelkit"] = {"words": ["collecte", "analyse"]}
    assert [(m.cell, m.text) for m in tr.messages(nb)] == [
        ("c0", '"collecte"'), ("c0", '"analyse"'), ("c1", '"collecte"')]
