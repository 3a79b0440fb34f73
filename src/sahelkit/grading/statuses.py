"""What can happen to a submission, in the trainer's words.

One table, used by the command's summary, the cohort report and the grading guides
(trainers/fr/grading.md, trainers/en/grading.md), so that they always say the same thing.
`attention` statuses make `sahelkit grade` exit with 1.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    code: str
    label: str        # short French label shown in tables
    meaning: str      # what happened
    action: str       # what the trainer does about it
    attention: bool   # True: needs the trainer (exit code 1); False: for information


STATUSES: dict[str, Status] = {s.code: s for s in [
    Status("ok", "Corrigé", "Le rendu a été corrigé sans incident.", "Rien.", False),
    Status("missing", "Non rendu",
           "Le participant est sur la liste mais aucun rendu n'a été trouvé pour cet exercice.",
           "Récupérer son travail (clé USB) et relancer la correction ; sinon la note reste 0.", True),
    Status("invalid", "Fichier illisible",
           "Le fichier rendu n'est pas un notebook valide (JSON abîmé, archive zip cassée, fichier vide). "
           "Il n'a pas été corrigé ; le fichier reçu est conservé tel quel.",
           "Demander au participant de rendre à nouveau son notebook, puis relancer la correction.", True),
    Status("kernel-died", "Python s'est arrêté",
           "Le code du participant a arrêté Python (os._exit, mémoire épuisée...) : nbgrader n'a pas pu finir "
           "et a donné 0 à toutes les parties, sauf si un rendu précédent avait été corrigé "
           "(voir « Ancienne note gardée »).",
           "Ouvrir son notebook, trouver la cellule fautive avec lui ; corriger à la main dans Formgrader si besoin.",
           True),
    Status("timeout", "Temps dépassé",
           "Une cellule a tourné plus longtemps que la limite (boucle sans fin) : elle a été interrompue, "
           "les cellules suivantes ont été corrigées normalement.",
           "Montrer au participant la cellule interrompue ; les parties qui en dépendent peuvent avoir 0.", True),
    Status("kept-earlier", "Ancienne note gardée",
           "Ce nouveau rendu n'a pas pu être corrigé (Python arrêté, noyau bloqué, fichier illisible, erreur) : "
           "les notes du rendu corrigé précédemment restent dans le carnet de notes, avec sa copie corrigée "
           "et son retour, au lieu d'un 0.",
           "Faire rendre un notebook qui s'exécute jusqu'au bout, puis relancer la correction ; d'ici là, "
           "la note affichée est celle du rendu précédent.", True),
    Status("error", "Erreur de correction", "nbgrader n'a pas pu corriger ce rendu (voir le détail).",
           "Lire le détail ; relancer la correction de ce participant après correction du problème.", True),
    Status("truth-access", "Vérité terrain lue",
           "Le code du participant va chercher les réponses : il appelle load_truth, lit un fichier de truth/ "
           "ou importe sahelkit.generator (ou la correction l'en a empêché). Les tests qui viennent après "
           "cette cellule n'ont donné aucun point ; les parties d'avant sont notées normalement.",
           "Ouvrir son notebook avec lui (le détail nomme la cellule) ; s'il s'agit d'une erreur de bonne foi, "
           "noter à la main dans Formgrader.", True),
    Status("test-deleted", "Test supprimé",
           "Une cellule de test avait été supprimée : nbgrader l'a remise depuis le carnet de notes, "
           "la partie a été notée normalement.",
           "Rien pour la note ; rappeler au participant de ne pas supprimer les cellules de test.", True),
    Status("test-modified", "Test modifié",
           "Une cellule de test verrouillée avait été modifiée : nbgrader l'a remplacée par l'originale, "
           "la note ne dépend pas de la modification.",
           "Rien pour la note ; en parler avec le participant.", True),
    Status("duplicate", "Plusieurs rendus",
           "Plusieurs fichiers pour le même participant et le même exercice : le plus récent est corrigé, "
           "les autres sont ignorés (ils restent dans le dossier des rendus).",
           "Vérifier que le fichier corrigé est bien celui que le participant voulait rendre.", True),
    Status("unknown-participant", "Hors liste",
           "Le nom du fichier ne correspond à personne de la liste des participants : corrigé sous ce nom.",
           "Renommer le fichier au nom du participant (ou compléter la liste), puis relancer.", True),
    Status("low-score", "Note faible",
           "Note inférieure au seuil fixé (--low-score, 50 % par défaut), sur les points déjà notés : "
           "une réponse rédigée pas encore notée dans Formgrader ne compte pas.",
           "Prévoir un moment avec le participant.", True),
    Status("renamed", "Notebook renommé",
           "Le notebook portait un autre nom : il a été corrigé sous le nom attendu.",
           "Rien ; rappeler la règle de nommage.", False),
    Status("stderr", "Avertissements",
           "Le code a écrit des avertissements (Warning) sur la sortie d'erreur : ils ont été ignorés pour la note.",
           "Rien pour la note.", False),
    Status("long-output", "Sortie très longue",
           "Une cellule a affiché une sortie très longue : elle a été coupée dans la copie corrigée.",
           "Rien pour la note.", False),
    Status("manual", "À noter à la main",
           "Une partie demande une correction manuelle (réponse rédigée) ou une note à revoir.",
           "Ouvrir Formgrader (onglet Manual grading) et noter ces parties.", False),
    Status("unchanged", "Déjà corrigé",
           "Même fichier qu'à la correction précédente : rien n'a été refait, les notes manuelles sont gardées.",
           "Rien.", False),
]}


def label(code: str) -> str:
    return STATUSES[code].label if code in STATUSES else code


def needs_attention(codes) -> bool:
    return any(STATUSES.get(c, STATUSES["error"]).attention for c in codes)
