"""The language of everything the kit's code says to a person: French by default, English on request.

A workshop runs wholly in one language, chosen once like the country: `SAHELKIT_LANG=en`
(`make lab LANG=en`, the hub's setting and `sahelkit bundle --lang en` set it). Messages are
written in English in the code and wrapped in `_()` (or `ngettext()` when they count something);
their French lives in the gettext catalogue src/sahelkit/locale/fr/LC_MESSAGES/sahelkit.po, kept
with Babel (`make messages` extracts the messages and updates the catalogue; a changed English
message comes back marked fuzzy, its old text kept, until a translator checks it).
tests/test_i18n.py fails when a message has no French or a French translation is fuzzy.

Format after translating, never before: `_("No file {path}").format(path=path)`, so that the
catalogue holds one message whatever the path (an f-string cannot be looked up).
"""
from __future__ import annotations

import contextlib
import functools
import gettext
import os
from pathlib import Path

ENV = "SAHELKIT_LANG"
LANGUAGES = ("fr", "en")
DEFAULT = "fr"
DOMAIN = "sahelkit"
LOCALE_DIR = Path(__file__).parent / "locale"


class LanguageError(ValueError):
    """SAHELKIT_LANG names a language the kit does not have."""


def language() -> str:
    """The workshop's language: SAHELKIT_LANG ("fr" or "en"), French when unset or empty."""
    lang = os.environ.get(ENV, "").strip().lower() or DEFAULT
    if lang not in LANGUAGES:
        # Said in both languages: the reader's language is exactly what we do not know.
        raise LanguageError(
            f"{ENV}={lang!r} : langue inconnue, choisissez fr ou en. / "
            f"unknown language, choose fr or en."
        )
    return lang


@contextlib.contextmanager
def speaking(lang: str):
    """Everything said inside the `with` is in `lang` (a bundle made in English by a French trainer),
    then the language is what it was."""
    before = os.environ.get(ENV)
    os.environ[ENV] = lang
    try:
        language()
        yield lang
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _translations(lang: str) -> tuple[dict, object]:
    """msgid -> msgstr for one language, and its plural rule ({} for English, the code's language).

    The .po file is read directly (with Babel, already a dependency of JupyterLab): no compiled
    .mo file to keep in step. Fuzzy and empty translations are left out, so the English shows
    rather than a wrong French.
    """
    if lang == "en":
        return {}, None
    from babel.messages.pofile import read_po

    with open(catalogue_path(lang), "rb") as f:
        catalog = read_po(f)
    done = {m.id: m.string for m in catalog if m.id and not m.fuzzy and m.string and all(m.string)}
    return done, gettext.c2py(catalog.plural_expr)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined (a table of texts); `_()` translates it
    where it is shown, in the language of that moment."""
    return message


def _(message: str) -> str:
    """`message` (English) in the workshop's language."""
    return _translations(language())[0].get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a counted message, in the workshop's language."""
    done, plural_of = _translations(language())
    forms = done.get((singular, plural))
    if forms:
        return forms[plural_of(n)]  # the catalogue's Plural-Forms: French uses the singular for 0 and 1
    return singular if n == 1 else plural
