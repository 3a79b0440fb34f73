"""Country profiles: the YAML a coordinator edits, and the schema that guards it.

A country is data, not code. The schema below is the single statement of what a profile may
hold; `load_profile` checks every key against it and then checks the references between
sections (a route through a town that does not exist, a border post without a destination...)
and that each town lies in its country (`geography_problems`, from real boundaries).
Any problem raises ProfileError naming the file and the key path, in the workshop's language
(sahelkit.i18n: English in the code, French from the catalogue), e.g. in French
``datasets/profiles/niger.yaml: towns[17] « Téra » : clé « lat » manquante``.

Every message has one form, ``<where> : <what is wrong> ; <what to do>``, and names a place as the
coordinator sees it beside the YAML:
- a list item by its position counting from 1, as the coordinator counts the `- ` lines, then, if
  the item has one, its label in guillemets: the first of `code`, `name`, `kind`, `iso` it has
  (`services[2] « OCS »`, `towns[17] « Téra »`, `crimes[1] « tramadol »`, `vehicles.makes[3]`),
  always through `item_path`, nested lists too
  (`routes[4] « Niamey - Agadez - Sebha ».towns[3] : ville inconnue « Agadès » ; vouliez-vous dire « Agadez » ?`);
- a key inside it after a dot (`towns[17] « Téra ».lat`), the problem after " : " in French, ": " in
  English (`_said`);
- a value as written, text in guillemets in French, in double quotes in English (`_shown`);
- a YAML syntax error by line and column counting from 1, with what to do (a tab in the
  indentation, a line out of alignment, a quote or bracket left open, a key written twice).
There is no fallback to another country.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from . import codes as cldr
from .countries import find, known_files
from .i18n import _, ngettext
from .paths import PROFILES


class ProfileError(ValueError):
    """A profile that cannot be used; `problems` lists every "file: key.path : what" line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --------------------------------------------------------------------------- schema types
LABEL_KEYS = ("code", "name", "kind", "iso")
"""Keys whose value names a list item in messages, first present wins (see the module docstring)."""


def item_path(path: str, index: int, item: Any) -> str:
    """`towns[17] « Téra »`: a list item by its position counting from 1 and, when it has one, its label."""
    label = next((item[k] for k in LABEL_KEYS if isinstance(item, dict) and isinstance(item.get(k), str)
                  and item[k].strip()), None)
    return f"{path}[{index + 1}]" + (f" {_quoted(label)}" if label else "")


def _quoted(text: str) -> str:
    """A name or a value quoted as the workshop's language quotes it: « Téra » in French, "Téra" in English."""
    return _('"{text}"').format(text=text)


def _said(where: str, what: str) -> str:
    """`where : what` (French puts a space before the colon, English does not); `what` alone without a place."""
    return _("{where}: {what}").format(where=where, what=what) if where else what


def _either(items: list[str]) -> str:
    """« a » ou « b » ou « c »: alternatives joined in the workshop's language."""
    text = items[0]
    for item in items[1:]:
        text = _("{first} or {second}").format(first=text, second=item)
    return text


def _all_of(items: list[str]) -> str:
    """"a, b et c": several names joined in the workshop's language."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


NEAR_MISS = 75
"""rapidfuzz score (0-100) from which a name that is not in the profile is shown with the closest one that is."""


def plain(name: str) -> str:
    """A name without accents or case, as services and keyboards write them (SEGOU for Ségou)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).casefold()


def closest(name: str, names: Iterable[str]) -> str | None:
    """The name of `names` nearest to `name` (accents and case aside), when it is near enough to be a typo."""
    from rapidfuzz import process

    best = process.extractOne(name, list(names), processor=plain, score_cutoff=NEAR_MISS)  # WRatio
    return best[0] if best else None


def _unknown_town(name: Any, towns: Iterable[str]) -> str:
    """What to say of a town name that is not in `towns`, with the nearest spelling when there is one."""
    near = closest(name, towns) if isinstance(name, str) else None
    if near:
        return _("unknown town {name}; did you mean {near}?").format(name=_shown(name), near=_shown(near))
    return _("unknown town {name}; write the name of a town in towns, or add this town to towns").format(
        name=_shown(name))


def _key_path(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _shown(value: Any) -> str:
    """A YAML value as a coordinator wrote it: text in guillemets, numbers bare, containers by kind."""
    if value is None or value == "":
        return _("an empty value")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, dict):
        return _("a mapping of keys")
    if isinstance(value, list):
        return _("a list")
    return str(value)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class Spec:
    """One node of the profile schema: knows how to check a value and describe itself."""

    doc = ""

    def check(self, value: Any, path: str, errors: list[str]) -> None:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover
        raise NotImplementedError


class Str(Spec):
    def __init__(self, pattern: str | None = None, doc: str = "", choices: tuple[str, ...] | None = None,
                 empty: bool = False):
        self.pattern, self.doc, self.choices, self.empty = pattern, doc, choices, empty

    def check(self, value, path, errors):
        if self.empty and value in ("", None):
            return
        if not isinstance(value, str) or not value.strip():
            errors.append(_said(path, _("non-empty text expected, found {value}").format(value=_shown(value))))
        elif self.choices is not None and value not in self.choices:
            errors.append(_said(path, _("{value} is not an allowed value (allowed values: {choices})").format(
                value=_shown(value), choices=", ".join(self.choices))))
        elif self.pattern and not re.fullmatch(self.pattern, value):
            errors.append(_said(path, _("{value} does not have the expected form (pattern `{pattern}`)").format(
                value=_shown(value), pattern=self.pattern)))

    def describe(self):
        if self.choices:
            return "one of " + " | ".join(self.choices)
        return "text" + (f" matching `{self.pattern}`" if self.pattern else "")


class Num(Spec):
    def __init__(self, lo: float, hi: float, integer: bool = False, doc: str = ""):
        self.lo, self.hi, self.integer, self.doc = lo, hi, integer, doc

    def check(self, value, path, errors):
        ok_type = isinstance(value, int) if self.integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type:
            what = _("integer expected, found {value}") if self.integer else _("number expected, found {value}")
            errors.append(_said(path, what.format(value=_shown(value))))
        elif not self.lo <= value <= self.hi:
            errors.append(_said(path, _("{value} outside the range [{low}, {high}]").format(
                value=value, low=_number(self.lo), high=_number(self.hi))))

    def describe(self):
        return f"{'integer' if self.integer else 'number'} in [{self.lo}, {self.hi}]"


class Date(Spec):
    def __init__(self, doc: str = ""):
        self.doc = doc

    def check(self, value, path, errors):
        if isinstance(value, dt.date):
            return
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            errors.append(_said(path, _("date YYYY-MM-DD expected, found {value}").format(value=_shown(value))))

    def describe(self):
        return "date YYYY-MM-DD"


class ListOf(Spec):
    def __init__(self, item: Spec, min_len: int = 0, max_len: int = 10_000, doc: str = ""):
        self.item, self.min_len, self.max_len, self.doc = item, min_len, max_len, doc

    def check(self, value, path, errors):
        if not isinstance(value, list):
            errors.append(_said(path, _('list expected (lines starting with "-"), found {value}').format(
                value=_shown(value))))
            return
        if not self.min_len <= len(value) <= self.max_len:
            errors.append(_said(path, _("{low} to {high} items expected, {count} found").format(
                low=self.min_len, high=self.max_len, count=len(value))))
        for i, v in enumerate(value):
            self.item.check(v, item_path(path, i, v), errors)

    def describe(self):
        return f"list ({self.min_len}-{self.max_len}) of {self.item.describe()}"


def _mapping_expected() -> str:
    """One message, said by MapOf and Record."""
    return _('mapping of keys expected ("key: value" lines), found {value}')


class MapOf(Spec):
    """A mapping with free keys (e.g. canonical name -> spelling variants)."""

    def __init__(self, value: Spec, doc: str = ""):
        self.value, self.doc = value, doc

    def check(self, value, path, errors):
        if not isinstance(value, dict):
            errors.append(_said(path, _mapping_expected().format(value=_shown(value))))
            return
        for k, v in value.items():
            if not isinstance(k, str):
                errors.append(_said(_key_path(path, k), _("a key must be text (put it in quotes)")))
            self.value.check(v, _key_path(path, k), errors)

    def describe(self):
        return f"mapping text -> {self.value.describe()}"


class Record(Spec):
    """A mapping with a closed set of keys: unknown and missing keys are both errors."""

    def __init__(self, fields: dict[str, Spec], optional: tuple[str, ...] = (), doc: str = ""):
        self.fields, self.optional, self.doc = fields, optional, doc

    def check(self, value, path, errors):
        if not isinstance(value, dict):
            errors.append(_said(path or _("profile"), _mapping_expected().format(value=_shown(value))))
            return
        for k in value:
            if k not in self.fields:
                errors.append(_said(path, _("unknown key {key} (allowed keys: {keys})").format(
                    key=_quoted(str(k)), keys=", ".join(self.fields))))
        for k, spec in self.fields.items():
            if k not in value:
                if k not in self.optional:
                    errors.append(_said(path, _("key {key} missing").format(key=_quoted(str(k)))))
            else:
                spec.check(value[k], _key_path(path, k), errors)

    def describe(self):
        return "mapping"


# --------------------------------------------------------------------------- the schema
ISO2 = r"[A-Z]{2}"  # a country: an ISO 3166-1 alpha-2 code the CLDR knows (checked with Babel)
ISO4217 = r"[A-Z]{3}"  # a currency: an ISO 4217 code, one of the profile's country's (checked with Babel)
PERIOD_MIN_DAYS = 21  # the planted signals need room: 14 structured transfers on distinct days, 6 convoy days
PERIOD_MAX_DAYS = 200  # about six months: a workshop's case, not a year of records
HOME_TOWNS_MIN, HOME_TOWNS_MAX = 10, 20  # towns of the profile's own country: enough to spread people, few to learn
SHARES_TOLERANCE = 0.01  # operator shares must add up to 1 within this (shares written with two decimals)
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y", "%d.%m.%Y", "%Y/%m/%d")
PHONE_FORMATS = ("e164", "e164_spaced", "intl_00", "national", "national_spaced", "mixed")
NAME_ORDERS = ("given_first", "family_first")
SPELLINGS = ("canonical", "variant", "ascii_upper", "mixed")
CRIME_KINDS = ("falsified_medicine", "amphetamine_pills", "tramadol", "migrant_smuggling", "arms",
               "terrorism_financing")
PILL_CRIMES = ("amphetamine_pills", "tramadol", "falsified_medicine")  # sold as pills in markets
SERVICE_KINDS = ("police", "narcotics", "gendarmerie", "customs", "counter_terrorism",
                 "financial_intelligence", "foreign_police")

OPERATOR = Record({
    "name": Str(),
    "share": Num(0, 1, doc="share of subscribers"),
    "prefixes": ListOf(Str(r"\d{1,4}"), 1, 20, doc="FICTITIOUS leading digits (libphonenumber must call them invalid)"),
    "mnc": Str(r"\d{2}", doc="mobile network code used with the test MCC in IMSIs"),
})
NUMBERING = Record({
    "calling_code": Num(1, 999, integer=True),
    "national_length": Num(6, 12, integer=True),
    "operators": ListOf(OPERATOR, 1, 8),
})

PROFILE_SCHEMA = Record({
    "slug": Str(r"[a-z-]+", doc="file name without .yaml"),
    "name": Str(doc="country name in French"),
    "iso": Str(ISO2, doc="ISO 3166-1 alpha-2 code of the country (any country the CLDR knows)"),
    "fictitious": Str(doc="plain statement that everything generated from this profile is fictitious"),
    "currency": Str(ISO4217, doc="ISO 4217 code: one of the country's legal tenders during the period (CLDR)"),
    "currency_label": Str(doc="how people write the currency (FCFA, MRU)"),
    "price_scale": Num(0.0001, 10000, doc="prices of ordinary medicines in test purchases, in this currency per CFA "
                                          "franc (1 for XOF and XAF, 0.1 for MRU)"),
    "period": Record({"start": Date(), "end": Date()},
                     doc=f"the period all times fall in: any year, {PERIOD_MIN_DAYS} to {PERIOD_MAX_DAYS} days; "
                         "birth dates, activations, recruitments and lab references are counted from its year"),
    "towns": ListOf(Record({
        "name": Str(), "region": Str(), "country": Str(ISO2, doc="ISO 3166-1 alpha-2 code of the town's country"),
        "lat": Num(-90, 90), "lon": Num(-180, 180),
        "weight": Num(0, 1000, doc="relative population, drives where people live"),
    }), 10, 60, doc=f"towns of the country ({HOME_TOWNS_MIN}-{HOME_TOWNS_MAX}) plus towns of other countries that "
                    "routes pass through"),
    "posts": ListOf(Record({
        "name": Str(), "town": Str(doc="a town of this profile"),
        "kind": Str(choices=("checkpoint", "border")),
        "leads_to": Str(ISO2, empty=True, doc="ISO 3166-1 code of the country a border post leads to; empty for a "
                                              "checkpoint"),
    }), 3, 40),
    "routes": ListOf(Record({
        "name": Str(), "crime": Str(choices=CRIME_KINDS),
        "towns": ListOf(Str(), 2, 12, doc="towns of this profile, in travel order"),
    }), 1, 20),
    "markets": ListOf(Record({"name": Str(), "town": Str()}), 0, 20, doc="markets where test purchases are made"),
    "names": Record({
        "order": Str(choices=NAME_ORDERS, doc="order in the civil register"),
        "given_male": ListOf(Str(), 10, 500),
        "given_female": ListOf(Str(), 10, 500),
        "family": ListOf(Str(), 10, 500),
        "particles": ListOf(Str(), 0, 10, doc="Ould, Ag, Ben...: joined before a father's name"),
        "variants": MapOf(ListOf(Str(), 1, 10), doc="canonical spelling -> transliteration variants"),
        "nicknames": ListOf(Str(), 5, 200),
    }),
    "phone": NUMBERING,
    "neighbour_phones": ListOf(Record({
        "iso": Str(ISO2, doc="a neighbouring country whose towns are listed"),
        "calling_code": Num(1, 999, integer=True),
        "national_length": Num(6, 12, integer=True), "operators": ListOf(OPERATOR, 1, 8),
    }), 0, 8, doc="numbering of the neighbouring countries a cross-border cell may live in: a country with towns "
                  "listed and its numbering here is a neighbour"),
    "mobile_money": Record({
        "operators": ListOf(Str(), 1, 6),
        "threshold": Num(1, 1e9, integer=True, doc="transfers at or above this amount are reported"),
    }),
    "vehicles": Record({
        "plate_pattern": Str(doc="@ = random letter, # = random digit, other characters kept"),
        "makes": ListOf(Record({"make": Str(), "model": Str()}), 3, 40),
        "colours": ListOf(Str(), 3, 20),
    }),
    "pills": Record({
        "product_names": ListOf(Str(), 1, 10, doc="how 'anti-fatigue' pills are sold"),
        "price": Num(1, 10000, integer=True, doc="price of one pill in the local currency"),
    }),
    "services": ListOf(Record({
        "code": Str(r"[A-Z][A-Z0-9_-]{1,11}"), "name": Str(), "kind": Str(choices=SERVICE_KINDS),
        "country": Str(ISO2, doc="ISO 3166-1 code of the service's country"),
        "date_format": Str(choices=DATE_FORMATS), "phone_format": Str(choices=PHONE_FORMATS),
        "name_order": Str(choices=NAME_ORDERS), "spelling": Str(choices=SPELLINGS),
        "duplicate_rate": Num(0, 0.5), "records": Num(10, 5000, integer=True),
    }), 2, 10, doc="services holding records, each with its own habits"),
    "crimes": ListOf(Record({
        "kind": Str(choices=CRIME_KINDS), "weight": Num(0, 100),
        "commodity": Str(), "unit": Str(),
    }), 2, 10, doc="crime patterns to plant, by weight"),
    "occupations": ListOf(Str(), 5, 100),
})


# --------------------------------------------------------------------------- loading
PROFILES_DIR = PROFILES


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 20x faster


def _no_duplicates(loader, node, deep=False):
    """Refuse a key written twice (YAML would silently keep the last), pointing at both places."""
    seen: dict[Any, Any] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError("first written", seen[key].start_mark,
                                                    f"duplicate key {key}", key_node.start_mark)
        seen[key] = key_node
    return loader.construct_mapping(node, deep)


class _UniqueKeyLoader(_Base):
    """SafeLoader that refuses a key written twice."""


class _ExplainingLoader(yaml.SafeLoader):
    """The pure-Python twin, used only to explain an error: its messages do not depend on libyaml."""


for _loader in (_UniqueKeyLoader, _ExplainingLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _line_column(line: int, column: int) -> str:
    """'ligne L, colonne C' (both counted from 1) in the workshop's language."""
    return _("line {line}, column {column}").format(line=line, column=column)


def _at(mark) -> str:
    return _line_column(mark.line + 1, mark.column + 1)


def _tab_indent(lines: list[str], line: int) -> str | None:
    """'ligne L, colonne C' of a tab in the indentation of 0-based `line`, if there is one."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    indent = text[:len(text) - len(text.lstrip(" \t"))]
    if "\t" not in indent:
        return None
    return _line_column(line + 1, indent.index("\t") + 1)


def _open_quote(text: str) -> int | None:
    """0-based column of a quoted value opened on this line and not closed on it."""
    quote, start, last, i = None, 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote and ch == "\\" and quote == '"':
            i += 1  # an escaped character
        elif quote and ch == quote and quote == "'" and text[i + 1:i + 2] == "'":
            i += 1  # '' is a quote inside single quotes
        elif quote and ch == quote:
            quote, last = None, ch
        elif not quote and ch == "#" and (i == 0 or text[i - 1] == " "):
            break
        elif not quote and ch in "\"'" and last in ("", ":", "-", ",", "[", "{"):
            quote, start = ch, i  # a quote opens a value only where a value starts (not in « d'Ivoire »)
        elif not quote and ch != " ":
            last = ch
        i += 1
    return start if quote else None


def _unclosed_quote(lines: list[str], last: int) -> tuple[str, str] | None:
    """('ligne L, colonne C', quote) of the first quoted value left open at the end of its line.

    YAML lets a quoted value run over several lines, so an open quote is only found by the error
    it causes much further down; profiles keep each value on one line, so that line is the culprit."""
    for n, text in enumerate(lines[:last + 1]):
        col = _open_quote(text)
        if col is not None:
            return _line_column(n + 1, col + 1), text[col]
    return None


_BRACKETS = {"[": "]", "{": "}"}


def _yaml_problem(text: str, err: yaml.YAMLError) -> str:
    """'ligne L, colonne C : what is wrong and what to do', in words a coordinator knows."""
    try:
        yaml.load(text, Loader=_ExplainingLoader)  # the same error, in libyaml-independent words
    except yaml.YAMLError as plain:
        err = plain
    pm, cm = getattr(err, "problem_mark", None), getattr(err, "context_mark", None)
    problem, context = getattr(err, "problem", None) or "", getattr(err, "context", None) or ""
    mark = pm or cm
    if mark is None:
        return _("unreadable YAML ({problem})").format(problem=problem or err)
    lines, at = text.splitlines(), _at(mark)
    if problem.startswith("duplicate key"):
        return _said(at, _("key {key} written twice (already line {line}); YAML would keep only the last one: "
                           "delete one of the two").format(key=_quoted(problem.removeprefix("duplicate key ")),
                                                            line=cm.line + 1))
    tab = _tab_indent(lines, mark.line) or _tab_indent(lines, mark.line - 1)
    if tab:
        return _said(tab, _("tab in the indentation; YAML accepts only spaces: replace it with spaces"))
    quote = _unclosed_quote(lines, mark.line)
    if quote:
        return _said(quote[0], _("quote {quote} opened and never closed; add the closing {quote}").format(
            quote=quote[1]))
    opener = lines[cm.line][cm.column:cm.column + 1] if cm and cm.line < len(lines) else ""
    if opener in _BRACKETS and "flow" in context:
        what = (_("{opener} opened and never closed; add {closing} at the end of the list, or the comma missing "
                  "between two items") if opener == "[" else
                _("{opener} opened and never closed; add {closing} at the end of the mapping, or the comma missing "
                  "between two items"))
        return _said(_at(cm), what.format(opener=_quoted(opener), closing=_quoted(_BRACKETS[opener])))
    return _said(at, _layout_problem(problem, context, cm))


def _layout_problem(problem: str, context: str, cm) -> str:
    """The explanation of an error in the shape of the text (indentation, colons), after the marks."""
    if "simple key" in context:
        return _('":" missing after the key of line {line} (write "key: value")').format(line=cm.line + 1)
    if "mapping values are not allowed" in problem:
        return _('unexpected ":"; either the line is badly indented (align it with the keys around it), or the '
                 'value contains ":" and must be put in quotes')
    if "cannot start any token" in problem:
        found = problem.split("'")[1] if problem.count("'") >= 2 else "?"
        return _("a value cannot start with {found}; put it in quotes").format(found=_quoted(found))
    if "block" in context or "block end" in problem:
        if cm:
            return _("wrong indentation; this line is aligned with no key of the block started on line {line}: "
                     "align it with the lines around it, using spaces").format(line=cm.line + 1)
        return _("wrong indentation; this line is aligned with no key: align it with the lines around it, using "
                 "spaces")
    return _("unreadable YAML ({problem})").format(problem=problem or context)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def profile_path(country: str) -> Path:
    """Where the profile of a country (slug or ISO) lives: under $SAHELKIT_DATA first, else the repository."""
    return find(country).path


def load_profile(country_or_path: str | os.PathLike, check_numbers: bool = True) -> dict:
    """Load and validate a profile given a country (slug or ISO) or a YAML file path.

    check_numbers=False skips asking libphonenumber about every prefix and placing every town in
    its country's outline (the slow parts); the loader uses it for data that `generate` already
    made from a fully checked profile."""
    p = Path(country_or_path)
    path = p if (p.suffix in (".yaml", ".yml") or p.exists()) else profile_path(str(country_or_path))
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError([f"{shown}: " + _("file not found; check the path, or give the country (slug or ISO "
                                             "code) of a profile that exists")]) from None
    except UnicodeDecodeError as e:
        line = path.read_bytes()[:e.start].count(b"\n") + 1
        raise ProfileError([f"{shown}: " + _("line {line}: unreadable character, the file is not in UTF-8; save it "
                                             "in UTF-8 (in the editor: Save as, encoding UTF-8)").format(line=line)
                            ]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as e:
        raise ProfileError([f"{shown}: {_yaml_problem(text, e)}"]) from None
    errors = validate_profile(data, check_numbers, path)
    if errors:
        raise ProfileError([f"{shown}: {e}" for e in errors])
    for key in ("start", "end"):
        data["period"][key] = dt.date.fromisoformat(str(data["period"][key]))
    return data


def validate_profile(data: Any, check_numbers: bool = True, path: Path | None = None) -> list[str]:
    """Every problem of a parsed profile as "key.path : what"; empty when the profile is usable.

    `path`, when given, is the profile's own file: the other profiles present must agree with it
    on which slug goes with which ISO code."""
    errors: list[str] = []
    PROFILE_SCHEMA.check(data, "", errors)
    if errors:
        return errors
    return (_country_checks(data, path) + _period_checks(data) + _cross_checks(data, check_numbers)
            + _requirement_checks(data))


def _cross_checks(d: dict, check_numbers: bool = True) -> list[str]:
    """The rules the per-key schema cannot express: references, consistency, fictitious numbers."""
    names = [t["name"] for t in d["towns"]]  # in file order, so the closest spelling suggested is always the same
    towns = set(names)
    e = _town_checks(d) + _post_checks(d, towns, names)
    for i, r in enumerate(d["routes"]):
        route = f"{item_path('routes', i, r)}.towns"
        e += [_said(item_path(route, j, t), _unknown_town(t, names))
              for j, t in enumerate(r["towns"]) if t not in towns]
    e += [_said(f"{item_path('markets', i, m)}.town", _unknown_town(m["town"], names))
          for i, m in enumerate(d["markets"]) if m["town"] not in towns]
    e += _twice("services", d["services"], "code", _("each service has its own code"))
    if not any(c["weight"] > 0 for c in d["crimes"]):
        e.append(_said("crimes", _("no crime has a positive weight (weight); give at least one crime a weight "
                                   "above 0")))
    if check_numbers:
        e += geography_problems(d) + _numbering_checks(d)
    return e


def _twice(key: str, items: list[dict], field: str, rule: str) -> list[str]:
    """A value of `field` that an earlier item of the list already has, named at its second occurrence."""
    e, first = [], {}
    for i, item in enumerate(items):
        value = item[field]
        if value in first:
            e.append(_said(f"{item_path(key, i, item)}.{field}", _(
                "{value} appears twice (already {first}); {rule}: change or delete one of the two").format(
                value=_shown(value), first=first[value], rule=rule)))
        else:
            first[value] = item_path(key, i, item)
    return e


def _town_checks(d: dict) -> list[str]:
    e = _twice("towns", d["towns"], "name", _("each town has its own name"))
    home = sum(t["country"] == d["iso"] for t in d["towns"])
    if not HOME_TOWNS_MIN <= home <= HOME_TOWNS_MAX:
        e.append(_said("towns", _("{count} town(s) of the profile's country (country: {iso}), {low} to {high} "
                                  "needed; add or remove towns of this country").format(
            count=home, iso=d["iso"], low=HOME_TOWNS_MIN, high=HOME_TOWNS_MAX)))
    return e


def _post_checks(d: dict, towns: set[str], names: list[str]) -> list[str]:
    e: list[str] = []
    for i, p in enumerate(d["posts"]):
        where = item_path("posts", i, p)
        if p["town"] not in towns:
            e.append(_said(f"{where}.town", _unknown_town(p["town"], names)))
        if p["kind"] == "border" and not p["leads_to"]:
            e.append(_said(f"{where}.leads_to", _("a border post (kind: border) must say which country it leads to; "
                                                  "write the ISO 3166-1 alpha-2 code of that country")))
        p["leads_to"] = p["leads_to"] or ""
        if p["kind"] == "checkpoint" and p["leads_to"]:
            e.append(_said(f"{where}.leads_to", _("a checkpoint (kind: checkpoint) leads to no country; leave "
                                                  "leads_to empty, or write kind: border")))
    return e


def _numbering_checks(d: dict) -> list[str]:
    """Each calling code is its country's, shares add up to 1, and every prefix is one libphonenumber calls
    invalid (so no generated number can be a real subscriber's)."""
    import phonenumbers

    e: list[str] = []
    plans = [("phone", d["phone"], d["iso"])] + [
        (item_path("neighbour_phones", i, n), n, n["iso"]) for i, n in enumerate(d["neighbour_phones"])]
    for where, num, iso in plans:
        total = sum(o["share"] for o in num["operators"])
        if abs(total - 1) > SHARES_TOLERANCE:
            e.append(_said(f"{where}.operators", _("the operators' shares (share) add up to {total} instead of 1; "
                                                   "correct them so that they add up to 1").format(
                total=f"{total:.2f}")))
        expected = phonenumbers.country_code_for_region(iso)  # 0 for a code it does not know: said above
        if expected and expected != num["calling_code"]:
            e.append(_said(f"{where}.calling_code", _(
                "+{code} is not the calling code of the country {iso} ({name}); write {expected}").format(
                code=num["calling_code"], iso=iso, name=cldr.country_name(iso), expected=expected)))
        for j, o in enumerate(num["operators"]):
            operator = item_path(f"{where}.operators", j, o)
            for k, pre in enumerate(o["prefixes"]):
                fill = num["national_length"] - len(pre)
                samples = [pre + s * fill for s in "0123456789"] + [pre + "123456789"[:fill].ljust(fill, "0")]
                if any(phonenumbers.is_valid_number(phonenumbers.parse(f"+{num['calling_code']}{s}")) for s in samples):
                    e.append(_said(item_path(f"{operator}.prefixes", k, pre), _(
                        "{value} is a range of numbers really in use; choose one that libphonenumber calls invalid, so "
                        "that the generated numbers stay fictitious").format(value=_shown(pre))))
    return e


def geography_problems(d: dict) -> list[str]:
    """Each town lies in the country its `country` key names, from real boundaries (sahelkit.borders).

    Catches what a coordinator's typing does: latitude and longitude swapped (a Malian town lands
    in Central Africa) and a town given another town's coordinates (a Niger town at Bamako). The
    loader skips it with the phone ranges (check_numbers=False): generate already ran it."""
    from . import borders

    def name(iso: str) -> str:
        return f"{d['name'] if iso == d['iso'] else cldr.country_name(iso)} ({iso})"

    e: list[str] = []
    for i, t in enumerate(d["towns"]):
        iso, lat, lon = t["country"], t["lat"], t["lon"]
        if borders.is_in(iso, lat, lon):
            continue
        where = item_path("towns", i, t)
        if borders.is_in(iso, lon, lat):
            e.append(_said(where, _("latitude and longitude swapped? ({lat}, {lon}) is outside the country {country}, "
                                    "({lon}, {lat}) is inside: swap lat and lon").format(
                lat=lat, lon=lon, country=name(iso))))
            continue
        found = borders.country_at(lat, lon)
        there = (_("this point is in the country {country}").format(country=name(found)) if found
                 else _("this point is in no country (at sea?)"))
        km = f"{borders.km_outside(iso, lat, lon):.0f}"
        e.append(_said(where, _("({lat}, {lon}) is {km} km outside the country {country}; {there}: correct lat and "
                                "lon, or country").format(lat=lat, lon=lon, km=km, country=name(iso), there=there)))
    return e


# --------------------------------------------------------------------------- countries, currency, period
def neighbours(profile: dict) -> list[str]:
    """The countries a cross-border cell may live in: other countries whose towns and numbering
    (neighbour_phones) the profile lists, in the order of neighbour_phones."""
    towns = {t["country"] for t in profile["towns"]}
    return [n["iso"] for n in profile["neighbour_phones"] if n["iso"] in towns and n["iso"] != profile["iso"]]


def period_of(profile: dict) -> tuple[dt.date, dt.date]:
    """The first and last day of the profile's period, whether loaded or freshly parsed."""
    start, end = (dt.date.fromisoformat(str(profile["period"][k])) for k in ("start", "end"))
    return start, end


def scaled_price(price: int, profile: dict) -> int:
    """A price drawn in CFA francs, in the profile's currency (price_scale), rounded down, at least 1."""
    return max(1, int(Decimal(str(profile["price_scale"])) * price))


def _country_fields(d: dict) -> list[tuple[str, str]]:
    """(key path, code) of every country code a profile holds."""
    def each(key: str, field: str) -> list[tuple[str, str]]:
        return [(f"{item_path(key, i, x)}.{field}", x[field]) for i, x in enumerate(d[key]) if x[field]]

    return ([("iso", d["iso"])] + each("towns", "country") + each("posts", "leads_to")
            + each("neighbour_phones", "iso") + each("services", "country"))


def _currency_checks(d: dict, known: set[str]) -> list[str]:
    """An ISO 4217 code, and one that is legal tender in the country during the period (CLDR)."""
    legal = cldr.currencies_of(d["iso"], *period_of(d)) if d["iso"] in known else []
    advice = (_("currency of the country {iso} during the period: {codes}").format(iso=d["iso"], codes=", ".join(legal))
              if legal else _("write the three-letter ISO 4217 code of the country's currency"))
    if d["currency"] not in cldr.currency_codes():
        return [_said("currency", _("{value} is not an ISO 4217 currency code; {advice}").format(
            value=_shown(d["currency"]), advice=advice))]
    if d["iso"] in known and d["currency"] not in legal:
        return [_said("currency", _("{value} is not legal tender in the country {iso} ({name}) during the period; "
                                    "{advice}").format(value=_shown(d["currency"]), iso=d["iso"],
                                                       name=cldr.country_name(d["iso"]), advice=advice))]
    return []


def _identity_checks(d: dict, path: Path | None) -> list[str]:
    """The slug is the file name (in a profiles/ folder), and one slug goes with one ISO code among the profiles."""
    e: list[str] = []
    # a profiles/ folder lists countries by file name; a coordinator's own copy may be named freely
    if path is not None and Path(path).parent.name == "profiles" and Path(path).stem != d["slug"]:
        e.append(_said("slug", _("{slug}, but the file is called {file}; the slug is the file name without .yaml: "
                                 "rename the file or change the slug").format(slug=_shown(d["slug"]),
                                                                              file=Path(path).name)))
    own = Path(path).resolve() if path else None
    for other in known_files():
        if own is not None and other.path.resolve() == own:
            continue
        if other.slug == d["slug"] and other.iso != d["iso"]:
            e.append(_said("iso", _("{iso}, but {other} gives {other_iso} to the country {slug}; a country has a "
                                    "single code: make the two files agree").format(
                iso=_shown(d["iso"]), other=_display(other.path), other_iso=_shown(other.iso), slug=_shown(d["slug"]))))
        elif other.iso == d["iso"] and other.slug != d["slug"]:
            e.append(_said("iso", _("{iso} is already the code of the country {slug} ({other}); a code names a single "
                                    "country: correct iso or the slug").format(
                iso=_shown(d["iso"]), slug=_shown(other.slug), other=_display(other.path))))
    return e


def _country_checks(d: dict, path: Path | None = None) -> list[str]:
    """Codes the CLDR knows, the country's own currency, one ISO code per slug among the profiles present,
    and neighbours' numbering that goes with their towns."""
    known = cldr.country_codes()
    e = [_said(where, _("{value} is not a known ISO 3166-1 alpha-2 country code; write the two capital letters of "
                        "the country").format(value=_shown(code)))
         for where, code in _country_fields(d) if code not in known]
    e += _currency_checks(d, known) + _identity_checks(d, path)
    towns = {t["country"] for t in d["towns"]}
    for i, n in enumerate(d["neighbour_phones"]):
        where = f"{item_path('neighbour_phones', i, n)}.iso"
        if n["iso"] == d["iso"]:
            e.append(_said(where, _("{value} is the profile's own country; its numbering goes in phone").format(
                value=_shown(n["iso"]))))
        elif n["iso"] not in towns:
            e.append(_said(where, _("no town of the country {iso} in towns; a neighbouring country has towns (towns) "
                                    "and a numbering (neighbour_phones): add its towns or remove its numbering").format(
                iso=n["iso"])))
    return e


def _period_checks(d: dict) -> list[str]:
    """Any year; a duration that leaves room for the planted signals."""
    start, end = period_of(d)
    days = (end - start).days
    if not PERIOD_MIN_DAYS <= days <= PERIOD_MAX_DAYS:
        return [_said("period", _("from {start} to {end}, {days} days; the period must last {low} to {high} days: "
                                  "change start or end").format(start=start, end=end, days=days,
                                                                low=PERIOD_MIN_DAYS, high=PERIOD_MAX_DAYS))]
    return []


# --------------------------------------------------------------------------- what the notebooks need
CONVOY_MIN_CHECKPOINTS = 3  # the planted convoy passes several checkpoints, minutes apart


@dataclass(frozen=True)
class Requirement:
    """Something every profile must hold because a notebook (or a planted signal) relies on it.

    `needed_by` names notebooks as "modules/NN-slug" (teaching, modules/NN-cours-slug.ipynb) or
    "solutions/NN-slug" (exercise), and signals as "signal:<kind>" (truth/signals.csv); `missing`
    says in the workshop's language what is absent, or None when the profile has it."""

    name: str
    key: str
    needs: str
    needed_by: tuple[str, ...]
    missing: Callable[[dict], str | None]
    service_kinds: tuple[str, ...] = ()  # the service kinds the named notebooks look up

    def who(self) -> str:
        """The notebooks and signals that need it: "le module 03 (...) et l'exercice 02 (...)"."""
        return _all_of([_needer(n) for n in self.needed_by])

    def problem(self, profile: dict) -> str | None:
        """The error line when the profile lacks it, naming who needs it; None when it is there."""
        what = self.missing(profile)
        if what is None:
            return None
        return _said(self.key, ngettext("{what}; {who} needs it", "{what}; {who} need it", len(self.needed_by)).format(
            what=what, who=self.who()))


def _needer(name: str) -> str:
    if name.startswith("signal:"):
        return _("the signal {kind} (truth/signals.csv)").format(kind=_quoted(name.split(":", 1)[1]))
    folder, notebook = name.split("/", 1)
    number, _dash, slug = notebook.partition("-")
    said = _("module {number} ({slug})") if folder == "modules" else _("exercise {number} ({slug})")
    return said.format(number=number, slug=slug)


def _kinds(kinds: tuple[str, ...]) -> str:
    return _either([_quoted(k) for k in kinds])


def _home_service(*kinds: str) -> Callable[[dict], str | None]:
    def missing(d: dict) -> str | None:
        if any(s["kind"] in kinds and s["country"] == d["iso"] for s in d["services"]):
            return None
        return _("no service of kind {kinds} of the country ({iso})").format(kinds=_kinds(kinds), iso=d["iso"])
    return missing


def _foreign_police(d: dict) -> str | None:
    if any(s["kind"] == "foreign_police" and s["country"] != d["iso"] for s in d["services"]):
        return None
    return _("no service of kind {kinds} of a country other than {iso}").format(kinds=_kinds(("foreign_police",)),
                                                                               iso=d["iso"])


def _reached_neighbours(d: dict) -> list[str]:
    """Neighbours (towns and numbering listed) that a route passes through."""
    country_of = {t["name"]: t["country"] for t in d["towns"]}
    near = neighbours(d)
    return [iso for iso in near if any(country_of.get(t) == iso for r in d["routes"] for t in r["towns"])]


def _cross_border_route(d: dict) -> str | None:
    if _reached_neighbours(d):
        return None
    return _("no route passes through a town of a neighbouring country whose towns and numbering are given in towns "
             "and neighbour_phones (neighbouring countries: {countries})").format(
        countries=", ".join(neighbours(d)) or _("none"))


def _border_post(d: dict) -> str | None:
    reached = _reached_neighbours(d)
    if any(p["kind"] == "border" and p["leads_to"] in reached for p in d["posts"]):
        return None
    return _("no border post (kind: border) leads (leads_to) to a neighbouring country that a route reaches "
             "({countries})").format(countries=", ".join(reached) or _("none"))


def _cell_police(d: dict) -> str | None:
    """The cell lives in a reached neighbour with a border post; module 13 needs that country's police."""
    reached = {p["leads_to"] for p in d["posts"] if p["kind"] == "border"} & set(_reached_neighbours(d))
    police = sorted({s["country"] for s in d["services"] if s["kind"] == "foreign_police" and s["country"] != d["iso"]})
    if reached & set(police):
        return None
    police_said = (_("foreign police services of the profile: {countries}").format(countries=", ".join(police))
                   if police else _("foreign police services of the profile: none"))
    return _("no service of kind {kinds} of a neighbouring country where the cross-border cell would live (countries "
             "that a route and a border post reach: {countries}; {police})").format(
        kinds=_kinds(("foreign_police",)), countries=", ".join(sorted(reached)) or _("none"), police=police_said)


def _pill_crime(d: dict) -> str | None:
    if any(c["kind"] in PILL_CRIMES for c in d["crimes"]):
        return None
    return _("no crime of kind {kinds}").format(kinds=_kinds(PILL_CRIMES))


def pill_entry(d: dict) -> tuple[list[str], str | None]:
    """The amphetamine pills' route and the name of its entry post: the border post of a route town that
    leads to the country the route starts in, the first along the route (module 08); None without one."""
    route = next((r["towns"] for r in d["routes"] if r["crime"] == "amphetamine_pills"), [])
    country_of = {t["name"]: t["country"] for t in d["towns"]}
    if not route or country_of.get(route[0]) == d["iso"]:
        return route, None
    gates = [(route.index(p["town"]), p["name"]) for p in d["posts"]
             if p["kind"] == "border" and p["leads_to"] == country_of.get(route[0]) and p["town"] in route]
    return route, min(gates)[1] if gates else None


def _pill_route(d: dict) -> str | None:
    route, entry = pill_entry(d)
    if entry is not None:
        return None
    if not route:
        return _("no route of kind {kinds}").format(kinds=_kinds(("amphetamine_pills",)))
    return _("the route {kinds} ({towns}) must start in another country and pass through a town whose border post "
             "(kind: border) leads (leads_to) to that country: the pills' entry post").format(
        kinds=_kinds(("amphetamine_pills",)), towns=" - ".join(route))


def _markets(d: dict) -> str | None:
    return None if d["markets"] else _("no market")


def _checkpoints(d: dict) -> str | None:
    n = sum(p["kind"] == "checkpoint" for p in d["posts"])
    if n >= CONVOY_MIN_CHECKPOINTS:
        return None
    return _("{count} checkpoint(s) (kind: checkpoint), at least {needed} needed").format(
        count=n, needed=CONVOY_MIN_CHECKPOINTS)


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("customs", "services", "a customs service (kind customs) of the country",
                ("modules/03-collate-records", "solutions/02-grade-sources"), _home_service("customs"),
                ("customs",)),
    Requirement("gendarmerie", "services", "a gendarmerie (kind gendarmerie) of the country",
                ("modules/03-collate-records", "modules/12-exchange", "solutions/12-exchange"),
                _home_service("gendarmerie"), ("gendarmerie",)),
    Requirement("narcotics", "services", "a narcotics service (kind narcotics) of the country",
                ("solutions/03-collate-records", "modules/12-exchange", "solutions/12-exchange",
                 "solutions/14-capstone"),
                _home_service("narcotics"), ("narcotics",)),
    Requirement("investigation", "services", "a counter-terrorism or police service of the country",
                ("solutions/03-collate-records",), _home_service("counter_terrorism", "police"),
                ("counter_terrorism", "police")),
    Requirement("foreign_police", "services", "a foreign police service (kind foreign_police) of another country",
                ("modules/02-grade-sources", "modules/03-collate-records", "solutions/02-grade-sources",
                 "modules/12-exchange", "solutions/12-exchange", "solutions/14-capstone"), _foreign_police,
                ("foreign_police",)),
    Requirement("cross_border_route", "routes", "a route through a town of a neighbour (a country whose towns and "
                "numbering are listed): the cross-border cell lives there and the broker links it to the rest",
                ("modules/05-who-matters", "solutions/05-who-matters", "modules/09-mobile-money",
                 "solutions/09-mobile-money", "solutions/14-capstone"), _cross_border_route),
    Requirement("border_post", "posts", "a border post leading to a neighbour that a route reaches: the cell's "
                "members cross there, together, again and again",
                ("modules/04-association-chart", "solutions/04-association-chart", "modules/13-joint-team"),
                _border_post),
    Requirement("cell_police", "services", "a foreign police service (kind foreign_police) of a neighbour that a "
                "route and a border post reach: the cross-border cell lives there and the joint team reaches it "
                "through that service", ("modules/13-joint-team", "solutions/13-joint-team", "solutions/14-capstone"),
                _cell_police),
    Requirement("markets", "markets", "at least one market: test purchases are made there",
                ("modules/01-intelligence-cycle", "solutions/01-intelligence-cycle", "modules/14-capstone",
                 "solutions/14-capstone"), _markets),
    Requirement("pill_crime", "crimes", "a crime sold as pills (amphetamine_pills, tramadol or falsified_medicine): "
                "one network sells the 'anti-fatigue' pills of the test purchases",
                ("signal:falsified_medicine",), _pill_crime),
    Requirement("checkpoints", "posts", f"at least {CONVOY_MIN_CHECKPOINTS} checkpoints: the planted convoy passes "
                "them minutes apart", ("signal:convoy",), _checkpoints),
    Requirement("pill_route", "routes", "a route of the amphetamine pills (crime amphetamine_pills) that starts in "
                "another country and passes a town whose border post leads there: the pills' entry post",
                ("modules/08-flow-and-maps", "solutions/08-flow-and-maps"), _pill_route),
)


def _requirement_checks(d: dict) -> list[str]:
    return [line for r in REQUIREMENTS if (line := r.problem(d)) is not None]


def describe_schema(spec: Spec = PROFILE_SCHEMA, path: str = "") -> list[tuple[str, str, str]]:
    """(key path, type, meaning) for every key, for the generated documentation."""
    rows: list[tuple[str, str, str]] = []
    if isinstance(spec, Record):
        for k, sub in spec.fields.items():
            p = f"{path}.{k}" if path else k
            rows.append((p, sub.describe() + (" (optional)" if k in spec.optional else ""), sub.doc))
            rows.extend(describe_schema(sub, p))
    elif isinstance(spec, ListOf) and isinstance(spec.item, Record):
        rows.extend(describe_schema(spec.item, f"{path}[]"))
    return rows
