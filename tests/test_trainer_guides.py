"""The trainers' guides (trainers/*.md) can be followed as written: their links lead somewhere,
their `sahelkit` commands are accepted by the command line, and the schedule gives each module
the time its notebook states.
"""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from sahelkit.cli import build_parser
from tests.helpers import MODULES, REPO

GUIDES = sorted((REPO / "trainers").glob("*.md"))
# Written on other branches at the same time as the links to them (issue 12): a link to one of
# these exact files may wait for the merge; any other missing target is an error.
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
MINUTES = re.compile(r"^(\d+) min$")


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


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_relative_link_resolves(guide: Path):
    assert _links(guide) or guide.name not in ("README.md", "schedule.md"), "the guide should link its pages"
    assert broken_links(guide) == []


def test_a_broken_link_is_found(tmp_path, monkeypatch):
    page = REPO / "trainers" / "schedule.md"
    fake = tmp_path / "trainers" / "page.md"
    fake.parent.mkdir()
    fake.write_text("[a](schedule.md) [b](nowhere.md) [c](grading.md#no-such-part)\n# Un titre\n"
                    "[e](#un-titre) [f](https://example.org/x.md)", encoding="utf-8")
    monkeypatch.setattr("tests.test_trainer_guides.REPO", tmp_path)
    (tmp_path / "trainers" / "schedule.md").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "trainers" / "grading.md").write_text("# Autre chose\n", encoding="utf-8")
    assert broken_links(fake) == ["nowhere.md: no file trainers/nowhere.md",
                                  "grading.md#no-such-part: no heading #no-such-part in trainers/grading.md"]


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
        if (len(words) >= fewest and words[0] == "sahelkit" and words[2:3] != [":"] and "..." not in words
                and "…" not in words):
            found.append(shlex.join(words))
    return found


def test_every_sahelkit_command_in_the_guides_is_accepted():
    commands = [c for guide in GUIDES for c in _commands(guide)]
    assert any(c.startswith("sahelkit grade ") for c in commands) and any(c.startswith("sahelkit bundle ")
                                                                          for c in commands)
    parser = build_parser()
    for command in commands:
        try:
            parser.parse_args(shlex.split(command)[1:])
        except SystemExit as exit:
            pytest.fail(f"the command line refuses `{command}` (exit {exit.code})")


def _week_one_rows() -> list[tuple[int | None, str]]:
    """(minutes or None, activity) for each row of week 1's day tables in the schedule."""
    text = (REPO / "trainers" / "schedule.md").read_text(encoding="utf-8")
    week = text.split("## Semaine 1", 1)[1].split("### La revue du matin", 1)[0]
    rows = []
    for line in week.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"\d\d:\d\d", cells[0]):
            minutes = MINUTES.match(cells[1])
            rows.append((int(minutes.group(1)) if minutes else None, cells[2]))
    return rows


@pytest.mark.parametrize("notebook", MODULES, ids=lambda p: p.stem)
def test_the_schedule_gives_each_module_its_notebook_s_time(notebook: Path):
    meta = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["sahelkit"]
    number = notebook.name[:2]
    rows = _week_one_rows()
    teaching = [m for m, what in rows if what.startswith(f"module {number} *{meta['title']}* : enseignement")]
    want, practise = meta["teaching_minutes"], meta["practice_minutes"]
    assert teaching == [want], f"module {number}: one teaching slot of {want} min, not {teaching}"
    practice = [m for m, what in rows if what.startswith(f"exercice {number}")]
    assert sum(practice) == practise, f"exercise {number}: {practice} min instead of {practise}"


def test_week_one_has_no_module_to_come_and_no_two_slots_at_once():
    """Every module of week 1 exists (no "(à venir)" left), and each day's slots follow one another:
    a slot ends before the next begins (times of day, durations in minutes)."""
    text = (REPO / "trainers" / "schedule.md").read_text(encoding="utf-8")
    week = text.split("## Semaine 1", 1)[1].split("### La revue du matin", 1)[0]
    assert "à venir" not in week
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
