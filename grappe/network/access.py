"""Who may see and do what: every view and the API fetch through the `*_for` helpers built on these.

A user works in one association. Admins reach all of its groups; coordinators and volunteers the
groups of their roles; a partner referrer only their partner's referrals; a member only their own
data. Anything outside that is a 404, so nothing leaks whether it exists.

Objects that span several groups (an order cycle, and with it its purchase orders and invoices) are
read by anyone who reaches at least one of their groups (`Scope.reaches_any`) and changed only by an
admin or a coordinator of every group they cover (`Scope.reaches_all`): a change there (closing,
confirming, settling) acts on every group's members. Seeing an object one may not change is a 403
(`require_write`), not a 404: its existence is no secret to someone who can read it.
The per-kind helpers live with their app (`orders.queries.cycle_for`, `members.queries.member_for`,
`distribution.queries.basket_for`...); docs/architecture.md lists who may read and write what.
"""

from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Association, BuyingGroup, Role

ADMIN = Role.Kind.ADMIN
COORDINATOR = Role.Kind.COORDINATOR
VOLUNTEER = Role.Kind.VOLUNTEER
REFERRER = Role.Kind.REFERRER
MEMBER = "member"


@dataclass
class Scope:
    user: object
    association: Association | None = None
    kinds: set = field(default_factory=set)
    group_ids: set = field(default_factory=set)
    coordinated_ids: set = field(default_factory=set)  # the groups of their coordinator roles only
    partner_id: int | None = None
    member: object = None

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.kinds

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and admins: may change members, catalogue and cycles."""
        return bool(self.kinds & {ADMIN, COORDINATOR})

    @property
    def is_staff(self) -> bool:
        """Anyone who works for a group: admin, coordinator or volunteer."""
        return bool(self.kinds & {ADMIN, COORDINATOR, VOLUNTEER})

    @property
    def is_referrer(self) -> bool:
        return REFERRER in self.kinds

    @property
    def is_member(self) -> bool:
        return self.member is not None

    def groups(self):
        if self.association is None:
            return BuyingGroup.objects.none()
        groups = BuyingGroup.objects.filter(association=self.association)
        return groups if self.is_admin else groups.filter(pk__in=self.group_ids)

    def has_group(self, group_id: int) -> bool:
        return self.association is not None and (self.is_admin or group_id in self.group_ids)

    def reaches_any(self, group_ids) -> bool:
        """Read rule for an object of several groups: staff of at least one of them (admins: any);
        a member: their own group among them."""
        group_ids = set(group_ids)
        if self.association is None or not group_ids:
            return False
        if self.is_admin or group_ids & self.group_ids:
            return True
        return self.member is not None and self.member.group_id in group_ids

    def reaches_all(self, group_ids) -> bool:
        """Write rule for an object of several groups: an admin, or a coordinator of every one of them."""
        group_ids = set(group_ids)
        if self.association is None or not group_ids:
            return False
        return self.is_admin or group_ids <= self.coordinated_ids


def scope_for(user) -> Scope:
    if not user.is_authenticated:
        return Scope(user=user)
    cached = getattr(user, "_grappe_scope", None)
    if cached is not None:
        return cached
    scope = Scope(user=user)
    for role in Role.objects.filter(user=user).select_related("association").prefetch_related("groups"):
        if scope.association is None:
            scope.association = role.association
        if role.association_id != scope.association.pk:
            continue
        scope.kinds.add(role.kind)
        scope.group_ids.update(g.pk for g in role.groups.all())
        if role.kind == COORDINATOR:
            scope.coordinated_ids.update(g.pk for g in role.groups.all())
        if role.kind == REFERRER:
            scope.partner_id = role.partner_id
    member = getattr(user, "member", None) if hasattr(user, "member") else None
    if member is not None and member.erased_at is None:
        if scope.association is None or scope.association.pk == member.association_id:
            scope.member = member
            scope.association = scope.association or member.association
            scope.kinds.add(MEMBER)
    user._grappe_scope = scope
    return scope


def require_scope(*kinds):
    """A view decorator: the user must hold one of the kinds (404 otherwise). Adds request.scope."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            scope = scope_for(request.user)
            if kinds and not (scope.kinds & set(kinds)):
                raise Http404
            request.scope = scope
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require_write(scope: Scope, group_ids, *, role=True) -> None:
    """After a read helper found the object: may this user change it? 404 when their role never may
    (`role` false, e.g. a volunteer), 403 when they see it but it reaches groups beyond theirs."""
    if not role:
        raise Http404
    if not scope.reaches_all(group_ids):
        raise PermissionDenied


def group_for(scope: Scope, pk: int, *, write: bool = False) -> BuyingGroup:
    """A buying group the user works in (admins: any of the association's); `write`: coordinators only."""
    if write and not scope.is_coordinator:
        raise Http404
    try:
        return scope.groups().select_related("territory", "host", "association").get(pk=pk)
    except (BuyingGroup.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def partner_for(scope: Scope, pk: int):
    """A partner of the user's association (partners are the association's, not a group's)."""
    from .models import Partner

    found = Partner.objects.filter(association=scope.association, pk=pk).first() if scope.association else None
    if found is None:
        raise Http404
    return found
