"""The English notebooks, built from the French ones and a gettext catalogue per notebook.

The French notebooks are the source: modules/*.ipynb and solutions/<assignment>/*.ipynb. What a
reader reads in them is cut into messages, each keyed by its cell's id (the PO `msgctxt`):

- a Markdown cell is one message, its whole text;
- in a code cell, each comment and each string literal that reads as prose (a chart title, a
  printed sentence, a hidden test's failure message: see `code_spans`) is one message, written as
  Python source, quotes included, so the English is a literal too.

Their English lives in translations/en/<the notebook's path>.po, a standard PO file that any
PO editor opens (msgid the French, msgstr the English). `sahelkit translate update` brings every
catalogue up to date with the French: a new message comes empty; a message whose French changed
keeps its English, marked fuzzy, with the French it was translated from (`#| msgid`), so the
translator sees what changed. `sahelkit translate build` writes en/modules/ and en/solutions/
(the code is the French code with only those messages replaced: one source of code), and
`make exercises` releases en/exercises/ from en/solutions/ with nbgrader, as for French. The grade
ids, cell ids and points are the French ones: one gradebook grades both languages.
`sahelkit translate check` (and tests/course/test_translate.py) fails while a message has no
English, is fuzzy, or the committed English notebooks differ from what build makes.
"""
from __future__ import annotations

import ast
import copy
import difflib
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import denormalize, normalize, read_po, write_po

from ..paths import REPO

# nbgrader's markers and linters' pragmas are code, not prose.
NOT_PROSE = re.compile(r"^#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)\b|^#\s*(noqa|type:|pragma)")
PROSE = re.compile(r"\s|[^\x00-\x7f]")  # a space or a non-ASCII letter: read by a person
LETTER = re.compile(r"[^\W\d_]")
# A one-word string is read by a person when it is printed, or names a chart's or a widget's text.
DISPLAY_CALLS = {"print", "display", "Markdown", "HTML", "set_title", "set_xlabel", "set_ylabel", "suptitle",
                 "title", "xlabel", "ylabel", "legend", "text", "annotate", "set_text"}
DISPLAY_KEYWORDS = {"title", "xlabel", "ylabel", "label", "description", "placeholder", "caption", "sep"}


class TranslationError(Exception):
    """A catalogue or notebook the translation cannot use, named with what to do."""


@dataclass(frozen=True)
class Message:
    cell: str       # the cell's id
    kind: str       # "markdown", "string" or "comment"
    text: str       # the French, exactly as in the notebook


# --------------------------------------------------------------------------- where
def sources(repo: Path = REPO) -> list[Path]:
    """The French notebooks that have an English version, relative to the repository."""
    found = sorted((repo / "modules").glob("*.ipynb"))
    found += sorted(p for p in (repo / "solutions").glob("[0-9][0-9]-*/*.ipynb")
                    if ".ipynb_checkpoints" not in p.parts)
    return [p.relative_to(repo) for p in found]


def catalogue_path(rel: Path, lang: str = "en", repo: Path = REPO) -> Path:
    return repo / "translations" / lang / rel.with_suffix(".po")


def built_path(rel: Path, lang: str = "en", repo: Path = REPO) -> Path:
    return repo / lang / rel


# --------------------------------------------------------------------------- messages
def _parsable(source: str) -> str:
    """The cell with IPython's magics and shell lines blanked (same length), so ast parses it."""
    return "\n".join(" " * len(line) if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


def _offsets(source: str) -> list[int]:
    """Character offset of the start of each line (1-based line numbers index it from 1)."""
    starts, total = [0, 0], 0
    for line in source.split("\n"):
        total += len(line) + 1
        starts.append(total)
    return starts


def _char_col(line: str, byte_col: int) -> int:
    return len(line.encode("utf-8")[:byte_col].decode("utf-8"))


def code_spans(source: str, where: str = "", known: frozenset[str] = frozenset()) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, text) of each prose comment and string literal of a code cell, in order.

    A string is prose when it holds a space or an accented letter, when it is shown as it is
    (printed, a chart's or a widget's text), when it sits in a list, tuple or dict beside prose
    (the headings of a note), or when its value is prose elsewhere in the notebook (`known`: the
    same heading looked up by a hidden test), so that every copy of it is translated alike."""
    text = _parsable(source)
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        raise TranslationError(f"{where}: this code cell is not valid Python (line {err.lineno}): {err.msg}") from err
    lines, starts = text.split("\n"), _offsets(text)
    inside_fstring = {id(n) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                      for n in ast.walk(node) if n is not node}
    displayed = _displayed(tree) | _beside_prose(tree)
    spans = []
    for node in ast.walk(tree):
        literal = isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))
        if not literal or id(node) in inside_fstring:
            continue
        start = starts[node.lineno] + _char_col(lines[node.lineno - 1], node.col_offset)
        end = starts[node.end_lineno] + _char_col(lines[node.end_lineno - 1], node.end_col_offset)
        segment = source[start:end]
        body = segment.strip("'\"rRfFbBuU")
        if LETTER.search(body) and (PROSE.search(body) or id(node) in displayed
                                    or (isinstance(node, ast.Constant) and node.value in known)):
            spans.append((start, end, "string", segment))
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT and LETTER.search(tok.string) and not NOT_PROSE.match(tok.string):
            start = starts[tok.start[0]] + tok.start[1]
            spans.append((start, start + len(tok.string), "comment", tok.string))
    return sorted(spans)


def _beside_prose(tree) -> set[int]:
    """The strings of a list, tuple, set or dict literal that also holds a prose string."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            groups = [node.elts]
        elif isinstance(node, ast.Dict):
            groups = [[k for k in node.keys if k is not None], node.values]
        else:
            continue
        for items in groups:
            strings = [v for v in items if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            if any(PROSE.search(v.value) and LETTER.search(v.value) for v in strings):
                found |= {id(v) for v in strings}
    return found


def prose_values(nb, where: str = "") -> frozenset[str]:
    """The values of the notebook's prose strings (see code_spans), wherever they are written, and the
    one-word values its metadata names as words a participant reads and writes
    (`metadata.sahelkit.words`: exercise 01's stages of the cycle, the answers its test compares)."""
    values = set(nb.metadata.get("sahelkit", {}).get("words", []))
    for cell in nb.cells:
        if cell.cell_type == "code":
            for _s, _e, kind, text in code_spans(cell.source, f"{where}, cell {cell.get('id')}"):
                if kind == "string" and not text.lstrip("rRbBuU").startswith(("f", "F")):
                    try:
                        values.add(ast.literal_eval(text))
                    except (ValueError, SyntaxError):
                        continue
    return frozenset(v for v in values if isinstance(v, str))


def _displayed(tree) -> set[int]:
    """The string nodes shown as they are: arguments of print() and the like, chart and widget texts."""
    shown = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        values = list(node.args) if name in DISPLAY_CALLS else []
        values += [k.value for k in node.keywords if k.arg in DISPLAY_KEYWORDS]
        for value in values:
            items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            shown |= {id(v) for v in items if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return shown


def messages(nb, where: str = "") -> list[Message]:
    """Every message of a French notebook, in the notebook's order."""
    found: list[Message] = []
    seen = set()
    known = prose_values(nb, where)
    for index, cell in enumerate(nb.cells):
        cid = cell.get("id")
        if not cid:
            raise TranslationError(f"{where}: cell {index + 1} has no id (nbformat 4.5): "
                                   "open and save it in JupyterLab")
        if cell.cell_type == "markdown" and cell.source.strip():
            found.append(Message(cid, "markdown", cell.source))
        elif cell.cell_type == "code":
            for _s, _e, kind, text in code_spans(cell.source, f"{where}, cell {cid}", known):
                if (cid, text) not in seen:
                    seen.add((cid, text))
                    found.append(Message(cid, kind, text))
    return found


# --------------------------------------------------------------------------- catalogues
WIDTH = 100


def read_catalogue(path: Path) -> Catalog:
    """A catalogue, with the French each fuzzy message was translated from (its `#| msgid`)."""
    try:
        text = path.read_text(encoding="utf-8")
        catalog = read_po(io.BytesIO(text.encode("utf-8")), abort_invalid=True)
    except FileNotFoundError:
        return Catalog(locale="en", fuzzy=False)
    except Exception as err:  # Babel's PoFileError and friends: name the file and the line
        raise TranslationError(f"{path}: not a readable PO catalogue: {err}") from err
    for (context, msgid), previous in _previous_ids(text).items():
        message = catalog.get(msgid, context=context)
        if message is not None:
            message.previous_id = [previous]
    return catalog


def _field(lines: list[str], keyword: str) -> str | None:
    """A PO field's string (msgctxt, msgid), its continuation lines included."""
    for i, line in enumerate(lines):
        if line.startswith(keyword + " "):
            parts = [line[len(keyword) + 1:]]
            for rest in lines[i + 1:]:
                if not rest.startswith('"'):
                    break
                parts.append(rest)
            return denormalize("\n".join(parts))
    return None


def _previous_ids(text: str) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> the previous msgid of each entry that has one (`#| msgid` lines).

    Babel writes and reads `#|` lines only as comments, losing them at the next update; the kit
    writes them as GNU gettext does (write_catalogue) and reads them back here."""
    found = {}
    for block in text.split("\n\n"):
        lines = block.strip("\n").split("\n")
        previous = [line[3:] for line in lines if line.startswith("#| ")]
        if previous and previous[0].startswith("msgid "):
            found[_field(lines, "msgctxt"), _field(lines, "msgid")] = denormalize(
                "\n".join([previous[0][len("msgid "):], *previous[1:]]))
    return found


def update_catalogue(nb, old: Catalog, where: str = "") -> Catalog:
    """The catalogue for the notebook's current French, keeping every English that still applies.

    A message whose French is unchanged keeps its English. One that changed (same cell, text no
    longer there) takes the English of the closest former message of that cell, marked fuzzy,
    with its former French kept as the previous msgid: the translator checks and unmarks it.
    """
    new = Catalog(locale=old.locale or "en", project="sahelkit", fuzzy=False)
    current = messages(nb, where)
    keys = {(m.cell, m.text) for m in current}
    orphans: dict[str, list] = {}
    for m in old:
        if m.id and (m.context, m.id) not in keys and m.string:
            orphans.setdefault(m.context, []).append(m)
    for msg in current:
        comment = {"markdown": "Markdown cell", "string": "string in a code cell",
                   "comment": "comment in a code cell"}[msg.kind]
        before = old.get(msg.text, context=msg.cell)
        if before is not None and before.string:
            new.add(msg.text, before.string, context=msg.cell, auto_comments=[comment], flags=before.flags,
                    previous_id=before.previous_id if before.fuzzy else ())  # checked: the old French goes
            continue
        closest = _closest(msg.text, orphans.get(msg.cell, []))
        if closest is not None:
            orphans[msg.cell].remove(closest)
            new.add(msg.text, closest.string, context=msg.cell, auto_comments=[comment],
                    flags={"fuzzy"}, previous_id=[closest.id])
        else:
            new.add(msg.text, "", context=msg.cell, auto_comments=[comment])
    return new


def _closest(text: str, candidates: list):
    best, score = None, 0.0
    for cand in candidates:
        ratio = difflib.SequenceMatcher(None, text, cand.id, autojunk=False).ratio()
        if ratio > score:
            best, score = cand, ratio
    return best if score >= 0.5 else None


def write_catalogue(catalog: Catalog, path: Path, source_rel: Path) -> None:
    catalog.header_comment = (
        f"# English of {source_rel.as_posix()} (the French source).\n"
        "# msgctxt is the cell id; msgid the French, msgstr the English (Python source for code strings:\n"
        "# keep the quotes). After editing: sahelkit translate build. See CONTRIBUTING.md.")
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=WIDTH, no_location=True, include_previous=False, omit_header=False)
    text = buf.getvalue().decode("utf-8")
    # The French a fuzzy message was translated from, as GNU gettext writes it: one `#| ` line per line.
    for m in catalog:
        if m.id and m.previous_id and m.fuzzy:
            entry = f"msgctxt {normalize(m.context, width=WIDTH)}\nmsgid {normalize(m.id, width=WIDTH)}\n"
            previous = "#| msgid " + normalize(m.previous_id[0], prefix="#| ", width=WIDTH) + "\n"
            text = text.replace(entry, previous + entry, 1)
    # The header's dates and Babel's placeholders would change at every update: keep only what helps.
    text = re.sub(r'^"(POT-Creation-Date|PO-Revision-Date|Last-Translator|Language-Team|'
                  r'Report-Msgid-Bugs-To|Generated-By): .*\\n"\n', "", text, flags=re.M)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- build
def translate_notebook(nb, catalog: Catalog, lang: str, where: str = ""):
    """A copy of the French notebook with every translated message replaced.

    Returns (notebook, problems): a message with no English, or fuzzy, stays French and is listed.
    """
    out = copy.deepcopy(nb)
    problems: list[str] = []

    def english(cid: str, text: str) -> str:
        m = catalog.get(text, context=cid)
        if m is None or not m.string:
            problems.append(f"{where}, cell {cid}: no English for {_short(text)}")
            return text
        if m.fuzzy:
            problems.append(f"{where}, cell {cid}: the French changed since its English was written (fuzzy): "
                            f"{_short(text)}")
        return m.string

    known = prose_values(nb, where)
    for cell in out.cells:
        cid = cell.get("id")
        if cell.cell_type == "markdown" and cell.source.strip():
            cell.source = english(cid, cell.source)
        elif cell.cell_type == "code":
            source = cell.source
            for start, end, _kind, text in reversed(code_spans(source, f"{where}, cell {cid}", known)):
                source = source[:start] + english(cid, text) + source[end:]
            cell.source = source
    meta = out.metadata.setdefault("sahelkit", {})
    meta["lang"] = lang
    if meta.get("title_en"):
        meta["title"] = meta["title_en"]
    return out, problems


def _short(text: str) -> str:
    line = text.strip().split("\n")[0]
    return repr(line[:70] + ("…" if len(line) > 70 or "\n" in text.strip() else ""))


def code_skeleton(source: str) -> str:
    """The cell's code with every string emptied and comments gone: equal in both languages."""
    tree = ast.parse(_parsable(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
        if isinstance(node, ast.JoinedStr):
            node.values = []
    return ast.dump(tree)


def dumps(nb) -> str:
    """How the kit writes a notebook (nbformat's own layout, one final newline)."""
    return nbformat.writes(nb) + "\n"


def built(rel: Path, lang: str = "en", repo: Path = REPO) -> tuple[str, list[str]]:
    """The text of the English notebook for a French one, and what is missing from its catalogue."""
    nb = nbformat.read(repo / rel, as_version=4)
    catalog = read_catalogue(catalogue_path(rel, lang, repo))
    out, problems = translate_notebook(nb, catalog, lang, rel.as_posix())
    for fr, en in zip(nb.cells, out.cells):
        if fr.cell_type == "code" and en.source != fr.source:
            try:
                same = code_skeleton(en.source) == code_skeleton(fr.source)
            except SyntaxError as err:
                same, err_line = False, err.lineno
            else:
                err_line = None
            if not same:
                problems.append(f"{rel.as_posix()}, cell {fr.id}: the English changes the code, not only its text"
                                + (f" (not valid Python at line {err_line})" if err_line else "")
                                + ": a msgstr of a code string must stay one Python string literal")
    known = {(m.cell, m.text) for m in messages(nb, rel.as_posix())}
    stale = [m for m in catalog if m.id and (m.context, m.id) not in known]
    if stale:
        problems.append(f"{catalogue_path(rel, lang, repo).relative_to(repo)}: {len(stale)} message(s) no longer "
                        f"in the French (first: cell {stale[0].context}): run `sahelkit translate update`")
    return dumps(out), problems


def what_changed(old: str, new: str, context: int = 3) -> str:
    """The French words that changed, with a few words around: « … module 12, § 3 → § 4 … »."""
    a, b = old.split(), new.split()
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            before = " ".join(a[max(0, i1 - context):i1])
            after = " ".join(a[i2:i2 + context])
            parts.append(f"…{before} [{' '.join(a[i1:i2])} → {' '.join(b[j1:j2])}] {after}…")
    return " ".join(parts) or "(spaces or line breaks only)"


def to_check(path: Path) -> list[str]:
    """Each fuzzy message of a catalogue, with what changed in its French since its English was written."""
    lines = []
    for m in read_catalogue(path):
        if m.id and m.fuzzy:
            old = m.previous_id[0] if m.previous_id else ""
            lines.append(f"  cell {m.context}: {what_changed(old, m.id) if old else 'new French text'}")
        elif m.id and not m.string:
            lines.append(f"  cell {m.context}: new, to translate: {_short(m.id)}")
    return lines


def update(repo: Path = REPO, lang: str = "en") -> list[Path]:
    """Bring every catalogue up to date with the French; returns the catalogues that changed."""
    changed = []
    for rel in sources(repo):
        path = catalogue_path(rel, lang, repo)
        nb = nbformat.read(repo / rel, as_version=4)
        before = path.read_text(encoding="utf-8") if path.exists() else None
        write_catalogue(update_catalogue(nb, read_catalogue(path), rel.as_posix()), path, rel)
        if path.read_text(encoding="utf-8") != before:
            changed.append(path)
    return changed


def build(repo: Path = REPO, lang: str = "en") -> list[str]:
    """Write the English notebooks (en/modules, en/solutions); returns what is still untranslated."""
    problems = []
    for rel in sources(repo):
        text, missing = built(rel, lang, repo)
        problems += missing
        target = built_path(rel, lang, repo)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return problems


def check(repo: Path = REPO, lang: str = "en") -> list[str]:
    """Everything that keeps the English from matching the French, one line each (empty: all good)."""
    problems = []
    for rel in sources(repo):
        if not catalogue_path(rel, lang, repo).exists():
            problems.append(f"{rel.as_posix()}: no catalogue {catalogue_path(rel, lang, repo).relative_to(repo)}: "
                            "run `sahelkit translate update`")
            continue
        text, missing = built(rel, lang, repo)
        problems += missing
        target = built_path(rel, lang, repo)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            problems.append(f"{target.relative_to(repo)} is not what its catalogue builds: "
                            "run `sahelkit translate build`")
    return problems


# --------------------------------------------------------------------------- command
def translate_arguments(p) -> None:
    from ..i18n import _

    p.add_argument("action", choices=["update", "build", "check"],
                   help=_("update: bring translations/en/*.po up to date with the French notebooks; "
                          "build: write en/modules and en/solutions from them; check: list what is missing"))


def run_translate(args) -> int:
    from ..i18n import _

    try:
        if args.action == "update":
            changed = update()
            for path in changed:
                print(_("updated {path}").format(path=path.relative_to(REPO)))
                for line in to_check(path):
                    print(line)
            print(_("{n} catalogue(s) changed; translate the empty and fuzzy messages, then: "
                    "sahelkit translate build").format(n=len(changed)))
            return 0
        problems = build() if args.action == "build" else check()
    except TranslationError as err:
        print(err, file=sys.stderr)
        return 1
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(_("{n} problem(s): the English notebooks are not complete").format(n=len(problems)), file=sys.stderr)
        return 1
    print(_("the English notebooks match the French and their catalogues"))
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m sahelkit.course.translate")
    translate_arguments(parser)
    sys.exit(run_translate(parser.parse_args()))
