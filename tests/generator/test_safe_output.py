"""`sahelkit generate` never deletes what it did not make, and a coordinator's own folder opens
with the profile it was made from.

Every refusal is checked the same way: exit status 1, a message in the workshop's language (French
by default) naming what is there, and the folder (with everything beside it) byte-for-byte as it was.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import sahelkit
from sahelkit.cli import main
from sahelkit.generator import case as case_module
from sahelkit.generator.case import DEFAULT_SEED, WORKSHOP_CALLS
from sahelkit.generator.output import MARKER, PROFILE_COPY, manifest
from tests.helpers import COUNTRIES, REPO

DATASETS = REPO / "datasets"
CALLS = 600  # small cases: what is checked here is where files go, not what they hold


def _snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under root (hidden ones too), with the hash of each file's bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def niger_case(tmp_path_factory) -> Path:
    """A small generated Niger case, to copy into each test."""
    folder = tmp_path_factory.mktemp("made") / "niger"
    assert main(["generate", "--country", "niger", "--calls", str(CALLS), "--out", str(folder)]) == 0
    return folder


def _refused(out: Path, watch: Path, capsys, *expected: str) -> str:
    """Run generate into out; check it is refused, says `expected`, and leaves `watch` untouched."""
    before = _snapshot(watch)
    assert main(["generate", "--country", "niger", "--calls", str(CALLS), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert _snapshot(watch) == before
    assert "Rien n'a été modifié" in err
    for text in expected:
        assert text in err, err
    return err


def test_a_refusal_reads_in_english_on_request(tmp_path, monkeypatch):
    """SAHELKIT_LANG=en: the same refusal, the same folder named, in English; nothing written."""
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(case_module.output.OutputRefused) as err:
        case_module.generate("niger", calls=CALLS, out=target)
    shown = case_module.output.shown
    assert str(err.value) == (f"{shown(target)} is a file, not a folder: --out expects the folder of a case (new, "
                              f"empty or generated earlier), for example --out {shown(tmp_path / 'niger')}. "
                              "Nothing was changed.")
    assert target.read_text(encoding="utf-8") == "mine" and sorted(tmp_path.iterdir()) == [target]


def test_a_folder_of_cases_is_refused(tmp_path, niger_case, capsys):
    cases = tmp_path / "cases"
    shutil.copytree(niger_case, cases / "niger")
    shutil.copytree(DATASETS / "profiles", cases / "profiles")
    _refused(cases, tmp_path, capsys, "dossier de cas", "niger/", "profiles/", "SAHELKIT_DATA")


def test_a_folder_holding_only_profiles_is_refused(tmp_path, capsys):
    shutil.copytree(DATASETS / "profiles", tmp_path / "mine" / "profiles")
    _refused(tmp_path / "mine", tmp_path, capsys, "dossier de cas", "profiles/")


def test_the_repository_datasets_folder_is_refused(capsys):
    _refused(DATASETS, DATASETS, capsys, "dossier de cas", "mali/", "--out")


def test_an_existing_file_is_refused(tmp_path, capsys):
    (tmp_path / "niger.csv").write_text("id\n1\n", encoding="utf-8")
    _refused(tmp_path / "niger.csv", tmp_path, capsys, "est un fichier")


def test_a_symbolic_link_is_refused(tmp_path, niger_case, capsys):
    shutil.copytree(niger_case, tmp_path / "real")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    _refused(tmp_path / "link", tmp_path, capsys, "lien symbolique")


def test_a_folder_with_other_files_is_refused(tmp_path, capsys):
    scratch = tmp_path / "scratch"
    (scratch / "photos").mkdir(parents=True)
    (scratch / "notes.txt").write_text("à garder\n", encoding="utf-8")
    (scratch / "photos" / "a.jpg").write_bytes(b"\xff\xd8\xff")
    _refused(scratch, tmp_path, capsys, "notes.txt", "photos/", MARKER)


def test_a_generated_case_with_added_files_is_refused(tmp_path, niger_case, capsys):
    folder = tmp_path / "niger"
    shutil.copytree(niger_case, folder)
    (folder / "truth" / "my-notes.md").write_text("hypothèses\n", encoding="utf-8")
    _refused(folder, tmp_path, capsys, "truth/my-notes.md", "déplacez-les")


def test_a_broken_marker_is_not_ours(tmp_path, niger_case, capsys):
    folder = tmp_path / "niger"
    shutil.copytree(niger_case, folder)
    (folder / MARKER).write_text("{ pas du json", encoding="utf-8")
    _refused(folder, tmp_path, capsys, f"pas de {MARKER} valide")


def test_a_folder_inside_a_case_is_refused(tmp_path, niger_case, capsys):
    shutil.copytree(niger_case, tmp_path / "niger")
    _refused(tmp_path / "niger" / "again", tmp_path, capsys, "à l'intérieur du cas")


def test_the_folder_the_terminal_is_in_is_not_replaced(tmp_path, niger_case, monkeypatch, capsys):
    shutil.copytree(niger_case, tmp_path / "niger")
    monkeypatch.chdir(tmp_path / "niger" / "extracts")
    _refused(tmp_path / "niger", tmp_path, capsys, "le terminal est placé dans", f"cd {tmp_path}")


def test_a_generated_case_is_replaced_and_nothing_is_left_beside(tmp_path, niger_case, capsys):
    folder = tmp_path / "niger"
    shutil.copytree(niger_case, folder)
    assert main(["generate", "--country", "niger", "--calls", "700", "--out", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "cas généré dans" in out and "(700 appels)" in out
    assert json.loads((folder / MARKER).read_text(encoding="utf-8"))["calls"] == 700
    assert [p.name for p in tmp_path.iterdir()] == ["niger"]


def test_an_empty_folder_is_used(tmp_path, capsys):
    (tmp_path / "niger").mkdir()
    assert main(["generate", "--country", "niger", "--calls", str(CALLS), "--out", str(tmp_path / "niger")]) == 0
    assert (tmp_path / "niger" / MARKER).exists()
    assert f"({CALLS} appels)" in capsys.readouterr().out


def test_a_case_written_before_the_marker_is_replaced_once(tmp_path, niger_case):
    folder = tmp_path / "niger"
    shutil.copytree(niger_case, folder)
    (folder / MARKER).unlink()
    (folder / PROFILE_COPY).unlink()
    assert main(["generate", "--country", "niger", "--calls", str(CALLS), "--out", str(folder)]) == 0
    assert (folder / MARKER).exists()


def test_a_failure_midway_keeps_the_old_case(tmp_path, niger_case, monkeypatch):
    folder = tmp_path / "niger"
    shutil.copytree(niger_case, folder)
    before = _snapshot(tmp_path)
    real = case_module.write_case

    def write_then_fail(tables, where, *args, **kwargs):
        real(dict(list(tables.items())[:3]), where, *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(case_module, "write_case", write_then_fail)
    with pytest.raises(OSError, match="No space left"):
        case_module.generate("niger", calls=700, out=folder)
    assert _snapshot(tmp_path) == before


def test_a_file_put_in_the_case_while_generating_is_kept(tmp_path, niger_case, monkeypatch, capsys):
    folder = tmp_path / "niger"
    shutil.copytree(niger_case, folder)
    real = case_module.write_case

    def write_while_someone_saves_notes(tables, where, *args, **kwargs):
        (folder / "notes.txt").write_text("écrit pendant la génération\n", encoding="utf-8")
        return real(tables, where, *args, **kwargs)

    monkeypatch.setattr(case_module, "write_case", write_while_someone_saves_notes)
    assert main(["generate", "--country", "niger", "--calls", "700", "--out", str(folder)]) == 1
    assert "notes.txt" in capsys.readouterr().err
    after = _snapshot(folder)
    assert after.pop("notes.txt") and after == _snapshot(niger_case)
    assert [p.name for p in tmp_path.iterdir()] == ["niger"]


def test_a_failed_swap_puts_the_old_case_back(tmp_path, niger_case, monkeypatch):
    folder = tmp_path / "niger"
    shutil.copytree(niger_case, folder)
    before = _snapshot(tmp_path)
    real = Path.rename

    def rename(self, target):
        if ".sahelkit-tmp-" in self.name:
            raise OSError(16, "Device or resource busy")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="busy"):
        case_module.generate("niger", calls=700, out=folder)
    assert _snapshot(tmp_path) == before


def test_a_temporary_folder_that_is_not_ours_is_kept(tmp_path, niger_case):
    shutil.copytree(niger_case, tmp_path / "niger")
    for name in (".niger.tmp", ".niger.sahelkit-tmp-0000abcd"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text(name, encoding="utf-8")
    theirs = {p.name: _snapshot(p) for p in tmp_path.glob(".niger*")}
    assert main(["generate", "--country", "niger", "--calls", "700", "--out", str(tmp_path / "niger")]) == 0
    assert {p.name: _snapshot(p) for p in tmp_path.glob(".niger*")} == theirs


# --------------------------------------------------------------------------- a coordinator's own folder
def _renamed_town_profile(tmp_path: Path) -> Path:
    """Niger's profile with a town renamed everywhere (towns, routes, markets...)."""
    text = (DATASETS / "profiles" / "niger.yaml").read_text(encoding="utf-8")
    assert "Tessaoua" in text and "Tanout" not in text
    path = tmp_path / "mon-niger.yaml"
    path.write_text(text.replace("Tessaoua", "Tanout"), encoding="utf-8")
    return path


def test_a_coordinators_folder_opens_with_its_own_profile(tmp_path, monkeypatch, capsys):
    profile = _renamed_town_profile(tmp_path)
    data = tmp_path / "atelier" / "donnees"
    monkeypatch.setenv("SAHELKIT_DATA", str(data))
    monkeypatch.delenv("SAHELKIT_COUNTRY", raising=False)
    assert main(["generate", "--profile", str(profile), "--calls", str(CALLS)]) == 0
    out = capsys.readouterr().out
    assert f"SAHELKIT_DATA={data}" in out
    assert (data / "niger" / PROFILE_COPY).read_bytes() == profile.read_bytes()
    towns = {t["name"] for t in sahelkit.load().profile["towns"]}
    assert "Tanout" in towns and "Tessaoua" not in towns
    note = (data / "niger" / "FICTITIOUS.txt").read_text(encoding="utf-8")
    assert str(profile.resolve()) in note and "datasets/profiles" not in note
    assert json.loads((data / "niger" / MARKER).read_text(encoding="utf-8"))["profile"] == str(profile.resolve())


def test_the_case_copy_of_the_profile_comes_before_profiles_beside_it(tmp_path, monkeypatch):
    profile = _renamed_town_profile(tmp_path)
    data = tmp_path / "donnees"
    assert main(["generate", "--profile", str(profile), "--calls", str(CALLS), "--out", str(data / "niger")]) == 0
    shutil.copytree(DATASETS / "profiles", data / "profiles")
    monkeypatch.setenv("SAHELKIT_DATA", str(data))
    assert "Tanout" in {t["name"] for t in sahelkit.load("niger").profile["towns"]}


@pytest.mark.parametrize("given_as", ["environment", "make argument"])
def test_make_hands_notebooks_an_absolute_data_folder(tmp_path, given_as):
    """Each notebook runs in its own folder, so `make lab` must pass SAHELKIT_DATA as an absolute path."""
    env = {k: v for k, v in os.environ.items() if k != "SAHELKIT_DATA"}
    extra = ["SAHELKIT_DATA=atelier/donnees"]
    if given_as == "environment":
        env["SAHELKIT_DATA"], extra = "atelier/donnees", []
    show = ["--eval", 'show-data: ; @echo "$$SAHELKIT_DATA"', "show-data"]
    proc = subprocess.run(["make", "-s", "-f", str(REPO / "Makefile"), *show, *extra], cwd=tmp_path, env=env,
                          text=True, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "atelier" / "donnees")


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_cases_carry_their_marker_and_profile(country):
    folder = DATASETS / country
    profile = (DATASETS / "profiles" / f"{country}.yaml").read_bytes()
    assert (folder / PROFILE_COPY).read_bytes() == profile
    present = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MARKER]
    expected = manifest(country, f"datasets/profiles/{country}.yaml", hashlib.sha256(profile).hexdigest(),
                        DEFAULT_SEED, WORKSHOP_CALLS, present)
    assert (folder / MARKER).read_text(encoding="utf-8") == expected, f"sahelkit generate --country {country}"
    assert f"from datasets/profiles/{country}.yaml" in (folder / "FICTITIOUS.txt").read_text(encoding="utf-8")
