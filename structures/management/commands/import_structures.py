from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from francais import pluriel
from structures.importing import ImportConflict, apply_import, plan_import
from territoires.actors import SYSTEM
from territoires.policy import Actor


class Command(BaseCommand):
    help = (
        "Importe des structures depuis un fichier CSV, XLSX ou ODS. Tout ou rien : "
        "si une ligne est invalide, rien n'est écrit et la commande échoue."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifie le fichier sans rien enregistrer."
        )
        parser.add_argument(
            "--user",
            help=(
                "Identifiant de la personne au nom de qui importer (son territoire s'applique) ; "
                "sans elle, l'import est fait par le système, sans limite de territoire."
            ),
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        account: Actor = SYSTEM
        if user:
            try:
                account = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Utilisateur·rice « {user} » introuvable.") from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Lecture impossible de {file} : {error.strerror}.") from None

        plan = plan_import(data, file.name, user=account)
        for column in plan.ignored_columns:
            self.stderr.write(f"Colonne ignorée : « {column} »")
        for row in plan.warnings:
            for candidate in row.duplicates:
                where = f"ligne {candidate.line}" if candidate.line else f"n° {candidate.pk}"
                self.stderr.write(
                    f"Attention, ligne {row.line} : doublon probable de « {candidate.name} » "
                    f"({where}, {candidate.reason})"
                )
        if not plan.is_valid:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{pluriel(plan.errors, 'erreur')} : aucune structure n'a été enregistrée."
            )
        summary = (
            f"{plan.count('create')} à créer, {plan.count('update')} à mettre à jour, "
            f"{pluriel(plan.count('unchanged'), 'inchangée')}"
        )
        if dry_run:
            self.stdout.write(f"Vérification seule : {summary}. Rien n'a été enregistré.")
            return
        try:
            result = apply_import(plan, user=account)
        except ImportConflict as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé : {pluriel(result.created, 'créée')}, "
                f"{pluriel(result.updated, 'mise à jour', 'mises à jour')}, "
                f"{pluriel(result.unchanged, 'inchangée')}."
            )
        )
