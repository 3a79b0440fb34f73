"""The trainers' guides (trainers/fr/*.md, trainers/en/*.md) can be followed as written: their
links lead somewhere, their `sahelkit` commands are accepted by the command line, the schedule
gives each module the time its notebook states, and the two languages say the same thing: each
guide exists in both, with the same sections, commands, tables and links.
"""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from sahelkit.cli import build_parser
from tests.helpers import MODULES, REPO

LANGUAGES = ("fr", "en")
GUIDES = sorted(path for lang in LANGUAGES for path in (REPO / "trainers" / lang).glob("*.md"))
GUIDE_NAMES = sorted({path.name for path in GUIDES})
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
MINUTES = re.compile(r"^(\d+) min$")
# The words each language's schedule uses around the modules of week 1.
SCHEDULE_WORDS = {
    "fr": {"week": "## Semaine 1", "review": "### La revue du matin", "teaching": " : enseignement",
           "exercise": "exercice", "to_come": "à venir", "title": "title"},
    "en": {"week": "## Week 1", "review": "### The morning review", "teaching": ": teaching",
           "exercise": "exercise", "to_come": "to come", "title": "title_en"},
}


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m) for m in re.findall(r"^#+ (.+)$", text, re.M)}


def _links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


def broken_links(path: Path) -> list[str]:
    """Each relative link of a guide whose file, or heading in a Markdown file, does not exist."""
    broken = []
    for target in _links(path):
        file, _, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        rel = resolved.relative_to(REPO).as_posix() if resolved.is_relative_to(REPO) else str(resolved)
        if not resolved.exists():
            broken.append(f"{target}: no file {rel}")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target}: no heading #{anchor} in {rel}")
    return broken


@pytest.mark.parametrize("guide", GUIDES, ids=_id)
def test_every_relative_link_resolves(guide: Path):
    assert _links(guide) or guide.name not in ("README.md", "schedule.md"), "the guide should link its pages"
    assert broken_links(guide) == []


def test_a_broken_link_is_found(tmp_path, monkeypatch):
    page = REPO / "trainers" / "fr" / "schedule.md"
    fake = tmp_path / "trainers" / "fr" / "page.md"
    fake.parent.mkdir(parents=True)
    fake.write_text("[a](schedule.md) [b](nowhere.md) [c](grading.md#no-such-part)\n# Un titre\n"
                    "[e](#un-titre) [f](https://example.org/x.md) [g](../../LISEZMOI.md) [h](../LISEZMOI.md)",
                    encoding="utf-8")
    monkeypatch.setattr("tests.test_trainer_guides.REPO", tmp_path)
    (tmp_path / "trainers" / "fr" / "schedule.md").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "trainers" / "fr" / "grading.md").write_text("# Autre chose\n", encoding="utf-8")
    assert broken_links(fake) == ["nowhere.md: no file trainers/fr/nowhere.md",
                                  "grading.md#no-such-part: no heading #no-such-part in trainers/fr/grading.md",
                                  "../../LISEZMOI.md: no file LISEZMOI.md",
                                  "../LISEZMOI.md: no file trainers/LISEZMOI.md"]


def _commands(path: Path) -> list[str]:
    """The `sahelkit` command lines of a guide: in code blocks, and in inline code that gives options."""
    text = path.read_text(encoding="utf-8")
    lines = []  # (line, fewest words): a code block's line is a command; inline code, if it gives options
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        block = block.replace("\\\n", " ")  # a command continued on the next line is one command
        lines += [(line.strip().removeprefix("$ "), 2) for line in block.splitlines()]
    inline = re.findall(r"`([^`]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    lines += [(" ".join(span.split()), 3) for span in inline]
    found = []
    for line, fewest in lines:
        words = shlex.split(line, comments=True) if "sahelkit " in line else []
        while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):  # VARIABLE=value before the command
            words.pop(0)
        message = words[2:3] == [":"] or bool(words[1:2]) and words[1].endswith(":")  # a message, not a command
        if len(words) >= fewest and words[0] == "sahelkit" and not message and "..." not in words and "…" not in words:
            found.append(shlex.join(words))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sahelkit_command_in_the_guides_is_accepted(lang: str):
    commands = [c for guide in GUIDES if guide.parent.name == lang for c in _commands(guide)]
    assert any(c.startswith("sahelkit grade ") for c in commands) and any(c.startswith("sahelkit bundle ")
                                                                          for c in commands)
    parser = build_parser()
    for command in commands:
        try:
            parser.parse_args(shlex.split(command)[1:])
        except SystemExit as exit:
            pytest.fail(f"the command line refuses `{command}` (exit {exit.code})")


def _week_one(lang: str) -> str:
    """Week 1's day tables in the schedule of one language: from its heading to the morning review."""
    words = SCHEDULE_WORDS[lang]
    text = (REPO / "trainers" / lang / "schedule.md").read_text(encoding="utf-8")
    return text.split(words["week"], 1)[1].split(words["review"], 1)[0]


def _week_one_rows(lang: str) -> list[tuple[int | None, str]]:
    """(minutes or None, activity) for each row of week 1's day tables in the schedule."""
    week = _week_one(lang)
    rows = []
    for line in week.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"\d\d:\d\d", cells[0]):
            minutes = MINUTES.match(cells[1])
            rows.append((int(minutes.group(1)) if minutes else None, cells[2]))
    return rows


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("notebook", MODULES, ids=lambda p: p.stem)
def test_the_schedule_gives_each_module_its_notebook_s_time(notebook: Path, lang: str):
    meta = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["sahelkit"]
    words = SCHEDULE_WORDS[lang]
    number = notebook.name[:2]
    rows = _week_one_rows(lang)
    slot = f"module {number} *{meta[words['title']]}*{words['teaching']}"
    teaching = [m for m, what in rows if what.startswith(slot)]
    want, practise = meta["teaching_minutes"], meta["practice_minutes"]
    assert teaching == [want], f"{lang}, module {number}: one teaching slot « {slot} » of {want} min, not {teaching}"
    practice = [m for m, what in rows if what.startswith(f"{words['exercise']} {number}")]
    assert sum(practice) == practise, f"{lang}, exercise {number}: {practice} min instead of {practise}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_one_has_no_module_to_come_and_no_two_slots_at_once(lang: str):
    """Every module of week 1 exists (no "(à venir)" / "(to come)" left), and each day's slots follow
    one another: a slot ends before the next begins (times of day, durations in minutes)."""
    week = _week_one(lang)
    assert SCHEDULE_WORDS[lang]["to_come"] not in week
    for day in week.split("\n### ")[1:]:
        slots = []
        for line in day.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 3 and re.fullmatch(r"\d\d:\d\d", cells[0]) and MINUTES.match(cells[1]):
                hours, minutes = map(int, cells[0].split(":"))
                slots.append((hours * 60 + minutes, int(MINUTES.match(cells[1]).group(1)), cells[2][:40]))
        assert slots, day.splitlines()[0]
        for (start, length, what), (after, _, then) in zip(slots, slots[1:]):
            assert start + length <= after, f"{day.splitlines()[0]}: « {what} » runs into « {then} »"


def _outline(path: Path) -> dict[str, list]:
    """What must be the same in both languages of a guide: the levels of its headings in order, the
    command lines of its code blocks in order (comments dropped, <placeholders> blanked), the number of
    its table rows, and its links' targets, with the guide's own language and root page made neutral."""
    text = path.read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    commands = []
    for kind, block in re.findall(r"```([a-z]*)\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if kind == "sh" or line.startswith("$ "):
                line = re.sub(r"<[^>]*>", "<>", re.sub(r"(^|\s)#.*$", "", line))
                commands.append(" ".join(line.split()))
    lang = path.parent.name
    own = {"trainers/" + lang + "/": "trainers/<lang>/", {"fr": "LISEZMOI.md", "en": "README.md"}[lang]: "<root>"}
    links = []
    for target in _links(path):
        file = target.partition("#")[0]  # anchors are headings, in each guide's own language
        resolved = (path.parent / file).resolve() if file else path
        rel = resolved.relative_to(REPO).as_posix() if resolved.is_relative_to(REPO) else str(resolved)
        for mine, neutral in own.items():
            if rel == mine or mine.endswith("/") and rel.startswith(mine):
                rel = neutral + rel[len(mine):]
        links.append(rel)
    return {"heading levels": [len(h) for h in re.findall(r"^(#+) ", prose, re.M)],
            "code blocks": [len(re.findall(r"```[a-z]*\n", text))],
            "command lines": [c for c in commands if c],
            "table rows": [sum(1 for line in prose.splitlines() if line.lstrip().startswith("|"))],
            "links": sorted(links)}


def differences(french: Path, english: Path) -> list[str]:
    """Each part of the outline in which the English version of a guide differs from the French one."""
    fr, en = _outline(french), _outline(english)
    return [f"{part}: fr {fr[part]} / en {en[part]}" for part in fr if fr[part] != en[part]]


def test_each_guide_exists_in_both_languages():
    names = {lang: sorted(p.name for p in GUIDES if p.parent.name == lang) for lang in LANGUAGES}
    assert "README.md" in names["fr"] and "schedule.md" in names["fr"]
    assert names["en"] == names["fr"]


@pytest.mark.parametrize("name", GUIDE_NAMES)
def test_both_languages_of_a_guide_have_the_same_sections(name: str):
    french, english = (REPO / "trainers" / lang / name for lang in LANGUAGES)
    assert french.exists() and english.exists(), f"{name}: one language is missing"
    assert differences(french, english) == []


def test_a_difference_between_the_two_languages_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_trainer_guides.REPO", tmp_path)
    fr, en = tmp_path / "trainers" / "fr" / "g.md", tmp_path / "trainers" / "en" / "g.md"
    fr.parent.mkdir(parents=True)
    en.parent.mkdir(parents=True)
    fr.write_text("# Titre\n## Partie\n[a](grading.md#x) [b](../../LISEZMOI.md)\n| a |\n|---|\n"
                  "```sh\nsahelkit grade 00 --submissions <dossier>  # le soir\n```\n", encoding="utf-8")
    en.write_text("# Title\n## Part\n[a](grading.md#y) [b](../../README.md)\n| a |\n|---|\n"
                  "```sh\nsahelkit grade 00 --submissions <folder>  # in the evening\n```\n", encoding="utf-8")
    assert differences(fr, en) == []
    en.write_text("# Title\n### Part\n[a](../fr/grading.md) [b](../../LISEZMOI.md)\n| a |\n"
                  "```sh\nsahelkit grade 01 --submissions <folder>\n```\n```\nout\n```\n", encoding="utf-8")
    assert [d.split(":")[0] for d in differences(fr, en)] == ["heading levels", "code blocks", "command lines",
                                                               "table rows", "links"]
