"""A document described once, written as HTML and as Word (.docx).

Module 13 describes its draft joint investigation team proposal as a list of blocks (headings,
paragraphs, tables, bullet lists) and writes both files from that one list, so the page a
participant opens in the browser and the file a trainer hands over never say different things.

A file is replaced only if this module wrote it and nobody changed it since: each file carries a
fingerprint of its own content (a <meta> line in the HTML, the document identifier of the .docx).
Any other file of the same name, such as a copy a trainer edited in Word, is kept, and the new
draft goes to the next free name (`stem-2`, `stem-3`...).
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .i18n import _, language

MARK = "sahelkit-document"  # names the fingerprint in both formats
HTML_MARK = re.compile(rf'<meta name="{MARK}" content="([0-9a-f]{{64}})">\n')
STYLE = ("body { font-family: sans-serif; max-width: 60em; margin: 2em auto; } "
         "table { border-collapse: collapse; margin-bottom: 1em; } th, td { padding: 0.2em 0.5em; text-align: left; }")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1: the document's title; 2: a section


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Table:
    frame: pd.DataFrame

    def header(self) -> list[str]:
        return [str(column) for column in self.frame.columns]

    def rows(self) -> list[list[str]]:
        """Every cell as the text both formats print, so the HTML and the .docx hold the same words."""
        return [["" if pd.isna(value) else str(value) for value in row]
                for row in self.frame.astype(object).itertuples(index=False)]


Block = Heading | Paragraph | Bullets | Table


@dataclass
class Written:
    """Where the document went, and which existing files were kept because this module did not write them."""

    html: Path
    docx: Path
    kept: list[Path] = field(default_factory=list)


def html_body(blocks: list[Block]) -> str:
    """The document as HTML elements, to show in a notebook (IPython.display.HTML) or to wrap in a page."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in block.items) + "</ul>")
        else:
            head = "".join(f"<th>{html.escape(cell)}</th>" for cell in block.header())
            body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>\n"
                           for row in block.rows())
            parts.append(f'<table border="1">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>')
    return "\n".join(parts) + "\n"


def html_page(blocks: list[Block], title: str, lang: str | None = None) -> str:
    """A whole HTML page, fingerprinted: the <meta> line holds the SHA-256 of everything after it.
    `lang` is the document's language, the workshop's (SAHELKIT_LANG) unless given."""
    lang = lang or language()
    rest = (f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n"
            f"<body>\n{html_body(blocks)}</body></html>\n")
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">\n'
            f'<meta name="{MARK}" content="{_sha256(rest)}">\n{rest}')


def docx_text(document) -> list[str]:
    """The text of a python-docx Document in reading order: paragraphs, then each table cell row by row."""
    from docx.table import Table as DocxTable

    lines = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            lines += [cell.text for row in item.rows for cell in row.cells]
        else:
            lines.append(item.text)
    return lines


def docx_document(blocks: list[Block], title: str, lang: str | None = None):
    """The document as a python-docx Document, fingerprinted in its core properties (identifier)."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        else:
            _add_table(document, block)
    properties = document.core_properties
    properties.title, properties.language, properties.author = title, lang or language(), "sahelkit"
    properties.identifier = f"{MARK}:{_sha256(chr(10).join(docx_text(document)))}"
    return document


def _add_table(document, block: Table) -> None:
    rows = [block.header(), *block.rows()]
    table = document.add_table(rows=len(rows), cols=len(rows[0]), style="Table Grid")
    for cells, values in zip(table.rows, rows):
        for cell, value in zip(cells.cells, values):
            cell.text = value
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def written_here(path: Path) -> bool:
    """True if `path` is a document this module wrote and nobody changed since (its fingerprint still holds)."""
    path = Path(path)
    if path.suffix == ".html":
        text = path.read_text(encoding="utf-8", errors="replace")
        mark = HTML_MARK.search(text)
        return bool(mark) and mark.group(1) == _sha256(text[mark.end():])
    if path.suffix == ".docx":
        import docx

        try:
            document = docx.Document(str(path))
        except Exception:  # not a Word file at all (python-docx raises several kinds): not ours
            return False
        expected = f"{MARK}:{_sha256(chr(10).join(docx_text(document)))}"
        return document.core_properties.identifier == expected
    return False


def write_document(blocks: list[Block], folder: Path, stem: str, title: str, lang: str | None = None) -> Written:
    """Write `stem.html` and `stem.docx` in `folder`, or `stem-2.*`, `stem-3.*`... if a file of that
    name exists that this module did not write (or that was changed since): such a file is kept."""
    folder = Path(folder)
    kept = []
    for number in range(1, 1000):
        name = stem if number == 1 else f"{stem}-{number}"
        paths = [folder / f"{name}.html", folder / f"{name}.docx"]
        foreign = [path for path in paths if path.exists() and not written_here(path)]
        if not foreign:
            break
        kept += foreign
    else:
        raise FileExistsError(_("{folder}: no free name for {stem} (move the old drafts away)").format(
            folder=folder, stem=stem))
    paths[0].write_text(html_page(blocks, title, lang), encoding="utf-8")
    docx_document(blocks, title, lang).save(str(paths[1]))
    return Written(paths[0], paths[1], kept)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
