"""The orders services' refusals: each carries a French message the view or the API shows."""

from grappe.core.errors import DomainError


class OrderRefused(DomainError):
    pass


class CycleNotOpen(OrderRefused):
    pass


class MembershipUnpaid(OrderRefused):
    pass


class CycleStateError(DomainError):
    pass


class CycleSettled(CycleStateError):
    pass
