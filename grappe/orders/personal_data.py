""""Mes données": the member's orders, one row per order (grappe.members.personal_data)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grappe.core.money import format_euros, line_total
from grappe.members.personal_data import Section, day_in_words, iso

from .models import MemberOrder, quantity_label


def sections(member) -> list[Section]:
    orders = (MemberOrder.objects.filter(member=member).select_related("cycle")
              .prefetch_related("lines").order_by("-cycle__closes_at", "-pk"))
    rows, data = [], []
    for order in orders:
        lines = [line for line in order.lines.all() if line.quantity or line.tolerance]
        total = sum((line_total(line.unit_price, line.quantity) for line in lines), start=Decimal("0.00"))
        what = ", ".join(f"{line.name} {quantity_label(line.quantity, line.unit)}" for line in lines)
        rows.append((order.cycle.name, day_in_words(order.created_at), what or "—", format_euros(total)))
        data.append({"cycle": order.cycle.name, "created_at": iso(order.created_at),
                     "lines": [{"product": line.name, "unit": line.unit, "quantity": str(line.quantity),
                                "tolerance": str(line.tolerance), "unit_price": str(line.unit_price),
                                "allotted": None if line.allotted is None else str(line.allotted)}
                               for line in lines],
                     "total_ordered": str(total)})
    return [Section(key="orders", title=_("Orders"), order=20, rows=rows, data=data,
                    columns=(pgettext("the name of an order", "Order"), _("First ordered on"), _("What was ordered"), _("Amount ordered")))]
