""""Mes données": the member's baskets, one row per distribution (grappe.members.personal_data)."""

from django.utils.translation import gettext as _

from grappe.members.personal_data import Section, day_in_words, iso
from grappe.orders.models import quantity_label

from .models import Basket


def sections(member) -> list[Section]:
    baskets = (Basket.objects.filter(member=member).select_related("distribution")
               .prefetch_related("lines").order_by("-distribution__date", "-pk"))
    rows, data = [], []
    for basket in baskets:
        distribution = basket.distribution
        lines = list(basket.lines.all())
        what = ", ".join(f"{line.name} {quantity_label(line.allotted if line.served is None else line.served, line.unit)}"
                         for line in lines)
        rows.append((day_in_words(distribution.date), distribution.place or "—", basket.get_status_display(),
                     what or "—"))
        data.append({"date": iso(distribution.date), "place": distribution.place, "status": basket.status,
                     "lines": [{"product": line.name, "unit": line.unit, "allotted": str(line.allotted),
                                "served": None if line.served is None else str(line.served),
                                "unit_price": str(line.unit_price), "from_stock": line.from_stock}
                               for line in lines]})
    return [Section(key="baskets", title=_("Baskets"), order=30, rows=rows, data=data,
                    columns=(_("Distribution"), _("Place"), _("Basket"), _("What was in it")))]
