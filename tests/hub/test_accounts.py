"""The classroom's accounts: the roster's roles, first passwords and slips, and system users made and
removed by the server alone (never one it did not make)."""
from __future__ import annotations

import os
import re
import subprocess

import pytest

from sahelkit.grading.collect import TRAINER_ROLE, UsageError, read_people, read_roster
from sahelkit.hub import accounts as acc
from tests.helpers import root_or_skip

ROSTER = "identifiant;prenom;nom;service;role\n" \
         "aminata.traore;Aminata;Traoré;Douanes;\n" \
         "awa.diop;Awa;Diop;;formatrice\n" \
         "moussa.diallo;Moussa;Diallo;Gendarmerie;participant\n"


def write(tmp_path, text: str):
    path = tmp_path / "participants.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_trainers_are_on_the_roster_but_never_graded(tmp_path):
    roster = write(tmp_path, ROSTER)
    assert sorted(read_roster(roster)) == ["aminata.traore", "moussa.diallo"]
    people = read_people(roster)
    assert people["awa.diop"].role == TRAINER_ROLE and people["aminata.traore"].role == "participant"


def test_an_unknown_role_names_the_file_and_the_row(tmp_path):
    roster = write(tmp_path, ROSTER + "fatou.sow;Fatou;Sow;;chef\n")
    with pytest.raises(UsageError, match=r"participants\.csv, ligne 5 : rôle 'chef' inconnu"):
        read_people(roster)


def test_a_roster_without_a_trainer_or_with_a_bad_login_is_refused(tmp_path):
    with pytest.raises(acc.AccountError, match="aucun formateur"):
        acc.roster_people(write(tmp_path, "identifiant;prenom\naminata.traore;Aminata\n"))
    with pytest.raises(acc.AccountError, match="ligne 3 .* 2024.agent"):
        acc.roster_people(write(tmp_path, "identifiant;role\nawa;formateur\n2024 agent;\n"))


def test_first_passwords_are_easy_to_copy_and_the_slips_name_everyone(tmp_path):
    passwords = {acc.new_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", p) and not set(p) & set("01ilo")
               for p in passwords)
    people = {"aminata.traore": acc.Account("aminata.traore", "Aminata Traoré", "participant", "abcd-efgh-jkmn"),
              "awa.diop": acc.Account("awa.diop", "Awa Diop", TRAINER_ROLE, "pqrs-tuvw-xyz2")}
    slips = acc.write_slips(tmp_path / "fiches.html", people, "http://192.168.1.10:8000/", "sahel-ci").read_text()
    for account in people.values():
        assert account.id in slips and account.password in slips
    assert slips.count("http://192.168.1.10:8000/") == 2 and "Aminata Traoré" in slips
    assert oct(os.stat(tmp_path / "fiches.html").st_mode & 0o777) == "0o600"


def test_in_english_the_slips_are_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    people = {"awa.diop": acc.Account("awa.diop", "Awa Diop", TRAINER_ROLE, "pqrs-tuvw-xyz2")}
    slips = acc.write_slips(tmp_path / "slips.html", people, "http://192.168.1.10:8000/", "sahel-ci").read_text()
    assert "<html lang='en'>" in slips and "Awa Diop (trainer)" in slips
    assert "Address to type in the browser: <b>http://192.168.1.10:8000/</b>" in slips
    assert "Password: <code>pqrs-tuvw-xyz2</code>" in slips and "Mot de passe" not in slips


def test_a_system_user_the_server_did_not_make_is_refused_and_never_removed(tmp_path):
    """A roster naming an existing user changes nothing; removing the accounts leaves that user alone."""
    root_or_skip()
    theirs = f"zz{os.getpid()}.theirs"
    subprocess.run(["useradd", "--no-create-home", theirs], check=True)
    state = tmp_path / "etat"
    state.mkdir()
    try:
        roster = write(tmp_path, f"identifiant;role\nzz{os.getpid()}.trainer;formateur\n{theirs};\n")
        with pytest.raises(acc.AccountError, match=re.escape(theirs)):
            acc.create_accounts(acc.roster_people(roster), state)
        assert acc.load_accounts(state) == {} and not acc.user_exists(f"zz{os.getpid()}.trainer")
        (state / acc.ACCOUNTS_FILE).write_text("{}", encoding="utf-8")
        assert acc.remove_accounts(state) == []
        assert acc.user_exists(theirs)
    finally:
        acc.remove_accounts(state)  # what a broken create_accounts might have made
        if acc.user_exists(theirs):
            subprocess.run(["userdel", theirs], check=True)


def test_accounts_made_from_the_roster_are_the_ones_removed(tmp_path):
    root_or_skip()
    tag = f"zz{os.getpid()}"
    state = tmp_path / "etat"
    state.mkdir()
    people = acc.roster_people(write(tmp_path, f"identifiant;role\n{tag}.awa;formateur\n{tag}.moussa;\n"))
    try:
        made = acc.create_accounts(people, state)
        assert sorted(made) == [f"{tag}.awa", f"{tag}.moussa"]
        home = acc.home_of(f"{tag}.moussa")
        assert oct(home.stat().st_mode & 0o777) == "0o700"
        groups = subprocess.run(["id", "-nG", f"{tag}.awa"], capture_output=True, text=True).stdout.split()
        assert acc.TRAINERS_GROUP in groups
        import pamela
        pamela.authenticate(f"{tag}.moussa", made[f"{tag}.moussa"].password, service="login")
        assert acc.create_accounts(people, state) == made  # a second start keeps accounts and passwords
    finally:
        removed = acc.remove_accounts(state)
    assert removed == [f"{tag}.awa", f"{tag}.moussa"]
    assert not acc.user_exists(f"{tag}.awa") and not home.exists()
