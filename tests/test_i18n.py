"""Every message the kit's code shows a person exists in French and English (src/sahelkit/i18n.py):
the French catalogue holds exactly the code's messages, each translated, none fuzzy, with the
same placeholders; and the language is chosen by SAHELKIT_LANG."""
from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sahelkit import i18n
from tests.helpers import REPO

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def code_messages() -> set:
    """The messages wrapped in _() or ngettext() in src/sahelkit, as Babel's extractor sees them."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(REPO / "src" / "sahelkit"):
        found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def catalogue():
    with open(i18n.catalogue_path("fr"), "rb") as f:
        return read_po(f)


def test_the_french_catalogue_holds_exactly_the_code_messages():
    in_catalogue = {m.id for m in catalogue() if m.id}
    missing = sorted(map(str, code_messages() - in_catalogue))
    obsolete = sorted(map(str, in_catalogue - code_messages()))
    assert not missing, f"messages with no French (run `make messages`, then translate): {missing[:10]}"
    assert not obsolete, f"French for messages the code no longer has (run `make messages`): {obsolete[:10]}"


def test_every_message_has_a_checked_french_translation():
    untranslated = [m.id for m in catalogue() if m.id and (not m.string or not all(m.string))]
    fuzzy = [m.id for m in catalogue() if m.id and m.fuzzy]
    assert not untranslated, f"no French yet: {untranslated[:10]}"
    assert not fuzzy, f"the English changed since its French was written (fuzzy): {fuzzy[:10]}"


def _names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_a_translation_keeps_the_placeholders_of_its_message():
    wrong = []
    for m in catalogue():
        if not m.id:
            continue
        if isinstance(m.id, str):
            if _names(m.id) != _names(m.string):
                wrong.append(m.id)
        else:  # plural: every French form names only the message's placeholders, the last all of the plural's
            allowed = _names(m.id[0]) | _names(m.id[1])
            if any(_names(s) - allowed for s in m.string) or _names(m.id[1]) - _names(m.string[-1]):
                wrong.append(m.id)
    assert not wrong, f"placeholders differ between a message and its French: {wrong[:5]}"


def test_the_language_is_french_unless_told(monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)
    assert i18n.language() == "fr"
    monkeypatch.setenv(i18n.ENV, " EN ")
    assert i18n.language() == "en"
    monkeypatch.setenv(i18n.ENV, "wolof")
    with pytest.raises(i18n.LanguageError, match="SAHELKIT_LANG='wolof'"):
        i18n.language()


def test_a_message_reads_in_the_chosen_language(monkeypatch):
    translated = [m for m in catalogue() if isinstance(m.id, str) and m.id and m.string and not m.fuzzy]
    if not translated:
        pytest.skip("the catalogue has no message yet")
    m = translated[0]
    monkeypatch.setenv(i18n.ENV, "fr")
    assert i18n._(m.id) == m.string
    monkeypatch.setenv(i18n.ENV, "en")
    assert i18n._(m.id) == m.id
