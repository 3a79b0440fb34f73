"""The README's curriculum table and modules/index.ipynb are generated from the modules and
are up to date (regenerate with `python -m sahelkit.course.curriculum`)."""
from sahelkit.course import curriculum
from tests.helpers import MODULES


def test_every_module_has_curriculum_metadata():
    assert MODULES, "modules/ holds no teaching notebook"
    mods = curriculum.modules()
    assert [m.slug for m in mods] == [p.stem for p in MODULES]
    for m in mods:
        assert m.teaching_minutes > 0 and m.practice_minutes > 0, m.slug
        assert m.title and m.title_en and m.summary, m.slug


def test_readme_and_index_are_up_to_date():
    assert curriculum.main(["--check"]) == 0
