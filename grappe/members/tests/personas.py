"""The people every app's tests work with, built here only: the root conftest's `world` fixture and the
access matrix (grappe/network/tests/test_access_matrix.py) are this one set.

- in the association "VRAC Test" (groups Romans and Die, partner CCAS de Romans): `admin` (association
  admin), `coordinator` and `volunteer` (of Romans), `referrer` (the partner's social worker) and
  `member_user`, the login of the household `member` (Martin Jeanne, in Romans);
- `outsider`: the admin of another association, "Ailleurs";
- anonymous is no user: a client that has not signed in;
- the site's operator (`operator()`), a superuser in no association, only where a test needs one.

Every persona signs in with PASSWORD (the operator with OPERATOR_PASSWORD). A test that needs one more
person builds them with `person(...)`.
"""

from types import SimpleNamespace

from django.contrib.auth import get_user_model

from grappe.members.tests.factories import MemberFactory
from grappe.network.models import Role
from grappe.network.tests.factories import (
    PASSWORD,
    AssociationFactory,
    BuyingGroupFactory,
    PartnerFactory,
    UserFactory,
    make_role,
)

__all__ = ["OPERATOR_PASSWORD", "PASSWORD", "build_world", "operator", "person"]

OPERATOR_PASSWORD = "root-secret-2026"


def person(username: str, association=None, kind=None, *, groups=(), partner=None, **fields):
    """A user who signs in with PASSWORD; with a role of `kind` in `association` when one is given
    (a user with no role otherwise)."""
    user = UserFactory(username=username, **fields)
    if kind is not None:
        make_role(user, association, kind, groups=groups, partner=partner)
    return user


def operator(username: str = "root"):
    """The site's operator: a superuser with no role, who signs in with OPERATOR_PASSWORD."""
    return get_user_model().objects.create_superuser(username, f"{username}@example.org", OPERATOR_PASSWORD)


def build_world() -> SimpleNamespace:
    """The association with its two groups, its partner and one user per role; the outsider elsewhere."""
    association = AssociationFactory(name="VRAC Test", slug="vrac-test")
    group = BuyingGroupFactory(association=association, name="Romans")
    other_group = BuyingGroupFactory(association=association, name="Die")
    partner = PartnerFactory(association=association, name="CCAS de Romans", kind="ccas")
    admin = person("admin", association, Role.Kind.ADMIN)
    coordinator = person("coordinator", association, Role.Kind.COORDINATOR, groups=[group])
    volunteer = person("volunteer", association, Role.Kind.VOLUNTEER, groups=[group])
    referrer = person("referrer", association, Role.Kind.REFERRER, partner=partner)
    member_user = person("member")
    member = MemberFactory(association=association, group=group, user=member_user, name="Martin Jeanne")

    elsewhere = AssociationFactory(name="Ailleurs", slug="ailleurs")
    elsewhere_group = BuyingGroupFactory(association=elsewhere, name="Ailleurs-Centre")
    outsider = person("outsider", elsewhere, Role.Kind.ADMIN)
    return SimpleNamespace(
        association=association, group=group, other_group=other_group, partner=partner, admin=admin,
        coordinator=coordinator, volunteer=volunteer, referrer=referrer, member_user=member_user,
        member=member, elsewhere=elsewhere, elsewhere_group=elsewhere_group, outsider=outsider,
    )
