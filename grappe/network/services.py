"""The team of an association: the people who hold a role (admin, coordinator, volunteer, referrer).

The only write path for staff accounts and roles. Every function locks the association row first,
so two admins acting at once cannot both remove the association's last admin. A user works in one
association: a role in a second one is refused. Each change is recorded in `StaffAuditEntry`
(who did what to whom, the role and its groups or partner; never a password).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core import services as core_services
from grappe.core.errors import DomainError
from grappe.core.models import ApiToken
from grappe.core.text import fold

from .models import Association, BuyingGroup, Partner, PersonContact, Role, StaffAuditEntry

GROUP_KINDS = frozenset({Role.Kind.COORDINATOR, Role.Kind.VOLUNTEER})


class TeamError(DomainError):
    pass


@dataclass
class Added:
    user: object
    role: Role
    created: bool  # False: the person already had an account here and got the role added


def _lock(association: Association) -> Association:
    return Association.objects.select_for_update(of=("self",)).get(pk=association.pk)


def _checked_target(association, kind, groups, partner) -> tuple[list[BuyingGroup], Partner | None]:
    """The groups and partner a role of `kind` keeps, or TeamError."""
    if kind not in Role.Kind.values:
        raise TeamError(_("Unknown role."))
    groups = list(groups or ())
    if kind in GROUP_KINDS:
        if not groups or any(group.association_id != association.pk for group in groups):
            raise TeamError(_("A coordinator or a volunteer needs at least one buying group of this association."))
        return groups, None
    if kind == Role.Kind.REFERRER:
        if partner is None or partner.association_id != association.pk:
            raise TeamError(_("A partner referrer needs a partner of this association."))
        return [], partner
    return [], None


def _describe(groups, partner) -> str:
    if partner is not None:
        return partner.name
    return ", ".join(sorted(group.name for group in groups))


def _audit(association, by, subject, action, kind="", detail=""):
    StaffAuditEntry.objects.create(association=association, actor=by, subject=subject, action=action,
                                   kind=kind, detail=detail[:300])


def _elsewhere(user, association) -> bool:
    """Whether the user already acts in another association (a role, or a member there)."""
    if Role.objects.filter(user=user).exclude(association=association).exists():
        return True
    try:
        member = user.member
    except (ObjectDoesNotExist, AttributeError):
        return False
    return member.association_id != association.pk


def _refuse_elsewhere(user, association):
    if _elsewhere(user, association):
        raise TeamError(_("This person already acts in another association; a person acts in one association only."))


def _belongs_here(user, association) -> bool:
    """Whether the login is this association's: a role here, or a current member here. A login of
    nobody (no role, no member: an operator's superuser) or of another association is not."""
    if Role.objects.filter(user=user, association=association).exists():
        return True
    try:
        member = user.member
    except (ObjectDoesNotExist, AttributeError):
        return False
    return member.association_id == association.pk and member.erased_at is None


def _refuse_foreign_login(user, association):
    """An existing login the team page may act on: this association's, never staff nor superuser
    (those are the operator's, managed outside the app). Else TeamError: nothing is attached."""
    _refuse_elsewhere(user, association)
    if user.is_staff or user.is_superuser or not _belongs_here(user, association):
        raise TeamError(_("This sign-in name or e-mail already belongs to an account that is not of this "
                          "association's team: choose another sign-in name, or leave the e-mail empty."))


def _base_username(first_name: str, last_name: str) -> str:
    parts = [fold(first_name), fold(last_name)]
    text = ".".join("".join(char for char in part if char.isalnum() or char == "-") for part in parts if part)
    return text.strip(".")[:140] or "personne"


def _find_existing(association, *, email: str, username: str, first_name: str, last_name: str):
    """The account this person already has, if any (same e-mail or sign-in name), else None."""
    users = get_user_model().objects
    if username:
        found = users.filter(username__iexact=username).first()
        if found is not None:
            return found
    if email:
        found = users.filter(email__iexact=email).order_by("pk").first()
        if found is not None:
            return found
    if not username:
        # Without an e-mail: the sign-in name made from the name, held by someone of this team.
        found = (users.filter(username__iexact=_base_username(first_name, last_name),
                              roles__association=association).first())
        if found is not None and fold(found.get_full_name()) == fold(f"{first_name} {last_name}"):
            return found
    return None


def _free_username(first_name: str, last_name: str) -> str:
    base = _base_username(first_name, last_name)
    taken = set(get_user_model().objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _create_role(association, user, by, kind, groups, partner, action) -> Role:
    if not user.is_active:
        raise TeamError(_("This person is deactivated: reactivate them first."))
    if Role.objects.filter(user=user, association=association, kind=kind).exists():
        raise TeamError(_("This person already has this role: change its groups or partner instead."))
    role = Role.objects.create(user=user, association=association, kind=kind, partner=partner)
    role.groups.set(groups)
    _audit(association, by, user, action, kind, _describe(groups, partner))
    return role


@transaction.atomic
def add_person(*, association: Association, by, first_name: str, last_name: str, email: str = "",
               username: str = "", kind: str, groups: Iterable[BuyingGroup] = (),
               partner: Partner | None = None, phone: str = "") -> Added:
    """A new account with an unusable password and one role; or, for a person who already has an
    account (same sign-in name or e-mail) in this association, the role added to it."""
    association = _lock(association)
    groups, partner = _checked_target(association, kind, groups, partner)
    first_name, last_name, email, username = first_name.strip(), last_name.strip(), email.strip(), username.strip()
    existing = _find_existing(association, email=email, username=username, first_name=first_name,
                              last_name=last_name)
    if existing is not None:
        _refuse_foreign_login(existing, association)
        role = _create_role(association, existing, by, kind, groups, partner, StaffAuditEntry.Action.ROLE_ADDED)
        if phone.strip() and not _phone_of(existing):
            _set_phone(existing, phone)
        return Added(user=existing, role=role, created=False)
    user = get_user_model()(username=username or _free_username(first_name, last_name),
                            first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.save()
    _audit(association, by, user, StaffAuditEntry.Action.ADDED)
    if phone.strip():
        _set_phone(user, phone)
    role = _create_role(association, user, by, kind, groups, partner, StaffAuditEntry.Action.ROLE_ADDED)
    return Added(user=user, role=role, created=True)


def _phone_of(user) -> str:
    contact = PersonContact.objects.filter(user=user).first()
    return contact.phone if contact is not None else ""


def _set_phone(user, phone: str) -> None:
    PersonContact.objects.update_or_create(user=user, defaults={"phone": phone.strip()})


@transaction.atomic
def correct_person(*, association: Association, user, by, first_name: str, last_name: str, email: str = "",
                   phone: str = "") -> list[str]:
    """Correct a team member's name, e-mail or phone (a typo, a new address); returns what changed.
    An e-mail another account uses is refused (sign-in and password reset go by it)."""
    association = _lock(association)
    _refuse_foreign_login(user, association)
    first_name, last_name, email, phone = first_name.strip(), last_name.strip(), email.strip(), phone.strip()
    if not first_name or not last_name:
        raise TeamError(_("Give the first and the last name."))
    if email and get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise TeamError(_("Another account already uses this e-mail."))
    wanted = {"first_name": first_name, "last_name": last_name, "email": email}
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    if changed:
        user.save(update_fields=changed)
    if _phone_of(user) != phone:
        _set_phone(user, phone)
        changed.append("phone")
    if changed:
        _audit(association, by, user, StaffAuditEntry.Action.CORRECTED, detail=", ".join(changed))
    return changed


@transaction.atomic
def add_role(*, association: Association, user, by, kind: str, groups: Iterable[BuyingGroup] = (),
             partner: Partner | None = None) -> Role:
    association = _lock(association)
    groups, partner = _checked_target(association, kind, groups, partner)
    _refuse_elsewhere(user, association)
    return _create_role(association, user, by, kind, groups, partner, StaffAuditEntry.Action.ROLE_ADDED)


@transaction.atomic
def change_role(*, role: Role, by, groups: Iterable[BuyingGroup] = (), partner: Partner | None = None) -> Role:
    """New groups (coordinator, volunteer) or partner (referrer) for a role; its kind stays."""
    association = _lock(role.association)
    groups, partner = _checked_target(association, role.kind, groups, partner)
    role.partner = partner
    role.save(update_fields=["partner"])
    role.groups.set(groups)
    _audit(association, by, role.user, StaffAuditEntry.Action.ROLE_CHANGED, role.kind, _describe(groups, partner))
    return role


def _is_last_active_admin(association, user) -> bool:
    if not Role.objects.filter(association=association, kind=Role.Kind.ADMIN, user=user, user__is_active=True).exists():
        return False
    others = Role.objects.filter(association=association, kind=Role.Kind.ADMIN, user__is_active=True).exclude(user=user)
    return not others.exists()


@transaction.atomic
def remove_role(*, role: Role, by) -> None:
    association = _lock(role.association)
    if role.kind == Role.Kind.ADMIN and _is_last_active_admin(association, role.user):
        raise TeamError(_("This is the last active admin of the association: name another admin first."))
    if not Role.objects.filter(user=role.user, association=association).exclude(pk=role.pk).exists():
        raise TeamError(_("This is the person's only role: deactivate the person instead."))
    detail = _describe(role.groups.all(), role.partner)
    _audit(association, by, role.user, StaffAuditEntry.Action.ROLE_REMOVED, role.kind, detail)
    role.delete()


def _end_sessions(user) -> int:
    """Delete the user's open sessions (database sessions; an inactive user is refused anyway)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def deactivate_person(*, association: Association, user, by) -> None:
    """The person can no longer sign in: sessions ended, API tokens revoked; their roles stay for history."""
    association = _lock(association)
    if user.pk == by.pk:
        raise TeamError(_("You cannot deactivate yourself."))
    if _is_last_active_admin(association, user):
        raise TeamError(_("This is the last active admin of the association: name another admin first."))
    if get_user_model().objects.filter(pk=user.pk, is_active=True).update(is_active=False) != 1:
        raise TeamError(_("This person is already deactivated."))
    user.is_active = False
    _end_sessions(user)
    ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    _audit(association, by, user, StaffAuditEntry.Action.DEACTIVATED)


@transaction.atomic
def reactivate_person(*, association: Association, user, by) -> None:
    association = _lock(association)
    _refuse_elsewhere(user, association)
    if get_user_model().objects.filter(pk=user.pk, is_active=False).update(is_active=True) != 1:
        raise TeamError(_("This person is already active."))
    user.is_active = True
    _audit(association, by, user, StaffAuditEntry.Action.REACTIVATED)


@transaction.atomic
def issue_temporary_password(*, association: Association, user, by) -> str:
    """A temporary password for the person (`core.services`: good for one sign-in, after which they
    choose their own), to be shown once and handed over on the printed slip."""
    association = _lock(association)
    _refuse_foreign_login(user, association)
    if not Role.objects.filter(user=user, association=association).exists():
        raise TeamError(_("This person is not in the association's team."))
    if not user.is_active:
        raise TeamError(_("This person is deactivated: reactivate them first."))
    password = core_services.issue_temporary_password(user=user, by=by)
    _audit(association, by, user, StaffAuditEntry.Action.PASSWORD_ISSUED)
    return password
