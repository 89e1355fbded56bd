"""Who may see and do what: every view fetches through these helpers.

A user works in one association. Admins reach all of its groups; coordinators and volunteers the
groups of their roles; a partner referrer only their partner's referrals; a member only their own
data. Anything outside that is a 404, so nothing leaks whether it exists.
"""

from dataclasses import dataclass, field
from functools import wraps

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
        return self.is_admin or group_id in self.group_ids


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


def group_for(scope: Scope, pk: int) -> BuyingGroup:
    try:
        return scope.groups().select_related("territory", "host", "association").get(pk=pk)
    except BuyingGroup.DoesNotExist:
        raise Http404 from None
