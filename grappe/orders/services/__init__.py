"""The only write path for cycles, orders, closing, purchase orders, receipt and stock.

One module per seam; import the services from here (`from grappe.orders.services import place_order`):

- cycles.py: create, change or delete a draft, open, extend the deadline, schedule the distributions; a cycle's history
  (`record_event`), the guard of a settled cycle (`ensure_not_settled`) and its lock (`lock_cycle`);
- ordering.py: `place_order`, `set_line` and their refusals;
- closing.py: `close_cycle`, `reopen_orders` (the way back, until purchase orders exist),
  `close_due_cycles`, `confirm_cycle` (which writes the plan of
  grappe/orders/closing.py, `compute_plan`, a read-only module outside this package);
- purchase_orders.py: the purchase orders made at confirming, and sending them to suppliers;
- receipt.py: `record_receipt`, and the shares computed again from what was delivered;
- stock.py: the stock ledger (`apply_stock_moves`, `adjust_stock`);
- sql.py: the bulk SQL of closing and receipt (one statement for any number of rows);
- errors.py: the refusals (OrderRefused, CycleStateError...).

Locking policy (docs/architecture.md, "Orders: locking"): every order change and every state change
of a cycle first takes `select_for_update()` on the cycle row, inside one transaction; so a change
either commits before the closing (and is counted) or sees the cycle closed (and is refused). State
changes are conditional updates that must touch exactly one row.
"""

from grappe.core.errors import DomainError

from .closing import close_cycle, close_due_cycles, confirm_cycle, reopen_orders
from .cycles import (
    SCHEDULE_FROZEN,
    GroupPlan,
    GroupSchedule,
    StopSchedule,
    create_cycle,
    delete_draft_cycle,
    ensure_not_settled,
    extend_deadline,
    lock_cycle,
    open_cycle,
    record_event,
    set_distribution_schedule,
    update_draft_cycle,
)
from .errors import CycleNotOpen, CycleSettled, CycleStateError, MembershipUnpaid, OrderRefused
from .ordering import LineChange, membership_paid, place_order, set_line
from .purchase_orders import (
    AlreadySent,
    abandon_sending,
    deliver_purchase_order,
    purchase_order_context,
    purchase_order_mail,
    send_purchase_order,
    sent_on,
)
from .receipt import ReceivedLine, record_receipt
from .stock import adjust_stock, apply_stock_moves

__all__ = [
    "AlreadySent",
    "abandon_sending",
    "deliver_purchase_order",
    "SCHEDULE_FROZEN",
    "CycleNotOpen",
    "CycleSettled",
    "CycleStateError",
    "DomainError",
    "GroupPlan",
    "GroupSchedule",
    "LineChange",
    "MembershipUnpaid",
    "OrderRefused",
    "ReceivedLine",
    "StopSchedule",
    "adjust_stock",
    "apply_stock_moves",
    "close_cycle",
    "close_due_cycles",
    "confirm_cycle",
    "create_cycle",
    "delete_draft_cycle",
    "ensure_not_settled",
    "lock_cycle",
    "extend_deadline",
    "membership_paid",
    "open_cycle",
    "place_order",
    "purchase_order_context",
    "purchase_order_mail",
    "record_event",
    "record_receipt",
    "reopen_orders",
    "send_purchase_order",
    "sent_on",
    "set_distribution_schedule",
    "set_line",
    "update_draft_cycle",
]
