"""Writes about members: the only path for anything with a rule (quota, waiting list, audit, erasure)."""

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core import backup
from grappe.core import services as core_services
from grappe.core.errors import DomainError
from grappe.core.money import plain_number
from grappe.core.text import READABLE_ALPHABET
from grappe.network.models import Association, BuyingGroup, Partner, Role

from . import quota
from .models import AuditEntry, Member, Membership, Referral
from .personal_data import sections_for
from .signals import member_erased
from .siret import is_valid_siret

PERSONAL_FIELDS = ["name", "first_name", "kind", "adults", "children", "phone", "email", "preferred_channel", "commune",
                   "stop", "group", "reminders_opt_out", "billing_address", "siret", "public_body",
                   "chorus_service_code"]
CATEGORY_FIELDS = ["category", "priority_basis", "basis_partner", "basis_date", "review_date"]
CODE_ALPHABET = READABLE_ALPHABET  # no 0/O, 1/I/L: codes are read aloud and typed


class QuotaExceeded(DomainError):
    pass


class InvalidReferralCode(DomainError):
    pass


class FeeTooLow(DomainError):
    pass


@dataclass(frozen=True)
class GroupQuota:
    group: BuyingGroup
    priority: int
    solidarity: int
    waiting: int
    threshold: Decimal

    @property
    def total(self) -> int:
        return self.priority + self.solidarity

    @property
    def share_percent(self) -> Decimal:
        share = quota.share(self.priority, self.solidarity)
        return (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal("0.1"))

    @property
    def capacity(self) -> int:
        return quota.solidarity_capacity(self.priority, self.solidarity, self.threshold)

    @property
    def priority_needed(self) -> int:
        return quota.priority_needed(self.priority, self.solidarity, self.threshold)

    @property
    def is_met(self) -> bool:
        return quota.allows(self.priority, self.solidarity, self.threshold)


def group_quotas(groups) -> list[GroupQuota]:
    """The quota figures of several groups in one query."""
    rows = groups.select_related("association").annotate(
        n_priority=Count("members", filter=Q(members__status=Member.Status.ACTIVE,
                                             members__category=Member.Category.PRIORITY)),
        n_solidarity=Count("members", filter=Q(members__status=Member.Status.ACTIVE,
                                               members__category=Member.Category.SOLIDARITY)),
        n_waiting=Count("members", filter=Q(members__status=Member.Status.WAITING)),
    )
    return [GroupQuota(g, g.n_priority, g.n_solidarity, g.n_waiting, g.association.priority_threshold) for g in rows]


def _counts(group: BuyingGroup) -> tuple[int, int]:
    active = Member.objects.filter(group=group, status=Member.Status.ACTIVE)
    return (active.filter(category=Member.Category.PRIORITY).count(),
            active.filter(category=Member.Category.SOLIDARITY).count())


def _lock_group(group: BuyingGroup) -> BuyingGroup:
    """Every quota decision locks the group row first, so two admissions cannot both take the last place."""
    return BuyingGroup.objects.select_for_update(of=("self",)).select_related("association").get(pk=group.pk)


def audit(member: Member | None, *, by, action: str, fields=(), detail: str = "", association=None) -> None:
    if association is None and member is not None:
        association = member.association
    AuditEntry.objects.create(association=association, member=member, actor=by,
                              action=action, fields=sorted(fields), detail=detail)


def _next_number(association: Association) -> int:
    Association.objects.select_for_update(of=("self",)).filter(pk=association.pk).order_by("pk").first()
    return (Member.objects.filter(association=association).aggregate(n=Max("number"))["n"] or 0) + 1


def _validate_member(data: dict) -> None:
    """What every way in (web form, API, import) must respect: known choices, a household of at least
    one adult, a name that fits. The forms say it field by field; this is the last word."""
    choices = {"kind": Member.Kind, "category": Member.Category, "preferred_channel": Member.Channel}
    for field, allowed in choices.items():
        if field in data and data[field] not in allowed.values:
            raise DomainError(_("Unknown value for %(field)s: %(value)s.") % {"field": field,
                                                                              "value": str(data[field])[:30]})
    if data.get("priority_basis") and data["priority_basis"] not in Member.PriorityBasis.values:
        raise DomainError(_("Unknown value for %(field)s: %(value)s.") % {"field": "priority_basis",
                                                                          "value": str(data["priority_basis"])[:30]})
    name = (data.get("name") or "").strip()
    if not name or len(name) > (Member._meta.get_field("name").max_length or 200):
        raise DomainError(_("Give a name of at most 200 characters."))
    if not 1 <= int(data.get("adults", 1)) <= 30 or not 0 <= int(data.get("children", 0)) <= 30:
        raise DomainError(_("A household counts 1 to 30 adults and 0 to 30 children."))
    _validate_billing(data.get("kind", Member.Kind.HOUSEHOLD), data)


def _validate_billing(kind: str, data: dict) -> None:
    """A SIRET passes INSEE's check; only a structure has one, or is a public body with a service code."""
    if data.get("siret") and not is_valid_siret(data["siret"]):
        raise DomainError(_("This SIRET is not valid."))
    if kind != Member.Kind.STRUCTURE and any(data.get(f) for f in ("siret", "public_body", "chorus_service_code")):
        raise DomainError(_("A household has no SIRET and is not a public body."))


def _validate_priority(data: dict) -> None:
    if data.get("category") == Member.Category.PRIORITY and not data.get("priority_basis"):
        raise DomainError(_("A priority member needs a basis of priority (referral, QPV or assessment)."))


@transaction.atomic
def admit_member(*, group: BuyingGroup, by, **data) -> Member:
    """Create a member. A solidarity household that the quota cannot take goes on the waiting list.

    Returns the member; `member.status` says whether they were admitted or are waiting.
    """
    _validate_member(data)
    group = _lock_group(group)
    _validate_priority(data)
    data.setdefault("category", Member.Category.PRIORITY)
    priority, solidarity = _counts(group)
    status = Member.Status.ACTIVE
    if data["category"] == Member.Category.SOLIDARITY and not quota.can_admit_solidarity(
        priority, solidarity, group.association.priority_threshold
    ):
        status = Member.Status.WAITING
    member = Member.objects.create(
        association=group.association, group=group, number=_next_number(group.association), status=status,
        joined_on=timezone.localdate() if status == Member.Status.ACTIVE else None,
        waiting_since=timezone.now() if status == Member.Status.WAITING else None, **data,
    )
    audit(member, by=by, action=AuditEntry.Action.CREATED, fields=[f for f in data if data[f] not in ("", None)])
    if status == Member.Status.ACTIVE and member.is_priority:
        admit_from_waiting_list(group=group, by=by)
    return member


@transaction.atomic
def admit_from_waiting_list(*, group: BuyingGroup, by) -> list[Member]:
    """Admit waiting households in the order they came, as long as the quota allows."""
    group = _lock_group(group)
    priority, solidarity = _counts(group)
    admitted = []
    # Locked in primary-key order (as every multi-row lock), then taken in the order they came.
    waiting = list(Member.objects.filter(group=group, status=Member.Status.WAITING)
                   .select_for_update(of=("self",)).order_by("pk"))
    for member in sorted(waiting, key=lambda m: (m.waiting_since is None, m.waiting_since, m.pk)):
        if member.category == Member.Category.SOLIDARITY and not quota.can_admit_solidarity(
            priority, solidarity, group.association.priority_threshold
        ):
            break
        member.status = Member.Status.ACTIVE
        member.joined_on = timezone.localdate()
        member.save(update_fields=["status", "joined_on"])
        audit(member, by=by, action=AuditEntry.Action.ADMITTED)
        admitted.append(member)
        if member.category == Member.Category.SOLIDARITY:
            solidarity += 1
        else:
            priority += 1
    return admitted


def waiting_position(member: Member) -> int | None:
    if member.status != Member.Status.WAITING:
        return None
    ids = list(Member.objects.filter(group=member.group).waiting().values_list("pk", flat=True))
    return ids.index(member.pk) + 1


@transaction.atomic
def update_member(*, member: Member, by, **data) -> list[str]:
    """Change personal data (not the category). Returns the names of the fields changed, which are audited."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    changed = [f for f in PERSONAL_FIELDS if f in data and getattr(member, f) != data[f]]
    if "group" in changed:
        raise DomainError(_("To move a household to another group, have it leave and join the other group."))
    _validate_billing(data.get("kind", member.kind),
                      {f: data.get(f, getattr(member, f)) for f in ("siret", "public_body", "chorus_service_code")})
    for field in changed:
        setattr(member, field, data[field])
    if changed:
        member.save(update_fields=changed)
        audit(member, by=by, action=AuditEntry.Action.CHANGED, fields=changed)
    return changed


@transaction.atomic
def change_category(*, member: Member, by, category: str, priority_basis: str = "", basis_partner=None,
                    basis_date: date | None = None, review_date: date | None = None) -> Member:
    group = _lock_group(member.group)
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    data = {"category": category, "priority_basis": priority_basis if category == Member.Category.PRIORITY else "",
            "basis_partner": basis_partner if category == Member.Category.PRIORITY else None,
            "basis_date": basis_date if category == Member.Category.PRIORITY else None, "review_date": review_date}
    _validate_priority(data)
    becomes_solidarity = (category == Member.Category.SOLIDARITY and member.category == Member.Category.PRIORITY
                          and member.status == Member.Status.ACTIVE)
    if becomes_solidarity:
        priority, solidarity = _counts(group)
        if not quota.allows(priority - 1, solidarity + 1, group.association.priority_threshold):
            raise QuotaExceeded(_("This change would bring the share of priority members of %(group)s below "
                                  "%(threshold)s %%. Admit priority households first."),
                                group=group.name, threshold=plain_number(group.association.priority_threshold))
    changed = [f for f, v in data.items() if getattr(member, f) != v]
    for field in changed:
        setattr(member, field, data[field])
    if changed:
        member.save(update_fields=changed)
        audit(member, by=by, action=AuditEntry.Action.CATEGORY, fields=changed)
    if category == Member.Category.PRIORITY:
        admit_from_waiting_list(group=group, by=by)
    return member


@transaction.atomic
def member_leaves(*, member: Member, by) -> Member:
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    member.status = Member.Status.LEFT
    member.left_on = timezone.localdate()
    member.save(update_fields=["status", "left_on"])
    audit(member, by=by, action=AuditEntry.Action.CHANGED, fields=["status"])
    admit_from_waiting_list(group=member.group, by=by)
    return member


@transaction.atomic
def record_membership(*, member: Member, by, year: int, fee: Decimal, paid_on: date | None = None,
                      means: str = "") -> Membership:
    minimum = member.association.minimum_fee
    if fee < minimum:
        raise FeeTooLow(_("The yearly fee starts at %(minimum)s EUR."), minimum=minimum)
    if paid_on and not means:
        raise DomainError(_("Say how the fee was paid."))
    membership, _created = Membership.objects.update_or_create(
        member=member, year=year, defaults={"fee": fee, "paid_on": paid_on, "means": means, "recorded_by": by}
    )
    return membership


def membership_is_paid(member: Member, year: int | None = None) -> bool:
    year = year or timezone.localdate().year
    return Membership.objects.filter(member=member, year=year, paid_on__isnull=False).exists()


def first_fee_deferred(member: Member, today: date | None = None) -> bool:
    """Whether the member may order before paying: the association lets a new member pay the first
    fee at the first distribution, and this member has never paid one (so not this year's either)."""
    return (member.association.first_fee_at_first_distribution
            and not Membership.objects.filter(member=member, paid_on__isnull=False).exists())


def may_order(member: Member, today: date | None = None) -> bool:
    """The year's membership is paid, or the first fee is deferred to the first distribution."""
    return membership_is_paid(member, (today or timezone.localdate()).year) or first_fee_deferred(member, today)


def unpaid_fee(member: Member, today: date | None = None) -> Decimal | None:
    """The fee of the year's membership recorded but not paid yet (chosen at joining), else None."""
    year = (today or timezone.localdate()).year
    return (Membership.objects.filter(member=member, year=year, paid_on__isnull=True)
            .values_list("fee", flat=True).first())


def first_fee_due(member: Member, today: date | None = None) -> Decimal | None:
    """The first fee to take at the member's checkout when it was deferred, else None: the amount
    chosen at joining (an unpaid membership of the year), or the association's minimum."""
    if not first_fee_deferred(member, today):
        return None
    chosen = unpaid_fee(member, today)
    return chosen if chosen is not None else member.association.minimum_fee


# --- Referrals -----------------------------------------------------------------------------------

def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Referral.objects.filter(code=code).exists():
            return code


def language_codes() -> list[str]:
    """The languages pages can be shown in, read at run time (settings.LANGUAGES)."""
    return [code for code, _name in settings.LANGUAGES]


@transaction.atomic
def create_referral(*, partner: Partner, group: BuyingGroup, by, household_name: str, phone: str = "",
                    persons: int = 1, language: str = "fr") -> Referral:
    if partner.association_id != group.association_id:
        raise DomainError(_("The group and the partner belong to different associations."))
    if language not in language_codes():
        raise DomainError(_("Unknown value for %(field)s: %(value)s.") % {"field": "language",
                                                                          "value": language[:30]})
    return Referral.objects.create(association=group.association, partner=partner, group=group, referrer=by,
                                   code=new_code(), household_name=household_name, phone=phone, persons=persons,
                                   language=language)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


UNKNOWN_CODE = _("This code is unknown. Check it on the slip, or ask the person who gave it.")


def referral_for_code(code: str) -> Referral:
    referral = Referral.objects.select_related("group__association", "partner").filter(
        code=normalise_code(code)).first()
    if referral is None:
        raise InvalidReferralCode(UNKNOWN_CODE)
    if referral.has_joined:
        raise InvalidReferralCode(_("This code has already been used to join."))
    return referral


@transaction.atomic
def register_with_code(*, code: str, by=None, name: str, first_name: str = "", phone: str = "", email: str = "",
                       adults: int = 1, children: int = 0, commune=None,
                       preferred_channel: str = Member.Channel.SMS, password: str = "", fee: Decimal | None = None,
                       language: str = "", today: date | None = None) -> Member:
    """A referred household joins its group as a priority member ("referred by" basis).

    `fee`: the yearly fee the household chose, recorded as the year's membership, unpaid (it is paid
    at the group: at the first distribution when the association defers the first fee). `language`:
    the language of the join page (the slip's QR code carries the one the referrer picked); without
    one, the referral's."""
    today = today or timezone.localdate()
    if password:
        checked_password(password, name=name, email=email)
    referral = referral_for_code(code)
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if referral.has_joined:
        raise InvalidReferralCode(_("This code has already been used to join."))
    minimum = referral.group.association.minimum_fee
    if fee is not None and fee < minimum:
        raise FeeTooLow(_("The yearly fee starts at %(minimum)s EUR."), minimum=minimum)
    if language not in language_codes():
        language = referral.language if referral.language in language_codes() else ""
    member = admit_member(
        group=referral.group, by=by, name=name, first_name=first_name.strip(), phone=phone, email=email,
        adults=adults, children=children, commune=commune, preferred_channel=preferred_channel,
        category=Member.Category.PRIORITY, priority_basis=Member.PriorityBasis.REFERRAL,
        basis_partner=referral.partner, basis_date=timezone.localtime(referral.created_at).date(),
        language=language,
    )
    if fee is not None:
        Membership.objects.create(member=member, year=today.year, fee=fee, paid_on=None, recorded_by=by)
    if password:
        user = get_user_model().objects.create_user(username=free_username(member), password=password)
        member.user = user
        member.save(update_fields=["user"])
    referral.member = member
    referral.joined_at = timezone.now()
    referral.save(update_fields=["member", "joined_at"])
    return member


USERNAME_SUFFIX_LENGTH = 6  # 31**6: about 900 million names per association


def free_username(member: Member) -> str:
    """A new member login: the association's slug and a random suffix from the unambiguous alphabet
    (`vrac-drome-k7m4px`), never the member number, so sign-in names cannot be guessed in sequence.
    Logins made before keep their name."""
    users = get_user_model().objects
    while True:
        suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(USERNAME_SUFFIX_LENGTH)).lower()
        candidate = f"{member.association.slug}-{suffix}"
        if not users.filter(username__iexact=candidate).exists():
            return candidate


def checked_password(password: str, *, name: str = "", email: str = "") -> str:
    """A password a household chooses when joining goes through Django's validators, as everywhere."""
    try:
        validate_password(password, user=get_user_model()(first_name=name, email=email))
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from None
    return password


class AccessRefused(DomainError):
    pass


@transaction.atomic
def give_online_access(*, member: Member, by) -> tuple:
    """A coordinator gives a member (who joined by phone or on paper) a login, or a new temporary
    password for the one they have. Returns (user, temporary password): the password is shown once and
    printed, never stored in clear nor logged; the member must choose their own at the next sign-in."""
    member = Member.objects.select_for_update(of=("self",)).select_related("association", "user").get(pk=member.pk)
    if member.erased_at is not None or member.status == Member.Status.LEFT:
        raise AccessRefused(_("A member who has left or whose data were erased cannot be given online access."))
    user = member.user
    if user is None:
        user = get_user_model().objects.create_user(username=free_username(member))  # unusable password for now
        member.user = user
        member.save(update_fields=["user"])
        action = AuditEntry.Action.ACCESS
    else:
        # A coordinator must not take over a team member's login through their household.
        if user.is_staff or user.is_superuser or Role.objects.filter(user=user).exists():
            raise AccessRefused(_("This login also belongs to a team member: they change their password "
                                  "themselves (profile, or \"Forgotten password?\")."))
        if not user.is_active:
            raise AccessRefused(_("This login is disabled."))
        action = AuditEntry.Action.PASSWORD
    password = core_services.issue_temporary_password(user=user, by=by)
    audit(member, by=by, action=action)
    return user, password


# --- Personal data rights ------------------------------------------------------------------------

def member_data(member: Member) -> dict:
    """Everything Grappe stores about a member, as plain values (the JSON export)."""
    return {
        "number": member.number,
        "association": member.association.name,
        "group": member.group.name,
        "kind": member.kind,
        "name": member.name,
        "first_name": member.first_name,
        "language": member.language,
        "adults": member.adults,
        "children": member.children,
        "phone": member.phone,
        "email": member.email,
        "preferred_channel": member.preferred_channel,
        "commune": member.commune.name if member.commune else None,
        "category": member.category,
        "priority_basis": member.priority_basis,
        "basis_partner": member.basis_partner.name if member.basis_partner else None,
        "basis_date": member.basis_date.isoformat() if member.basis_date else None,
        "review_date": member.review_date.isoformat() if member.review_date else None,
        "status": member.status,
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "reminders_opt_out": member.reminders_opt_out,
        "billing_address": member.billing_address,
        "siret": member.siret,
        "public_body": member.public_body,
        "chorus_service_code": member.chorus_service_code,
        # memberships, orders, baskets, payments, account entries, reminders sent: each app's own
        # (grappe.members.personal_data), under its machine key
        **{section.key: section.data for section in sections_for(member)},
    }


def export_member_data(*, member: Member, by, fmt: str) -> dict:
    audit(member, by=by, action=AuditEntry.Action.EXPORTED, detail=fmt)
    return member_data(member)


@transaction.atomic
def erase_member(*, member: Member, by, now=None) -> Member:
    """Anonymise the person; keep the member row (and so the accounting history) under its number.
    Journalled once committed (ids and date only: grappe.core.backup.journal_erasure), so that a
    restore of an older backup erases the person again (`now`: the first erasure's date, then)."""
    now = now or timezone.now()
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    if member.erased_at:
        return member
    user = member.user
    former = (member.phone, member.email, user.email if user is not None else "")
    core_services.forget_sign_in_records(  # sign-in failures and reset requests name the person
        user=user, usernames=[user.username] if user else [],
        emails=[member.email] + ([user.email] if user else []))
    member.name = str(_("Erased member"))
    member.first_name = ""
    member.billing_address = ""  # issued invoices keep their own copy (legal retention)
    member.phone = ""
    member.email = ""
    member.commune = None
    member.stop = None
    member.basis_partner = None
    member.basis_date = None
    member.review_date = None
    member.user = None
    member.reminders_opt_out = True
    member.erased_at = now
    if member.status != Member.Status.LEFT:
        member.status = Member.Status.LEFT
        member.left_on = timezone.localdate(now)
    member.save()
    Referral.objects.filter(member=member).update(household_name="—", phone="")
    member_erased.send(sender=Member, member=member, user=user, former=former)  # e.g. notify's log
    if user is not None:
        user.username = f"erased-{member.association_id}-{member.number}-{secrets.token_hex(4)}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    audit(member, by=by, action=AuditEntry.Action.ERASED)
    admit_from_waiting_list(group=member.group, by=by)
    transaction.on_commit(partial(backup.journal_erasure, member_id=member.pk,
                                  association_id=member.association_id, erased_at=now))
    return member


@transaction.atomic
def set_member_language(*, member: Member, language: str, by) -> bool:
    """A member chooses the language of her pages, printed forms, receipts and reminders ("" = the
    association's, French). Returns True when it changed. `by` is the member herself (or staff for her)."""
    from grappe.core.member_facing import MEMBER_LANGUAGES

    if language and language not in MEMBER_LANGUAGES:
        raise DomainError(_("This language is not offered."))
    return Member.objects.filter(pk=member.pk).exclude(language=language).update(language=language) == 1
