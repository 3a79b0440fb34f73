"""README.md and LISEZMOI.md say the same thing in two languages: the same sections in the same
order, the same commands, the same tables and the same links, so that a section added to one and
forgotten in the other fails here.

Prose and `#` comments are translated, so they are not compared; what a reader runs or follows is.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.helpers import REPO, md_differences, md_headings, md_prose

PAIR = {"en": REPO / "README.md", "fr": REPO / "LISEZMOI.md"}
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
# Targets that differ by language by design: the guides' folder and each read-me's other language.
SAME_TARGET = (("trainers/fr/", "trainers/en/"), ("LISEZMOI.md", "README.md"))


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped (accents kept), spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def link_targets(text: str) -> Counter:
    """Every link's target, the language folders and read-me names made one, and a link to a
    heading of the same page replaced by that heading's place (its section number)."""
    places = {_slug(title): i for i, (_, title) in enumerate(md_headings(text))}
    targets = Counter()
    for target in LINK.findall(md_prose(text)):
        if target.startswith("#"):
            target = f"#section-{places.get(target[1:], 'missing:' + target)}"
        for theirs, ours in SAME_TARGET:
            target = target.replace(theirs, ours)
        targets[target] += 1
    return targets


def differences(en: str, fr: str) -> list[str]:
    """What README (en) and LISEZMOI (fr) do not share, one line each; empty when they match."""
    found = md_differences(en, fr)
    links_en, links_fr = link_targets(en), link_targets(fr)
    if links_en != links_fr:
        found.append(f"links only in README: {sorted((links_en - links_fr).elements())}; "
                     f"only in LISEZMOI: {sorted((links_fr - links_en).elements())}")
    return found


def _read(lang: str) -> str:
    return PAIR[lang].read_text(encoding="utf-8")


def test_readme_and_lisezmoi_have_the_same_sections():
    assert differences(_read("en"), _read("fr")) == []


def test_each_names_the_other_at_the_top():
    assert "Français : [LISEZMOI.md](LISEZMOI.md)" in "\n".join(_read("en").splitlines()[:4])
    assert "English: [README.md](README.md)" in "\n".join(_read("fr").splitlines()[:4])


@pytest.mark.parametrize("lang", sorted(PAIR))
def test_every_link_to_a_heading_of_the_page_lands(lang: str):
    assert "#section-missing:" not in " ".join(link_targets(_read(lang)))


@pytest.mark.parametrize("lang", sorted(PAIR))
def test_each_links_the_guides_of_its_own_language(lang: str):
    guides = {t for t in LINK.findall(_read(lang)) if t.startswith("trainers/")}
    assert guides and all(t.startswith(f"trainers/{lang}/") for t in guides), sorted(guides)


DRIFTS = {
    "a heading dropped": lambda t: t.replace("\n## Switch country\n", "\n", 1),
    "a heading's level changed": lambda t: t.replace("\n## Layout\n", "\n### Layout\n", 1),
    "a command changed": lambda t: t.replace("generate --country niger ", "generate --country mali ", 1),
    "a code block dropped": lambda t: t.replace("```sh\nSAHELKIT_COUNTRY=niger make lab\n```\n", "", 1),
    "a layout line dropped": lambda t: re.sub(r"^benchmarks/ .*\n", "", t, count=1, flags=re.M),
    "a table row dropped": lambda t: re.sub(r"^\| trainers \|.*\n", "", t, count=1, flags=re.M),
    "a link changed": lambda t: t.replace("(CONTRIBUTING.md)", "(CONTRIBUTE.md)", 1),
    "an anchor to another section": lambda t: t.replace("(#adapt-the-workshop-to-a-country)", "(#switch-country)", 1),
}


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_a_drift_between_the_two_is_found(drift: str):
    """Each kind of difference the comparison looks for is found when one read-me drifts."""
    en = _read("en")
    changed = DRIFTS[drift](en)
    assert changed != en, f"the README no longer holds what {drift!r} alters"
    assert differences(changed, _read("fr")) != []
