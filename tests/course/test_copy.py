"""What participants and coordinators read says the same thing in every place (issue 11, subject and copy)."""
import nbformat

from tests.helpers import REPO


def _markdown(notebook: str) -> str:
    nb = nbformat.read(REPO / notebook, as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def test_the_handling_codes_are_named_as_the_workshops_own_scheme_everywhere():
    """H1-H3 mean something else in Europol's scheme (H1: not usable in court without permission)."""
    for notebook in ("modules/01-cours-intelligence-cycle.ipynb", "modules/02-cours-grade-sources.ipynb"):
        text = _markdown(notebook)
        assert "propres à l'atelier" in text and "Europol" in text, notebook
    for readme in ("README.md", "datasets/README.md"):
        text = (REPO / readme).read_text(encoding="utf-8")
        assert "workshop's own H1-H3" in text and "not Europol's" in text, readme


def test_every_exercise_header_quotes_the_stub_participants_find_in_their_cells():
    from traitlets.config.loader import PyFileConfigLoader

    stub = PyFileConfigLoader("grader_config.py", path=str(REPO)).load_config().ClearSolutions.code_stub["python"]
    for path in sorted((REPO / "exercises").glob("*/*.ipynb")):
        header = nbformat.read(path, as_version=4).cells[0].source
        for line in stub.splitlines():
            assert f"`{line}`" in header, f"{path.name}: the instructions do not quote the stub line {line!r}"


def test_module_03_candidates_is_what_the_exercise_fixture_copies():
    """Exercise 03 says module 03's candidates() applies as it stands; tests/wrong_answers/ grades that copy
    (module-03-candidates-copied must keep every point), so the copy must be the module's own code."""
    from tests.helpers import wrong_answers

    nb = nbformat.read(REPO / "modules" / "03-cours-collate-records.ipynb", as_version=4)
    function = next(c.source for c in nb.cells if c.source.startswith("def candidates(")).split("\n\n\n")[0]
    [entry] = [e for e in wrong_answers("03-collate-records") if e["name"] == "module-03-candidates-copied"]
    assert entry["loses"] == []
    for code in entry["cells"].values():
        assert code.startswith(function + "\n"), "the fixture no longer copies module 03's candidates()"
