"""A new installation's first steps: the association and its first administrator.

    python manage.py start_association --name "VRAC Drôme" --first-name Marie --last-name Durand \
        --email marie@example.org

Prints the administrator's sign-in name and a temporary password (good for one sign-in, after
which they choose their own); from there on, everything is done in the app (Réseau, Équipe).
Refuses, changing nothing, when the association already has an administrator.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from grappe.core.errors import DomainError
from grappe.network import services
from grappe.network.models import Association, Role


class Command(BaseCommand):
    help = "Create an association and its first administrator (prints a temporary password once)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the association's name")
        parser.add_argument("--slug", default="", help="short name used in member sign-in names (default: from the name)")
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--email", default="", help="the administrator's e-mail (for a forgotten password)")

    def handle(self, *args, **options):
        name = options["name"].strip()
        slug = slugify(options["slug"] or name)
        if not name or not slug:
            raise CommandError("Donnez le nom de l'association (--name).")
        with transaction.atomic():
            association, created = Association.objects.get_or_create(slug=slug, defaults={"name": name})
            if Role.objects.filter(association=association, kind=Role.Kind.ADMIN, user__is_active=True).exists():
                raise CommandError(f"L'association « {association.name} » a déjà un administrateur : "
                                   "il ajoute les autres personnes depuis la page Équipe.")
            try:
                added = services.add_person(association=association, by=None, first_name=options["first_name"],
                                            last_name=options["last_name"], email=options["email"],
                                            kind=Role.Kind.ADMIN)
                password = services.issue_temporary_password(association=association, user=added.user, by=None)
            except DomainError as refusal:
                raise CommandError(str(refusal)) from refusal
        self.stdout.write(f"Association : {association.name} ({'créée' if created else 'existante'}, {association.slug})")
        self.stdout.write(f"Administrateur : identifiant {added.user.username}")
        self.stdout.write(f"Mot de passe provisoire (une seule connexion, affiché une seule fois) : {password}")
