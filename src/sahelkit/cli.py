"""The `sahelkit` command line.

Each subcommand is one function taking the parsed arguments and returning an exit code, plus
one `register(...)` line naming it, its help and its arguments (see `grade` and `bundle` below).

Heavy imports happen inside the functions so `sahelkit --help` stays instant.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass


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

    p.add_argument("--country", help=country_help())
    p.add_argument("--seed", type=int, default=2026, help="graine aléatoire (2026 par défaut)")
    p.add_argument("--calls", type=int, default=30_000,
                   help="nombre d'appels (30 000 par défaut, la taille de l'atelier)")
    p.add_argument("--profile", help="profil YAML à utiliser au lieu de datasets/profiles/<pays>.yaml")
    p.add_argument("--out", help="le dossier du cas, nouveau, vide ou déjà généré (par défaut $SAHELKIT_DATA/<pays>, "
                                 "sinon datasets/<pays>) ; jamais un dossier qui contient plusieurs cas")


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
    p.add_argument("folder", help="le dossier d'un cas généré, ex. datasets/<pays> (son profil : profile.yaml dans "
                                  "ce dossier, sinon le profil du pays dont il porte le nom)")


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
    p.add_argument("--check", action="store_true", help="exit 1 if datasets/README.md is not up to date")


def _readme(args: argparse.Namespace) -> int:
    from .course import dictionary as readme

    if args.check:
        current = readme.README_PATH.read_text(encoding="utf-8") if readme.README_PATH.exists() else ""
        if current != readme.render():
            print(f"{readme.README_PATH} is out of date: run `sahelkit data-readme`", file=sys.stderr)
            return 1
        print(f"OK {readme.README_PATH}")
        return 0
    print(f"wrote {readme.write()}")
    return 0


register("generate", "generate a country's case data from its profile", _generate_args, _generate)
register("check-data", "validate a case data folder against the schema", _check_args, _check)
register("data-readme", "regenerate datasets/README.md (the data dictionary)", _readme_args, _readme)


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


register("grade", "grade a cohort with nbgrader: feedback, grades and the cohort report", _grade_args, _grade)
register("bundle", "a participant's offline zip for one country (no solutions, no truth)", _bundle_args, _bundle)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sahelkit", description="Sahel criminal-intelligence training kit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
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
