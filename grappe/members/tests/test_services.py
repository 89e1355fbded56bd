import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from grappe.core.errors import REFUSED, DomainError
from grappe.members import services
from grappe.members.models import AuditEntry, Member, Referral
from grappe.members.tests.factories import MemberFactory
from grappe.members.tests.personas import person
from grappe.network.tests.factories import BuyingGroupFactory

pytestmark = pytest.mark.django_db


def fill(group, priority, solidarity):
    for _ in range(priority):
        MemberFactory(association=group.association, group=group, category="priority")
    for _ in range(solidarity):
        MemberFactory(association=group.association, group=group, category="solidarity", priority_basis="")


def solidarity(group, by, name="Solidaire"):
    return services.admit_member(group=group, by=by, name=name, phone="0600000000", category="solidarity")


def test_solidarity_member_admitted_when_share_stays_at_exactly_seventy_percent(world):
    group = BuyingGroupFactory(association=world.association)
    fill(group, 7, 2)
    member = solidarity(group, world.coordinator)
    assert member.status == Member.Status.ACTIVE  # 7 / 10 = 70 %


def test_solidarity_member_waits_when_share_would_fall_below_threshold(world):
    group = BuyingGroupFactory(association=world.association)
    fill(group, 7, 3)
    member = solidarity(group, world.coordinator)
    assert member.status == Member.Status.WAITING
    assert member.waiting_since is not None
    assert services.waiting_position(member) == 1


def test_waiting_list_is_admitted_in_order_as_soon_as_the_share_allows(world):
    group = BuyingGroupFactory(association=world.association)
    fill(group, 7, 3)
    first = solidarity(group, world.coordinator, "Premier")
    second = solidarity(group, world.coordinator, "Second")
    assert services.waiting_position(second) == 2
    # Three more priority households: 10 / 14 >= 70 % admits one, 11 / 15 not yet the second... count exactly.
    for _ in range(3):
        services.admit_member(group=group, by=world.coordinator, name="P", phone="06", category="priority",
                              priority_basis="qpv")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Member.Status.ACTIVE  # 10 priority / 14 = 71.4 %
    assert second.status == Member.Status.WAITING  # 10 / 15 = 66.7 % would break it
    services.admit_member(group=group, by=world.coordinator, name="P", phone="06", category="priority",
                          priority_basis="qpv")
    second.refresh_from_db()
    assert second.status == Member.Status.WAITING  # 11 / 16 = 68.75 %
    services.admit_member(group=group, by=world.coordinator, name="P", phone="06", category="priority",
                          priority_basis="qpv")
    second.refresh_from_db()
    assert second.status == Member.Status.ACTIVE  # 12 / 17 = 70.6 %


def test_a_solidarity_member_leaving_frees_a_place_for_the_first_waiting(world):
    group = BuyingGroupFactory(association=world.association)
    fill(group, 7, 3)
    waiting = solidarity(group, world.coordinator)
    leaver = Member.objects.filter(group=group, category="solidarity", status="active").first()
    services.member_leaves(member=leaver, by=world.coordinator)
    waiting.refresh_from_db()
    assert waiting.status == Member.Status.ACTIVE


def test_changing_a_priority_member_to_solidarity_below_quota_is_refused(world):
    group = BuyingGroupFactory(association=world.association)
    fill(group, 7, 3)
    member = Member.objects.filter(group=group, category="priority").first()
    with pytest.raises(services.QuotaExceeded, match="70"):
        services.change_category(member=member, by=world.coordinator, category="solidarity")
    member.refresh_from_db()
    assert member.category == "priority"


def test_category_change_is_audited_without_values(world):
    member = world.member
    services.change_category(member=member, by=world.coordinator, category="priority", priority_basis="qpv")
    entry = AuditEntry.objects.get(member=member, action=AuditEntry.Action.CATEGORY)
    assert entry.actor == world.coordinator
    assert "priority_basis" in entry.fields
    assert "qpv" not in json.dumps(entry.fields)


def test_priority_needs_a_basis(world):
    with pytest.raises(DomainError):
        services.admit_member(group=world.group, by=world.coordinator, name="X", category="priority")


def test_membership_fee_below_the_minimum_is_refused(world):
    with pytest.raises(services.FeeTooLow, match="1"):
        services.record_membership(member=world.member, by=world.volunteer, year=2026, fee=Decimal("0.50"))


def test_membership_unpaid_until_paid(world):
    services.record_membership(member=world.member, by=world.volunteer, year=2026, fee=Decimal("1"))
    assert not services.membership_is_paid(world.member, 2026)
    services.record_membership(member=world.member, by=world.volunteer, year=2026, fee=Decimal("1"),
                               paid_on="2026-03-01", means="cash")
    assert services.membership_is_paid(world.member, 2026)


def test_member_numbers_are_per_association(world):
    a = services.admit_member(group=world.group, by=world.coordinator, name="A", category="priority",
                              priority_basis="qpv")
    b = services.admit_member(group=world.elsewhere_group, by=world.outsider, name="B", category="priority",
                              priority_basis="qpv")
    assert a.number == world.member.number + 1
    assert b.number == 1


def test_referral_registration_makes_a_priority_member_referred_by_the_partner(world):
    referral = services.create_referral(partner=world.partner, group=world.group, by=world.referrer,
                                        household_name="M. D.", persons=3)
    assert len(referral.code) == 8
    member = services.register_with_code(code=referral.code.lower(), name="Dupont Marie", phone="0611223344",
                                         adults=1, children=2)
    referral.refresh_from_db()
    assert member.category == Member.Category.PRIORITY
    assert member.priority_basis == Member.PriorityBasis.REFERRAL
    assert member.basis_partner == world.partner
    assert member.status == Member.Status.ACTIVE
    assert referral.member == member and referral.has_joined


def test_a_referral_code_joins_only_once(world):
    referral = services.create_referral(partner=world.partner, group=world.group, by=world.referrer,
                                        household_name="X")
    services.register_with_code(code=referral.code, name="Un", phone="06")
    with pytest.raises(services.InvalidReferralCode):
        services.register_with_code(code=referral.code, name="Deux", phone="06")
    with pytest.raises(services.InvalidReferralCode):
        services.register_with_code(code="NOPE1234", name="Trois", phone="06")


def test_registration_with_a_password_creates_a_login(world):
    referral = services.create_referral(partner=world.partner, group=world.group, by=world.referrer,
                                        household_name="X")
    member = services.register_with_code(code=referral.code, name="Un", phone="06", password="long-password-1")
    assert member.user.check_password("long-password-1")
    assert member.user.username.startswith(f"{world.association.slug}-")
    assert str(member.number) not in member.user.username


def test_registration_refuses_a_weak_password(world):
    referral = services.create_referral(partner=world.partner, group=world.group, by=world.referrer,
                                        household_name="X")
    with pytest.raises(DomainError):
        services.register_with_code(code=referral.code, name="Un", phone="06", password="12345678")
    referral.refresh_from_db()
    assert referral.member is None


def test_the_join_form_refuses_a_weak_password_and_shows_what_was_typed(world, client):
    referral = services.create_referral(partner=world.partner, group=world.group, by=world.referrer,
                                        household_name="X")
    response = client.post(reverse("members:register"), {
        "code": referral.code, "name": "Durand Zoé", "phone": "0601020304", "adults": 1, "children": 0,
        "preferred_channel": "sms", "password": "12345678"})
    assert response.status_code == REFUSED  # the page again, with what was typed
    page = response.content.decode()
    assert "Durand Zoé" in page and "trop courant" in page
    referral.refresh_from_db()
    assert referral.member is None


def test_export_contains_the_data_and_is_audited(world):
    data = services.export_member_data(member=world.member, by=world.member_user, fmt="json")
    assert data["name"] == "Martin Jeanne"
    assert data["group"] == world.group.name
    assert AuditEntry.objects.filter(member=world.member, action="exported", actor=world.member_user).exists()


def test_erasure_anonymises_the_person_and_keeps_the_row(world):
    referral = Referral.objects.create(association=world.association, partner=world.partner, group=world.group,
                                       code="ABCDEFGH", household_name="Jeanne M.", phone="0612",
                                       member=world.member)
    services.record_membership(member=world.member, by=world.volunteer, year=2026, fee=Decimal("5"),
                               paid_on="2026-01-10", means="cash")
    user = world.member_user
    services.erase_member(member=world.member, by=world.coordinator)
    member = Member.objects.get(pk=world.member.pk)
    referral.refresh_from_db()
    user.refresh_from_db()
    assert member.name != "Martin Jeanne" and member.phone == "" and member.erased_at
    assert member.user is None and not user.is_active and not user.has_usable_password()
    assert referral.household_name == "—" and referral.phone == ""
    assert member.memberships.get().fee == Decimal("5.00")  # the accounting history is kept
    assert AuditEntry.objects.filter(member=member, action="erased").exists()


def test_an_erasure_is_journalled_beside_the_backups_once_committed_with_ids_and_dates_only(
        world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.BACKUP_DIR = str(tmp_path)
    settings.BACKUP_JOURNAL = None
    erased_at = datetime(2026, 11, 5, 9, 30, tzinfo=UTC)
    with django_capture_on_commit_callbacks() as callbacks:
        services.erase_member(member=world.member, by=world.coordinator, now=erased_at)
        assert not (tmp_path / "erasures.jsonl").exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    [line] = (tmp_path / "erasures.jsonl").read_text().splitlines()
    entry = json.loads(line)
    assert set(entry) == {"member", "association", "erased_at", "at"}
    assert (entry["member"], entry["association"]) == (world.member.pk, world.association.pk)
    assert entry["erased_at"] == erased_at.isoformat() and "Martin" not in line
    assert Member.objects.get(pk=world.member.pk).erased_at == erased_at


def test_an_erasure_rolled_back_is_not_journalled(world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.BACKUP_DIR = str(tmp_path)
    settings.BACKUP_JOURNAL = None
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            services.erase_member(member=world.member, by=world.coordinator)
            raise RuntimeError
    assert callbacks == []
    assert not (tmp_path / "erasures.jsonl").exists()


def test_updating_personal_data_is_audited_by_field_name(world):
    changed = services.update_member(member=world.member, by=world.coordinator, phone="0700000000",
                                     name="Martin Jeanne")
    assert changed == ["phone"]
    entry = AuditEntry.objects.get(member=world.member, action="changed")
    assert entry.fields == ["phone"]


def test_group_quotas_reports_capacity(world):
    group = BuyingGroupFactory(association=world.association)
    fill(group, 14, 3)
    [figures] = services.group_quotas(type(group).objects.filter(pk=group.pk))
    assert (figures.priority, figures.solidarity, figures.capacity, figures.is_met) == (14, 3, 3, True)
    assert figures.share_percent == Decimal("82.4")


def test_unrelated_user_sees_nothing(world):
    from grappe.network.access import scope_for

    stranger = person("stranger")
    assert list(scope_for(stranger).groups()) == []
