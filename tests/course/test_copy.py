"""What participants and coordinators read says the same thing in every place (issue 11, subject and copy)."""
import nbformat

from tests.helpers import REPO


def _markdown(notebook: str) -> str:
    nb = nbformat.read(REPO / notebook, as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def test_the_handling_codes_are_named_as_the_workshops_own_scheme_everywhere():
    """H1-H3 mean something else in Europol's scheme (H1: not usable in court without permission)."""
    for notebook in ("modules/01-intelligence-cycle.ipynb", "modules/02-grade-sources.ipynb"):
        text = _markdown(notebook)
        assert "propres à l'atelier" in text and "Europol" in text, notebook
    for readme in ("README.md", "datasets/README.md"):
        text = (REPO / readme).read_text(encoding="utf-8")
        assert "workshop's own H1-H3" in text and "not Europol's" in text, readme
