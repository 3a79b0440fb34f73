"""The `sahelkit` command line speaks the workshop's language, French unless SAHELKIT_LANG=en: help texts,
argparse's own words, usage errors, messages."""
from __future__ import annotations

import pytest

from sahelkit.cli import COMMANDS, main
from sahelkit.course import dictionary
from sahelkit.i18n import _

ARGPARSE_ENGLISH = ("usage:", "show this help", "positional arguments", "optional arguments", "error:", "options:")


def _help(capsys, argv: list[str]) -> str:
    """The help text, its lines joined (argparse wraps to the terminal's width)."""
    with pytest.raises(SystemExit) as stop:
        main([*argv, "-h"])
    assert stop.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def test_top_level_help_is_french(capsys):
    out = _help(capsys, [])
    assert out.startswith("utilisation : sahelkit [-h] COMMANDE ...")
    assert "Kit de formation" in out and "commandes :" in out and "afficher cette aide et quitter" in out
    assert [word for word in ARGPARSE_ENGLISH if word in out] == []
    assert [cmd.name for cmd in COMMANDS.values() if f"{cmd.name} {_(cmd.help)}" not in out] == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_s_help_is_french(capsys, name):
    out = _help(capsys, [name])
    assert out.startswith(f"utilisation : sahelkit {name} [-h]"), out
    assert "options :" in out and "afficher cette aide et quitter" in out
    assert [word for word in ARGPARSE_ENGLISH if word in out] == []


def test_the_kit_s_own_commands_name_their_values_in_french(capsys):
    assert "[--country PAYS] [--seed GRAINE]" in _help(capsys, ["generate"])
    assert "sahelkit check-data [-h] DOSSIER" in _help(capsys, ["check-data"])
    assert "code 1 si datasets/README.md ou datasets/LISEZMOI.md n'est pas à jour" in _help(capsys, ["data-readme"])


USAGE_ERRORS = {
    "no command": ([], "sahelkit : erreur : arguments obligatoires manquants : COMMANDE"),
    "unknown command": (["generer"], "sahelkit : erreur : COMMANDE : « generer » n'est pas un choix possible "
                                     "(choix : « generate », « check-data », « data-readme »"),
    "not a number": (["generate", "--calls", "beaucoup"],
                     "sahelkit generate : erreur : --calls : « beaucoup » n'est pas un nombre entier"),
    "option without its value": (["generate", "--seed"],
                                 "sahelkit generate : erreur : --seed : une valeur est attendue après cette option"),
    "missing folder": (["check-data"], "sahelkit check-data : erreur : arguments obligatoires manquants : DOSSIER"),
    "unknown option": (["data-readme", "--verifier"], "sahelkit : erreur : arguments inconnus : --verifier"),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_errors_are_french(capsys, case):
    argv, expected = USAGE_ERRORS[case]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("utilisation : sahelkit"), err
    assert expected in err, err


def test_data_readme_messages(capsys, monkeypatch, tmp_path):
    files = {"en": tmp_path / "README.md", "fr": tmp_path / "LISEZMOI.md"}
    files["en"].write_text("ancien\n", encoding="utf-8")
    monkeypatch.setattr(dictionary, "path", lambda lang: files[lang])
    monkeypatch.setattr(dictionary, "render", lambda lang="en": f"nouveau {lang}\n")
    assert main(["data-readme", "--check"]) == 1
    assert capsys.readouterr().err == "".join(f"{files[lang]} n'est pas à jour : lancez `sahelkit data-readme`\n"
                                              for lang in dictionary.LANGUAGES)
    assert main(["data-readme"]) == 0
    both = ", ".join(str(files[lang]) for lang in dictionary.LANGUAGES)
    assert capsys.readouterr().out == f"dictionnaire des données écrit : {both}\n"
    assert files["fr"].read_text(encoding="utf-8") == "nouveau fr\n"
    assert main(["data-readme", "--check"]) == 0
    assert capsys.readouterr().out == f"OK {both} : à jour\n"


def test_in_english_the_command_line_speaks_english(capsys, monkeypatch):
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    out = _help(capsys, [])
    assert out.startswith("usage: sahelkit [-h] COMMAND ...")
    assert "commands:" in out and "show this help message and exit" in out
    assert "grade a cohort with nbgrader" in out and "corriger" not in out
    assert "[--country COUNTRY] [--seed SEED]" in _help(capsys, ["generate"])
    with pytest.raises(SystemExit):
        main(["generate", "--calls", "many"])
    assert "sahelkit generate: error: argument --calls: invalid int value: “many”" in capsys.readouterr().err
