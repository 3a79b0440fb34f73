"""The README's curriculum table and modules/index.ipynb are generated from the modules and
are up to date (regenerate with `python -m sahelkit.course.curriculum`)."""
from sahelkit.course import curriculum
from tests.helpers import MODULES, REPO


def test_every_module_has_curriculum_metadata():
    assert MODULES, "modules/ holds no teaching notebook"
    mods = curriculum.modules()
    week_2 = [name for name in curriculum.WEEK_2 if (REPO / "modules" / f"{name}.ipynb").exists()]
    assert [m.slug for m in mods] == [curriculum.module_slug(p) for p in MODULES] + week_2
    for m in mods:
        assert m.teaching_minutes > 0 and m.practice_minutes > 0, m.slug
        assert m.title and m.title_en and m.summary, m.slug


def test_a_module_and_its_exercise_read_apart_in_jupyterlab_s_tabs():
    """Tabs cut a name to its first characters when many are open: the teaching notebook and its
    exercise differ within the first 8, as many as a tab showed ("00-get-s…" twice) with a day's tabs
    open: "05-cours…" and "05-who-m…". The exercise keeps nbgrader's name."""
    for m in curriculum.modules():
        if m.has_exercise:
            assert (REPO / "modules" / m.notebook).exists(), m.notebook
            assert (REPO / "exercises" / m.slug / f"{m.slug}.ipynb").exists(), m.slug
            assert m.notebook[:8] != f"{m.slug}.ipynb"[:8], m.notebook


def test_readme_and_index_are_up_to_date():
    assert curriculum.main(["--check"]) == 0


def test_the_week_2_notebook_is_listed_after_the_numbered_modules_without_a_number():
    """modules/mentoring.ipynb is not named NN-slug, yet the README table and the index list it, last."""
    mods = curriculum.modules()
    assert mods[-1].slug == "mentoring" and mods[-1].number == ""
    last_row = curriculum.readme_table(mods).splitlines()[-3]
    assert last_row.startswith(f"| [{mods[-1].title_en}](modules/mentoring.ipynb) | - |"), last_row
    index = curriculum.index_notebook(mods).cells[0].source
    assert f"| [{mods[-1].title}](mentoring.ipynb) | - |" in index
