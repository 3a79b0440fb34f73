"""A service's own extract, read in its own habits (week 2: mentoring inside each service).

In week 2 a service brings a file of its own: its own column names, a `;` separator, Latin-1
from an old spreadsheet, dates written 14/03/2026, numbers without the country code. This module
reads such a file without asking what can be detected (encoding, separator), lets the analyst
say which column is which (a form, or a plain dict), normalises the values with the country's
profile (never a country written in code), and checks them with check-data's own rules
(`validation`, schema `SERVICE_RECORDS`), so every problem is a row, a column and a message in the
workshop's language (sahelkit.i18n).

It only reads the service's file; the one thing it writes is the results folder it creates inside
the service's folder (`results_folder`), and the fictitious example extracts trainers and tests
use (`write_example`). It is top-level because the participant's bundle ships only top-level modules.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .i18n import _
from .profiles import plain
from .schema import SERVICE_RECORDS
from .validation import HEADER, N_, ROW, Problem, check_column, check_towns, numbered_frame, parse_rows

FIELDS = {"nom": N_("Name of the person"), "telephone": N_("Phone"), "date": N_("Date (of the facts or of the record)"),
          "lieu": N_("Place (town, locality)")}
"""What the analyst maps: schema column -> label shown in the form (English, shown with _())."""
GUESSES = {"nom": ("nom", "name", "identite", "personne", "suspect", "prenom"),
           "telephone": ("tel", "phone", "portable", "contact", "numero", "gsm", "mobile", "cellulaire"),
           "date": ("date", "jour", "heure", "quand"),
           "lieu": ("lieu", "ville", "localite", "town", "place", "commune", "village", "site")}
"""Words (without accents, lower case) that suggest a column's role; a guess the analyst confirms."""
SEPARATORS = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab")}  # names shown with _()
ENCODINGS = (("utf-8", "UTF-8"), ("latin-1", "Latin-1"))  # tried in order; Latin-1 reads any byte
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y", "%d.%m.%Y")
"""Day first always (the French habit); a two-digit year is refused, not guessed."""
RESULTS_FOLDER = "resultats-sahelkit"
RESULTS_MARK = "LISEZMOI.txt"  # written first in a results folder: proves the notebook made it


class ExtractError(ValueError):
    """A file or a mapping that cannot be used; the message (in the workshop's language) names the file,
    the row or the column, what was expected and what to do. Nothing has been written."""


@dataclass
class RawExtract:
    """A service's file as text: what was detected, its columns, its rows (spreadsheet number in ROW)."""

    path: Path
    encoding: str
    separator: str
    columns: list[str]
    rows: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    def describe(self) -> str:
        return _('{file}: {records} records, {columns} columns, encoding {encoding}, separator {separator} '
                 '("{character}"), header = line {header}').format(
            file=self.path.name, records=len(self.rows), columns=len(self.columns), encoding=self.encoding,
            separator=_(SEPARATORS[self.separator]), character=self.separator, header=HEADER)


# --------------------------------------------------------------------------- finding and reading the file
def find_extract(folder: str | Path, name: str = "") -> Path:
    """The CSV file of a service's folder: `name` if given, else the only .csv in it."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ExtractError(_("folder not found: {folder}; give the folder of the service that holds the "
                             "extract.").format(folder=folder))
    if name:
        path = folder / name
        if not path.is_file():
            raise ExtractError(_("file not found: {path}; CSV files of the folder: {files}.").format(
                path=path, files=_csvs(folder) or _("none")))
        return path
    found = sorted(folder.glob("*.csv"))
    if not found:
        raise ExtractError(_("{folder} holds no .csv file; put the extract alone in the folder, or give its name in "
                             "FICHIER.").format(folder=folder))
    if len(found) > 1:
        raise ExtractError(_("{folder} holds {count} .csv files ({files}); put the extract alone in the folder, or "
                             "give its name in FICHIER.").format(folder=folder, count=len(found), files=_csvs(folder)))
    return found[0]


def _csvs(folder: Path) -> str:
    return ", ".join(p.name for p in sorted(folder.glob("*.csv")))


def _decode(data: bytes) -> tuple[str, str]:
    """(text, encoding shown): UTF-8 if the bytes are UTF-8 (a byte-order mark dropped), else Latin-1."""
    for codec, shown in ENCODINGS:
        try:
            return data.decode(codec).removeprefix("\ufeff"), shown
        except UnicodeDecodeError:
            continue
    raise AssertionError("Latin-1 decodes every byte")  # pragma: no cover


def sniff_separator(text: str) -> str:
    """The separator of the header line: the most frequent of SEPARATORS (a comma if none)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_extract(path: str | Path) -> RawExtract:
    """Read a service's CSV, detecting its encoding and separator. Rows whose number of fields
    differs from the header's are left out and listed in `problems`; an empty file, a file with a
    header only or broken quoting is an ExtractError."""
    path = Path(path)
    text, encoding = _decode(path.read_bytes())
    if not text.strip():
        raise ExtractError(_("{file}: empty file, line {header} (the header) expected; export the extract again "
                             "from the service's software.").format(file=path.name, header=HEADER))
    separator = sniff_separator(text)
    problems: list[Problem] = []
    rows = parse_rows(path.name, text, problems, delimiter=separator)
    if rows is None:
        raise ExtractError(_("{problem}; correct this line in a spreadsheet, then save again.").format(
            problem=problems[0]))
    header = [c.strip() for c in rows[0]]
    empty = [i for i, c in enumerate(header, start=1) if not c]
    if empty or len(set(header)) != len(header):
        said = (_("{file}, line {header} (header): each column must have a name, and only one (columns without a "
                  "name: {empty}; header read: {columns}).") if empty else
                _("{file}, line {header} (header): each column must have a name, and only one (columns without a "
                  "name: none; header read: {columns})."))
        raise ExtractError(said.format(file=path.name, header=HEADER, empty=empty, columns=header))
    frame = numbered_frame(path.name, header, rows[1:], problems, separator=_(SEPARATORS[separator]))
    if frame.empty:
        raise ExtractError(_("{file}: no readable record after the header (line {header}); {why}").format(
            file=path.name, header=HEADER,
            why=str(problems[0]) if problems else _("the file holds only the header.")))
    frame[header] = frame[header].apply(lambda s: s.str.strip())
    return RawExtract(path, encoding, separator, header, frame, problems)


# --------------------------------------------------------------------------- which column is which
def guess_mapping(columns: list[str]) -> dict[str, str]:
    """A first guess of each field's column, from words in the column names (the analyst confirms it)."""
    guess: dict[str, str] = {}
    for fld, words in GUESSES.items():
        free = [c for c in columns if c not in guess.values()]
        hit = next((c for c in free if any(w in plain(c).lower() for w in words)), None)
        guess[fld] = hit or (free[0] if free else columns[0])
    return guess


def check_mapping(mapping: dict[str, str], raw: RawExtract) -> dict[str, str]:
    """The mapping, if each field names one column of the file, each a different one; else ExtractError."""
    missing = [f for f in FIELDS if not mapping.get(f)]
    if missing:
        raise ExtractError(_("incomplete mapping: no column for {missing}; each field ({fields}) must name a column "
                             "of {file}.").format(missing=", ".join(missing), fields=", ".join(FIELDS),
                                                  file=raw.path.name))
    unknown = {f: c for f, c in mapping.items() if f in FIELDS and c not in raw.columns}
    if unknown:
        said = ", ".join(f"{f} → " + _('"{text}"').format(text=c) for f, c in unknown.items())
        raise ExtractError(_("mapping: {said}: this column does not exist in {file} (line {header}); columns of the "
                             "file: {columns}.").format(said=said, file=raw.path.name, header=HEADER,
                                                        columns=", ".join(raw.columns)))
    extra = sorted(set(mapping) - set(FIELDS))
    if extra:
        raise ExtractError(_("mapping: unknown field {extra}; expected fields: {fields}.").format(
            extra=", ".join(extra), fields=", ".join(FIELDS)))
    used = [mapping[f] for f in FIELDS]
    twice = sorted({c for c in used if used.count(c) > 1})
    if twice:
        raise ExtractError(_("mapping: the column {column} is given for several fields; each field must have its own "
                             "column.").format(column=_('"{text}"').format(text=twice[0])))
    return {f: mapping[f] for f in FIELDS}


class MappingForm:
    """One dropdown per field, filled from the file's columns; `mapping()` reads the analyst's choice."""

    def __init__(self, columns: list[str], mapping: dict[str, str]):
        import ipywidgets as widgets

        self.dropdowns = {f: widgets.Dropdown(options=list(columns), value=mapping[f], description=_(label),
                                              style={"description_width": "16em"},
                                              layout=widgets.Layout(width="36em"))
                          for f, label in FIELDS.items()}
        self.widget = widgets.VBox(list(self.dropdowns.values()))

    def mapping(self) -> dict[str, str]:
        return {f: d.value for f, d in self.dropdowns.items()}


def mapping_form(columns: list[str], mapping: dict[str, str]) -> MappingForm | None:
    """The form, or None where ipywidgets cannot be imported (then the analyst edits a dict)."""
    try:
        return MappingForm(columns, mapping)
    except ImportError:
        return None


# --------------------------------------------------------------------------- normalising the values
def read_dates(values: pd.Series) -> pd.Series:
    """Timestamps from text written in any of DATE_FORMATS; NaT where none fits (or empty)."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        todo = out.isna() & (values != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(values[todo], format=fmt, errors="coerce")
    return out


def phones_e164(values: pd.Series, profile: dict) -> pd.Series:
    """Phone numbers in E.164, read with the profile's numbering: `+` or `00` and a country code are
    kept as written; a national number of the profile's length gets the profile's country code;
    the country code written without `+` is accepted. Anything else is returned unchanged (the
    check then names it); an empty cell stays empty."""
    code, length = str(profile["phone"]["calling_code"]), int(profile["phone"]["national_length"])
    digits = values.str.replace(r"[\s.\-/()]", "", regex=True)
    only = digits.str.lstrip("+").str.fullmatch(r"\d+")
    out = values.copy()
    plus = only & digits.str.startswith("+")
    intl = only & digits.str.startswith("00")
    national = only & ~plus & ~intl & (digits.str.len() == length)
    bare_code = only & ~plus & ~intl & digits.str.startswith(code) & (digits.str.len() == len(code) + length)
    out[plus] = digits[plus]
    out[intl] = "+" + digits[intl].str[2:]
    out[national] = "+" + code + digits[national]
    out[bare_code] = "+" + digits[bare_code]
    return out


@dataclass
class ServiceRecords:
    """The service's records normalised (one row per readable row of the file) and every problem found."""

    records: pd.DataFrame  # ligne, nom, telephone (E.164 or ""), date (Timestamp or NaT), lieu
    problems: list[Problem]
    mapping: dict[str, str]


def phone_rule(profile: dict) -> str:
    """What the check expects of a phone, in the profile's own numbering."""
    code, length = profile["phone"]["calling_code"], profile["phone"]["national_length"]
    return _("a readable number: +{code} (or 00{code}) followed by {length} digits, {length} digits without the "
             "country code, or + and the country code of another country").format(code=code, length=length)


def prepare(raw: RawExtract, mapping: dict[str, str], profile: dict) -> ServiceRecords:
    """Normalise the mapped columns and check them with check-data's rules, under the file's own
    column names and row numbers."""
    mapping = check_mapping(mapping, raw)
    text = raw.rows
    moments = read_dates(text[mapping["date"]])
    phones = phones_e164(text[mapping["telephone"]], profile)
    checked = pd.DataFrame({ROW: text[ROW], mapping["nom"]: text[mapping["nom"]], mapping["telephone"]: phones,
                            mapping["date"]: moments.dt.strftime("%Y-%m-%d").where(moments.notna(),
                                                                                   text[mapping["date"]]),
                            mapping["lieu"]: text[mapping["lieu"]]})
    problems = list(raw.problems)
    for col in SERVICE_RECORDS.columns:
        shown = dataclasses.replace(col, name=mapping[col.name],
                                    accepted=phone_rule(profile) if col.e164 else col.accepted)
        check_column(raw.path.name, shown, checked, problems)
        if col.town:
            check_towns(raw.path.name, shown, checked, [t["name"] for t in profile["towns"]],
                        f"{profile['slug']}.yaml", problems)
    phone_ok = phones.str.fullmatch(r"\+\d{8,15}")
    records = pd.DataFrame({"ligne": text[ROW].astype(int), "nom": text[mapping["nom"]],
                            "telephone": phones.where(phone_ok, ""), "date": moments,
                            "lieu": text[mapping["lieu"]]}).reset_index(drop=True)
    return ServiceRecords(records, problems, mapping)


def problems_table(problems: list[Problem], raw: RawExtract) -> pd.DataFrame:
    """Every problem, one line per row and column: ligne (header = 1), colonne, problème, valeur."""
    by_row = raw.rows.set_index(ROW)
    lines = []
    for p in problems:
        for r in p.rows or (HEADER,):
            value = by_row.at[r, p.column] if p.column in by_row.columns and r in by_row.index else ""
            lines.append({"ligne": r, "colonne": p.column or "", "problème": p.what, "valeur": value})
    table = pd.DataFrame(lines, columns=["ligne", "colonne", "problème", "valeur"])
    return table.sort_values(["ligne", "colonne"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- where results go
def results_folder(service_folder: str | Path) -> tuple[Path, bool]:
    """(folder, created): the results folder inside the service's folder, made by this kit. A folder
    of that name that the kit did not make is refused, so nothing of the service is overwritten."""
    out = Path(service_folder) / RESULTS_FOLDER
    if out.exists() and not (out / RESULTS_MARK).is_file():
        raise ExtractError(_("{folder} already exists but was not created by this notebook ({mark} missing); "
                             "rename it or move it, nothing was written.").format(folder=out, mark=RESULTS_MARK))
    created = not out.exists()
    out.mkdir(exist_ok=True)
    if created:
        (out / RESULTS_MARK).write_text(_(
            "Folder created by sahelkit's mentoring notebook (modules/mentoring.ipynb).\n"
            "It holds the results of the analysis of this folder's extract. Each new run\n"
            "replaces the files of this folder. The data stay on this machine: do not copy\n"
            "them outside the service.\n"), encoding="utf-8")
    return out, created


# --------------------------------------------------------------------------- fictitious extracts
EXAMPLE_STYLES = {
    "A": {"file": "extrait-A.csv", "separator": ";", "encoding": "latin-1",
          "columns": ("N° fiche", "Nom et prénoms", "Tél.", "Date des faits", "Localité", "Motif")},
    "B": {"file": "extrait-B.csv", "separator": ",", "encoding": "utf-8-sig",
          "columns": ("REF", "IDENTITE", "CONTACT", "DATE_HEURE", "VILLE", "INFRACTION")},
}
"""Two services' habits: A writes `;`, Latin-1, JJ/MM/AAAA and national numbers spaced in pairs;
B writes commas, UTF-8 with the byte-order mark Excel adds, names in capitals, ISO dates with a
time, and numbers with 00 and the country code."""


def write_example(folder: str | Path, case, style: str) -> Path:
    """Write a fictitious extract in the habits of EXAMPLE_STYLES[style], made from the records of a
    national service of the case (fictitious people, numbers in the generator's unallocated ranges).
    Creates `folder`; refuses to replace a file."""
    spec = EXAMPLE_STYLES[style]
    path = Path(folder) / spec["file"]
    if path.exists():
        raise ExtractError(_("{path} already exists; choose an empty folder, nothing was written.").format(path=path))
    services = case.services[case.services["country"] == case.profile["iso"]].reset_index(drop=True)
    service = services.iloc[list(EXAMPLE_STYLES).index(style) % len(services)]
    src = case.extracts[service["code"]]
    when = pd.to_datetime(src["recorded"], format=service["date_format"])
    e164 = phones_e164(src["phone"], case.profile)
    code = "+" + str(case.profile["phone"]["calling_code"])
    if style == "A":
        national = e164.str.startswith(code)
        local = e164.str.removeprefix(code).str.replace(r"(\d\d)(?=\d)", r"\1 ", regex=True)
        cells = (src["record_id"], src["name"], local.where(national, e164), when.dt.strftime("%d/%m/%Y"))
    else:
        minutes = pd.Series(range(len(src)), index=src.index) * 37 % (12 * 60) + 7 * 60  # office hours
        cells = (src["record_id"], src["name"].str.upper(), e164.str.replace("+", "00", regex=False),
                 (when + pd.to_timedelta(minutes, unit="min")).dt.strftime("%Y-%m-%d %H:%M"))
    table = pd.DataFrame(dict(zip(spec["columns"], (*cells, src["town"], src["offence"]))))
    Path(folder).mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding=spec["encoding"], newline="") as out:
        table.to_csv(out, sep=spec["separator"], index=False)
    return path
