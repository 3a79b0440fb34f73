"""sahelkit.document writes one description as HTML and .docx, and never replaces a file it did not write."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import docx
import pandas as pd

from sahelkit.document import Bullets, Heading, Paragraph, Table, docx_text, write_document, written_here

BLOCKS = [
    Heading("Projet d'essai", level=1),
    Paragraph("Affaire : « réseau » de la ligne +22300000000 & co."),
    Heading("1. Un tableau"),
    Table(pd.DataFrame({"élément": ["parties", "période"], "contenu": ["A, B", pd.Timestamp("2026-02-02").date()],
                        "vide": [None, "3"]})),
    Heading("2. Une liste"),
    Bullets(("première limite", "deuxième <limite>")),
]
EXPECTED_TEXT = ["Projet d'essai", "Affaire : « réseau » de la ligne +22300000000 & co.", "1. Un tableau",
                 "élément", "contenu", "vide", "parties", "A, B", "", "période", "2026-02-02", "3",
                 "2. Une liste", "première limite", "deuxième <limite>"]


class _Text(HTMLParser):
    """The text of each element of an HTML body, in order (what a reader sees)."""

    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "p", "li", "th", "td"):
            self.cells.append("")
            self._open = True

    def handle_endtag(self, tag):
        self._open = False

    def handle_data(self, data):
        if self._open:
            self.cells[-1] += data


def _html_text(path: Path) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8").split("<body>", 1)[1])
    return parser.cells


def test_html_and_docx_say_the_same_thing(tmp_path):
    written = write_document(BLOCKS, tmp_path, "projet", "Projet d'essai")
    assert (written.html.name, written.docx.name, written.kept) == ("projet.html", "projet.docx", [])
    assert _html_text(written.html) == EXPECTED_TEXT
    document = docx.Document(str(written.docx))
    assert docx_text(document) == EXPECTED_TEXT
    styles = [p.style.name for p in document.paragraphs]
    assert styles == ["Heading 1", "Normal", "Heading 2", "Heading 2", "List Bullet", "List Bullet"]
    assert document.core_properties.language == "fr" and document.core_properties.title == "Projet d'essai"


def test_a_document_is_in_the_workshop_s_language(tmp_path, monkeypatch):
    """Module 13's draft written in an English workshop says so, in the HTML and in the .docx."""
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    written = write_document(BLOCKS, tmp_path, "draft", "Test draft")
    assert '<html lang="en">' in written.html.read_text(encoding="utf-8")
    assert docx.Document(str(written.docx)).core_properties.language == "en"


def test_a_rerun_replaces_its_own_files(tmp_path):
    write_document(BLOCKS, tmp_path, "projet", "v1")
    written = write_document(BLOCKS[:2], tmp_path, "projet", "v2")
    assert written.html.name == "projet.html" and written.kept == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projet.docx", "projet.html"]
    assert docx_text(docx.Document(str(written.docx))) == EXPECTED_TEXT[:2]


def test_a_file_it_did_not_write_is_kept(tmp_path):
    (tmp_path / "projet.html").write_text("<p>notes du formateur</p>", encoding="utf-8")
    written = write_document(BLOCKS, tmp_path, "projet", "essai")
    assert (tmp_path / "projet.html").read_text(encoding="utf-8") == "<p>notes du formateur</p>"
    assert not (tmp_path / "projet.docx").exists(), "the pair keeps one name"
    assert (written.html.name, written.docx.name) == ("projet-2.html", "projet-2.docx")
    assert written.kept == [tmp_path / "projet.html"]
    (tmp_path / "projet-3.docx").write_bytes(b"not a zip")
    assert not written_here(tmp_path / "projet-3.docx")
    assert write_document(BLOCKS, tmp_path, "projet", "essai").html.name == "projet-2.html"


def test_a_draft_edited_since_is_kept(tmp_path):
    """A trainer completes the .docx in Word, or edits the page: the next run writes beside it."""
    first = write_document(BLOCKS, tmp_path, "projet", "essai")
    edited = docx.Document(str(first.docx))
    edited.add_paragraph("Signé : le procureur")
    edited.save(str(first.docx))
    before = first.docx.read_bytes()
    second = write_document(BLOCKS, tmp_path, "projet", "essai")
    assert first.docx.read_bytes() == before and second.docx.name == "projet-2.docx"
    assert second.kept == [first.docx]

    page = tmp_path / "page.html"
    write_document(BLOCKS, tmp_path, "page", "essai")
    assert written_here(page)
    page.write_text(page.read_text(encoding="utf-8").replace("première", "seule"), encoding="utf-8")
    assert not written_here(page)
