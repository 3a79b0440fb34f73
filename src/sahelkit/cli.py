"""The `sahelkit` command line.

Each subcommand is one function taking the parsed arguments and returning an exit code, plus
one `register(...)` line naming it, its help and its arguments (see `grade` and `bundle` below).
Coordinators and trainers read it in French: help texts, messages, and argparse's own words
(usage, section titles, -h, usage errors) through `FrenchParser`.

Heavy imports happen inside the functions so `sahelkit --help` stays instant.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass


# --------------------------------------------------------------------------- argparse in French
class _FrenchFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)

    def start_section(self, heading):
        super().start_section(f"{heading} " if heading else heading)  # "options :", French typography


def _quoted(text: str) -> str:
    """argparse shows values as Python reprs ('abc'); a coordinator reads « abc »."""
    return re.sub(r"'([^']*)'", r"« \1 »", text)


_USAGE_ERRORS = (  # the English usage errors of argparse (Python 3.11), in French; others pass as they are
    (r"the following arguments are required: (.*)", "arguments obligatoires manquants : {0}"),
    (r"unrecognized arguments: (.*)", "arguments inconnus : {0}"),
    (r"argument (.+?): invalid choice: (.*) \(choose from (.*)\)",
     "{0} : {1} n'est pas un choix possible (choix : {2})"),
    (r"argument (.+?): invalid int value: (.*)", "{0} : {1} n'est pas un nombre entier"),
    (r"argument (.+?): invalid float value: (.*)", "{0} : {1} n'est pas un nombre"),
    (r"argument (.+?): invalid (.*) value: (.*)", "{0} : valeur invalide {2}"),
    (r"argument (.+?): expected one argument", "{0} : une valeur est attendue après cette option"),
    (r"argument (.+?): expected at least one argument", "{0} : au moins une valeur est attendue après cette option"),
    (r"argument (.+?): not allowed with argument (.*)", "{0} : ne peut pas être donné avec {1}"),
    (r"argument (.+?): ignored explicit argument (.*)", "{0} : cette option ne prend pas de valeur ({1})"),
    (r"ambiguous option: (.*) could match (.*)", "option ambiguë : {0} peut désigner {1}"),
    (r"one of the arguments (.*) is required", "l'un de ces arguments est obligatoire : {0}"),
)


def french_usage_error(message: str) -> str:
    """An argparse usage error in French, values in guillemets; a message it does not know is kept."""
    for pattern, french in _USAGE_ERRORS:
        m = re.fullmatch(pattern, message)
        if m:
            return french.format(*map(_quoted, m.groups()))
    return message


class FrenchParser(argparse.ArgumentParser):
    """ArgumentParser whose own words (usage, section titles, -h, usage errors) are French."""

    def __init__(self, *args, add_help: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", _FrenchFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {french_usage_error(message)}\n")


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def register(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None],
             run: Callable[[argparse.Namespace], int]) -> None:
    """Add a subcommand (call at import time of this module or of a module it imports)."""
    COMMANDS[name] = Command(name, help, arguments, run)


# --------------------------------------------------------------------------- generate
def _generate_args(p: argparse.ArgumentParser) -> None:
    from .countries import country_help

    p.add_argument("--country", metavar="PAYS", help=country_help())
    p.add_argument("--seed", type=int, default=2026, metavar="GRAINE", help="graine aléatoire (2026 par défaut)")
    p.add_argument("--calls", type=int, default=30_000, metavar="APPELS",
                   help="nombre d'appels (30 000 par défaut, la taille de l'atelier)")
    p.add_argument("--profile", metavar="PROFIL",
                   help="profil YAML à utiliser au lieu de datasets/profiles/<pays>.yaml")
    p.add_argument("--out", metavar="DOSSIER",
                   help="le dossier du cas, nouveau, vide ou déjà généré (par défaut $SAHELKIT_DATA/<pays>, sinon "
                        "datasets/<pays>) ; jamais un dossier qui contient plusieurs cas")


def _generate(args: argparse.Namespace) -> int:
    from .countries import UnknownCountryError
    from .generator import generate
    from .generator.output import OutputRefused, shown
    from .profiles import ProfileError

    if not args.country and not args.profile:
        print("sahelkit generate : indiquez le pays (--country niger) ou un profil (--profile mon-pays.yaml)",
              file=sys.stderr)
        return 2
    if args.calls < 1:
        print(f"sahelkit generate : --calls doit valoir au moins 1 (reçu {args.calls})", file=sys.stderr)
        return 2
    try:
        folder = generate(args.country, seed=args.seed, calls=args.calls, profile_file=args.profile, out=args.out)
    except (ProfileError, UnknownCountryError, OutputRefused, ValueError) as e:
        print(f"sahelkit generate : {e}", file=sys.stderr)
        return 1
    print(f"cas généré dans {shown(folder)} ({args.calls:,} appels)".replace(",", " "))
    print(_how_to_open(folder))
    return 0


def _how_to_open(folder) -> str:
    """How the notebooks reach this case: `load()` reads $SAHELKIT_DATA/<country>, so say which value to give."""
    import json

    from .generator.output import MARKER, shown
    from .paths import DATASETS

    slug = json.loads((folder / MARKER).read_text(encoding="utf-8"))["country"]
    folder = folder.resolve()
    if folder.name != slug:
        return (f"Les notebooks lisent le dossier SAHELKIT_DATA/{slug} : celui-ci, nommé {folder.name}, sert à "
                f"check-data ; pour l'ouvrir dans les notebooks, générez-le dans un dossier nommé {slug}.")
    if folder.parent == DATASETS.resolve():
        return f"Les notebooks l'ouvrent avec `SAHELKIT_COUNTRY={slug} make lab`."
    return f"Pour l'ouvrir dans les notebooks : SAHELKIT_DATA={shown(folder.parent)} SAHELKIT_COUNTRY={slug} make lab"


# --------------------------------------------------------------------------- check-data
def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar="DOSSIER",
                   help="le dossier d'un cas généré, ex. datasets/<pays> (son profil : profile.yaml dans ce dossier, "
                        "sinon le profil du pays dont il porte le nom)")


def _check(args: argparse.Namespace) -> int:
    from .course.checkdata import check_dataset, rows_at_fault

    problems = check_dataset(args.folder)
    for problem in problems:
        print(problem)
    if problems:
        files = len({p.file for p in problems})
        print(f"{args.folder} : {len(problems)} problème(s) dans {files} fichier(s) ; "
              f"{rows_at_fault(problems)} ligne(s) de données en défaut", file=sys.stderr)
        return 1
    print(f"OK {args.folder} : chaque table est conforme au schéma et au profil")
    return 0


# --------------------------------------------------------------------------- data-readme
def _readme_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true",
                   help="vérifier seulement : code 1 si datasets/README.md n'est pas à jour (rien n'est écrit)")


def _readme(args: argparse.Namespace) -> int:
    from .course import dictionary as readme

    if args.check:
        current = readme.README_PATH.read_text(encoding="utf-8") if readme.README_PATH.exists() else ""
        if current != readme.render():
            print(f"{readme.README_PATH} n'est pas à jour : lancez `sahelkit data-readme`", file=sys.stderr)
            return 1
        print(f"OK {readme.README_PATH} : à jour")
        return 0
    print(f"dictionnaire des données écrit : {readme.write()}")
    return 0


register("generate", "générer les données du cas d'un pays à partir de son profil", _generate_args, _generate)
register("check-data", "vérifier le dossier d'un cas : tables conformes au schéma, villes du profil (n'écrit rien)",
         _check_args, _check)
register("data-readme", "régénérer datasets/README.md (le dictionnaire des données)", _readme_args, _readme)


# --------------------------------------------------------------------------- grade, bundle
def _grade_args(p: argparse.ArgumentParser) -> None:
    from .grading import grade_arguments
    grade_arguments(p)


def _grade(args: argparse.Namespace) -> int:
    from .grading import run_grade
    return run_grade(args)


def _bundle_args(p: argparse.ArgumentParser) -> None:
    from .course.bundle import bundle_arguments
    bundle_arguments(p)


def _bundle(args: argparse.Namespace) -> int:
    from .course.bundle import run_bundle
    return run_bundle(args)


register("grade", "corriger une promotion avec nbgrader : retours, notes et rapport de cohorte", _grade_args, _grade)
register("bundle", "l'archive zip hors ligne d'un participant pour un pays (sans solutions ni vérité terrain)",
         _bundle_args, _bundle)


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(prog="sahelkit", description="Kit de formation à l'analyse du renseignement criminel "
                          "(G5 Sahel) : données de cas fictives, vérification, correction, archive des participants. "
                          "`sahelkit COMMANDE -h` décrit une commande.")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True, title="commandes")
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.arguments(p)
        p.set_defaults(_run=cmd.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args._run(args)


if __name__ == "__main__":
    sys.exit(main())
