"""The `sahelkit` command line.

Each subcommand is one function taking the parsed arguments and returning an exit code, plus
one `register(...)` line naming it, its help and its arguments (see `grade` and `bundle` below).
Coordinators and trainers read it in the workshop's language (sahelkit.i18n, French by default):
help texts, messages, and argparse's own words (usage, section titles, -h, usage errors) through
`KitParser`.

Heavy imports happen inside the functions so `sahelkit --help` stays instant.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from .i18n import N_, _, ngettext


# --------------------------------------------------------------------------- argparse in the workshop's language
class _KitFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

    def start_section(self, heading):
        # argparse writes "heading:"; French typography puts a space before the colon
        super().start_section(_("{heading}:").format(heading=heading)[:-1] if heading else heading)


def _quoted(text: str) -> str:
    """argparse shows values as Python reprs ('abc'); a coordinator reads « abc » (French) or “abc”."""
    return re.sub(r"'([^']*)'", lambda m: _("“{value}”").format(value=m.group(1)), text)


_USAGE_ERRORS = (  # the usage errors of argparse (Python 3.11), as messages; others pass as they are
    (r"the following arguments are required: (?P<arguments>.*)",
     N_("the following arguments are required: {arguments}")),
    (r"unrecognized arguments: (?P<arguments>.*)", N_("unrecognized arguments: {arguments}")),
    (r"argument (?P<argument>.+?): invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)",
     N_("argument {argument}: invalid choice: {value} (choose from {choices})")),
    (r"argument (?P<argument>.+?): invalid int value: (?P<value>.*)",
     N_("argument {argument}: invalid int value: {value}")),
    (r"argument (?P<argument>.+?): invalid float value: (?P<value>.*)",
     N_("argument {argument}: invalid float value: {value}")),
    (r"argument (?P<argument>.+?): invalid (?P<kind>.*) value: (?P<value>.*)",
     N_("argument {argument}: invalid {kind} value: {value}")),
    (r"argument (?P<argument>.+?): expected one argument", N_("argument {argument}: expected one argument")),
    (r"argument (?P<argument>.+?): expected at least one argument",
     N_("argument {argument}: expected at least one argument")),
    (r"argument (?P<argument>.+?): not allowed with argument (?P<other>.*)",
     N_("argument {argument}: not allowed with argument {other}")),
    (r"argument (?P<argument>.+?): ignored explicit argument (?P<value>.*)",
     N_("argument {argument}: ignored explicit argument {value}")),
    (r"ambiguous option: (?P<option>.*) could match (?P<matches>.*)",
     N_("ambiguous option: {option} could match {matches}")),
    (r"one of the arguments (?P<arguments>.*) is required", N_("one of the arguments {arguments} is required")),
)


def usage_error(message: str) -> str:
    """An argparse usage error in the workshop's language, values quoted; a message it does not know is kept."""
    for pattern, template in _USAGE_ERRORS:
        m = re.fullmatch(pattern, message)
        if m:
            return _(template).format(**{k: _quoted(v) for k, v in m.groupdict().items()})
    return message


class KitParser(argparse.ArgumentParser):
    """ArgumentParser whose own words (usage, section titles, -h, usage errors) are in the workshop's language."""

    def __init__(self, *args, add_help: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", _KitFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = _("arguments")
        self._optionals.title = _("options")
        if add_help:
            self.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, _("{prog}: error: {message}").format(prog=self.prog, message=usage_error(message)) + "\n")


@dataclass(frozen=True)
class Command:
    name: str
    help: str  # English message, shown through _()
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def register(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None],
             run: Callable[[argparse.Namespace], int]) -> None:
    """Add a subcommand (call at import time of this module or of a module it imports); `help` is an English
    message marked with N_(), translated when the parser is built."""
    COMMANDS[name] = Command(name, help, arguments, run)


# --------------------------------------------------------------------------- generate
def _generate_args(p: argparse.ArgumentParser) -> None:
    from .countries import country_help

    p.add_argument("--country", metavar=_("COUNTRY"), help=country_help())
    p.add_argument("--seed", type=int, default=2026, metavar=_("SEED"), help=_("random seed (2026 by default)"))
    p.add_argument("--calls", type=int, default=30_000, metavar=_("CALLS"),
                   help=_("number of calls (30 000 by default, the size of the workshop)"))
    p.add_argument("--profile", metavar=_("PROFILE"),
                   help=_("YAML profile to use instead of datasets/profiles/<country>.yaml"))
    p.add_argument("--out", metavar=_("FOLDER"),
                   help=_("the folder of the case, new, empty or already generated (by default "
                          "$SAHELKIT_DATA/<country>, else datasets/<country>); never a folder holding several cases"))


def _generate(args: argparse.Namespace) -> int:
    from .countries import UnknownCountryError
    from .generator import generate
    from .generator.output import OutputRefused, shown
    from .profiles import ProfileError

    if not args.country and not args.profile:
        print(_("sahelkit generate: name the country (--country niger) or a profile (--profile my-country.yaml)"),
              file=sys.stderr)
        return 2
    if args.calls < 1:
        print(_("sahelkit generate: --calls must be at least 1 (got {calls})").format(calls=args.calls),
              file=sys.stderr)
        return 2
    try:
        folder = generate(args.country, seed=args.seed, calls=args.calls, profile_file=args.profile, out=args.out)
    except (ProfileError, UnknownCountryError, OutputRefused, ValueError) as e:
        print(_("sahelkit generate: {error}").format(error=e), file=sys.stderr)
        return 1
    print(_("case generated in {folder} ({calls} calls)").format(folder=shown(folder),
                                                                 calls=f"{args.calls:,}".replace(",", " ")))
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
        return _("The notebooks read the folder SAHELKIT_DATA/{country}: this one, named {name}, serves check-data; "
                 "to open it in the notebooks, generate it into a folder named {country}.").format(
            country=slug, name=folder.name)
    if folder.parent == DATASETS.resolve():
        return _("The notebooks open it with {command}.").format(command=f"`SAHELKIT_COUNTRY={slug} make lab`")
    return _("To open it in the notebooks: {command}").format(
        command=f"SAHELKIT_DATA={shown(folder.parent)} SAHELKIT_COUNTRY={slug} make lab")


# --------------------------------------------------------------------------- check-data
def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar=_("FOLDER"),
                   help=_("the folder of a generated case, e.g. datasets/<country> (its profile: profile.yaml in this "
                          "folder, else the profile of the country it is named after)"))


def _check(args: argparse.Namespace) -> int:
    from .course.checkdata import check_dataset, rows_at_fault

    problems = check_dataset(args.folder)
    for problem in problems:
        print(problem)
    if problems:
        files = len({p.file for p in problems})
        rows = rows_at_fault(problems)
        print(_("{folder}: {problems}; {rows}").format(
            folder=args.folder,
            problems=ngettext("{n} problem in {files} file(s)", "{n} problems in {files} file(s)",
                              len(problems)).format(n=len(problems), files=files),
            rows=ngettext("{n} data row at fault", "{n} data rows at fault", rows).format(n=rows)), file=sys.stderr)
        return 1
    print(_("OK {folder}: every table conforms to the schema and the profile").format(folder=args.folder))
    return 0


# --------------------------------------------------------------------------- data-readme
def _readme_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true",
                   help=_("check only: code 1 if datasets/README.md or datasets/LISEZMOI.md is not up to date "
                          "(nothing is written)"))


def _readme(args: argparse.Namespace) -> int:
    from .course import dictionary as readme

    if args.check:
        stale = readme.stale()
        for path in stale:
            print(_("{path} is not up to date: run {command}").format(path=path, command="`sahelkit data-readme`"),
                  file=sys.stderr)
        if stale:
            return 1
        print(_("OK {path}: up to date").format(path=", ".join(str(readme.path(lang)) for lang in readme.LANGUAGES)))
        return 0
    readme.write()
    print(_("data dictionary written: {path}").format(
        path=", ".join(str(readme.path(lang)) for lang in readme.LANGUAGES)))
    return 0


register("generate", N_("generate the case data of a country from its profile"), _generate_args, _generate)
register("check-data", N_("check the folder of a case: tables conform to the schema, towns of the profile (writes "
                          "nothing)"), _check_args, _check)
register("data-readme", N_("regenerate the data dictionary: datasets/README.md (English) and datasets/LISEZMOI.md "
                            "(French)"), _readme_args, _readme)


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


register("grade", N_("grade a cohort with nbgrader: feedback, grades and cohort report"), _grade_args, _grade)
register("bundle", N_("a participant's offline zip archive for one country (no solutions, no ground truth)"),
         _bundle_args, _bundle)


def _translate_args(p: argparse.ArgumentParser) -> None:
    from .course.translate import translate_arguments
    translate_arguments(p)


def _translate(args: argparse.Namespace) -> int:
    from .course.translate import run_translate
    return run_translate(args)


register("translate", N_("the English notebooks: update their catalogues from the French notebooks, build them, "
                         "check them (CONTRIBUTING.md)"), _translate_args, _translate)


def build_parser() -> argparse.ArgumentParser:
    command = _("COMMAND")
    parser = KitParser(prog="sahelkit", description=_(
        "Criminal intelligence analysis training kit (G5 Sahel): fictitious case data, checking, grading, "
        "participants' archive. {usage} describes a command.").format(usage=f"`sahelkit {command} -h`"))
    sub = parser.add_subparsers(dest="command", metavar=command, required=True, title=_("commands"))
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=_(cmd.help), description=_(cmd.help))
        cmd.arguments(p)
        p.set_defaults(_run=cmd.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args._run(args)


if __name__ == "__main__":
    sys.exit(main())
