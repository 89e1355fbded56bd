"""Purchase orders: made at confirming, one per supplier, then e-mailed to each supplier once."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from grappe.catalogue.models import Product
from grappe.core.errors import DomainError
from grappe.core.money import round_cents
from grappe.core.pdf import render_pdf_bytes

from ..closing import below_minimum, free_delivery
from ..models import CycleGroup, PurchaseLine, PurchaseOrder, PurchaseOrderSend
from .sql import insert_rows

ZERO = Decimal("0")


def _next_number(cycle, supplier) -> str:
    """BC-0012-003: the cycle's and the supplier's ids (one purchase order per supplier and cycle)."""
    return f"BC-{cycle.pk:04d}-{supplier.pk:03d}"


def write_purchase_orders(cycle, plan):
    """One purchase order per supplier of the products to buy in the closing plan (`plan.products`
    with packs), delivered for the cycle's first distribution at the association's address: the
    orders, then all their lines in one statement. Called by confirm_cycle, in its transaction."""
    cycle_groups = list(CycleGroup.objects.filter(cycle=cycle).select_related("site"))
    first_date = min((cg.distribution_date for cg in cycle_groups), default=None)
    place = cycle.association.address or cycle.association.name
    by_supplier = defaultdict(list)
    for p in plan.products.values():
        if p.packs > 0:
            by_supplier[p.price.supplier_id].append(p)
    suppliers = {s.pk: s for s in cycle.association.suppliers.filter(pk__in=list(by_supplier))}
    references = dict(Product.objects.filter(pk__in=[p.price.product_id for ps in by_supplier.values() for p in ps])
                      .values_list("pk", "reference"))
    orders, lines = [], []
    for supplier_id, products in sorted(by_supplier.items()):
        supplier = suppliers[supplier_id]
        po = PurchaseOrder(cycle=cycle, supplier=supplier, number=_next_number(cycle, supplier),
                           delivery_date=first_date, delivery_place=place)
        po_lines = []
        for p in sorted(products, key=lambda p: p.price.name):
            price = p.price
            amount = p.amount_excl_vat
            vat = round_cents(amount * price.vat_rate / 100)
            po_lines.append(PurchaseLine(purchase_order=po, product_id=price.product_id, name=price.name,
                                         reference=references.get(price.product_id, ""),
                                         unit=price.unit, pack_size=price.pack_size, packs=p.packs, quantity=p.bought,
                                         pack_price_excl_vat=price.pack_price_excl_vat, vat_rate=price.vat_rate,
                                         amount_excl_vat=amount, amount_vat=vat))
        po.total_excl_vat = sum((line.amount_excl_vat for line in po_lines), ZERO)
        po.total_vat = sum((line.amount_vat for line in po_lines), ZERO)
        po.total_incl_vat = po.total_excl_vat + po.total_vat
        po.packs = sum((line.packs for line in po_lines if line.pack_size), ZERO)
        po.below_minimum = below_minimum(supplier, po.total_excl_vat, po.packs)  # the cycle's page showed it
        po.free_delivery = free_delivery(supplier, po.total_excl_vat)
        orders.append(po)
        lines.extend(po_lines)
    PurchaseOrder.objects.bulk_create(orders)
    for line in lines:
        line.purchase_order_id = line.purchase_order.pk
    insert_rows(PurchaseLine, lines)


def _day(day) -> str:
    """"samedi 5 décembre 2026" in the active language (never ISO in a letter); "" without a date."""
    return date_format(day, "l j F Y") if day else ""


def purchase_order_mail(po: PurchaseOrder, pdf: bytes) -> EmailMessage:
    association = po.cycle.association
    mail = EmailMessage(
        subject=_("Purchase order %(number)s from %(association)s") % {"number": po.number,
                                                                        "association": association.name},
        body=_("Hello,\n\nPlease find attached our purchase order %(number)s, for delivery on %(date)s.\n\n"
               "Best regards,\n%(association)s") % {"number": po.number, "association": association.name,
                                                     "date": _day(po.delivery_date)},
        to=[po.supplier.email], reply_to=[association.email] if association.email else None)
    mail.attach(f"{po.number}.pdf", pdf, "application/pdf")
    return mail


def purchase_order_context(po: PurchaseOrder) -> dict:
    """What the purchase order's PDF shows (the page that downloads it, the worker that e-mails it)."""
    return {"po": po, "lines": list(po.lines.all()), "association": po.cycle.association, "cycle": po.cycle}


def send_purchase_order(*, purchase_order: PurchaseOrder, by, again: bool = False, now=None) -> PurchaseOrder:
    """Have the purchase order e-mailed to its supplier by the job queue (jobs.send_purchase_order).

    Once, unless `again`: an order already sent is sent again only when the person said so (the tick on
    the purchase orders page); each e-mail, first or again, sent or failed, adds a PurchaseOrderSend.
    Queuing is a conditional update (not already waiting -> queued): of two clicks, only one wins, and
    the other is told it was already sent or is waiting. The task is enqueued after the commit
    (`transaction.on_commit`), never for a change that was rolled back."""
    now = now or timezone.now()
    po = purchase_order
    if not po.supplier.email:
        raise DomainError(_("This supplier has no e-mail address: download the PDF and send it another way."))
    with transaction.atomic():
        waiting = PurchaseOrder.objects.filter(pk=po.pk, sending__in=["", PurchaseOrder.Sending.FAILED])
        if not again:
            waiting = waiting.filter(sent_at__isnull=True)
        won = waiting.update(sending=PurchaseOrder.Sending.QUEUED, send_error="", send_requested_at=now,
                             send_requested_by=by)
        if not won:
            current = PurchaseOrder.objects.get(pk=po.pk)
            if current.sending in (PurchaseOrder.Sending.QUEUED, PurchaseOrder.Sending.SENDING):
                raise DomainError(_("This purchase order is already waiting to be sent."))
            raise AlreadySent(_("This purchase order was already sent to %(email)s on %(when)s. To send it "
                                "again, tick the box that confirms it."),
                              email=current.sent_to, when=sent_on(current.sent_at))
        transaction.on_commit(partial(_enqueue, po.pk))
    po.refresh_from_db()
    return po


class AlreadySent(DomainError):
    """Sending again needs the person's confirmation."""


def sent_on(moment) -> str:
    """"samedi 5 décembre à 10 h 12" in the active language."""
    local = timezone.localtime(moment)
    time = date_format(local, "G\u00a0\\h\u00a0i")  # "10 h 12", never cut at the end of a line
    return _("%(day)s at %(time)s") % {"day": date_format(local, "l j F"), "time": time}


def _enqueue(purchase_order_id: int) -> None:
    # Imported here: jobs.py imports this module to register its task.
    from ..jobs import send_purchase_order as task

    task.enqueue(purchase_order_id)


def deliver_purchase_order(*, purchase_order_id: int, now=None) -> bool:
    """Render the PDF and e-mail it (called by the worker); True if this call sent it.

    Claiming is a conditional update (queued -> sending): a task run twice sends once. A run that finds
    the order still "sending" follows a run that was stopped mid-way: whether its e-mail left is unknown,
    so the order is marked failed with a word to check before trying again (never a second e-mail on its
    own). An e-mail that cannot leave marks the order failed with the error, to be tried again."""
    claimed = PurchaseOrder.objects.filter(pk=purchase_order_id, sending=PurchaseOrder.Sending.QUEUED).update(
        sending=PurchaseOrder.Sending.SENDING)
    if not claimed:
        _fail(purchase_order_id, str(_("the sending was interrupted; ask the supplier whether the e-mail arrived")),
              states=[PurchaseOrder.Sending.SENDING])
        return False
    po = PurchaseOrder.objects.select_related("supplier", "cycle__association").get(pk=purchase_order_id)
    email = po.supplier.email
    try:
        if not email:
            raise DomainError(_("the supplier has no e-mail address"))
        pdf = render_pdf_bytes("orders/purchase_order_pdf.html", purchase_order_context(po))
        purchase_order_mail(po, pdf).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any SMTP, socket or rendering error: the order is not sent
        detail = str(error) if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
        _fail(purchase_order_id, detail, states=[PurchaseOrder.Sending.SENDING], now=now)
        return False
    now = now or timezone.now()
    PurchaseOrder.objects.filter(pk=po.pk, sending=PurchaseOrder.Sending.SENDING).update(
        sent_at=now, sent_to=email, sending="", send_error="")
    PurchaseOrderSend.objects.create(purchase_order=po, at=now, to=email, by_id=po.send_requested_by_id, ok=True)
    PurchaseOrder.objects.filter(pk=po.pk, status=PurchaseOrder.Status.DRAFT).update(status=PurchaseOrder.Status.SENT)
    return True


def abandon_sending(purchase_order_id: int, **_kwargs) -> None:
    """The job queue gave up on this e-mail (its worker was stopped three times)."""
    _fail(purchase_order_id, str(_("the sending was interrupted three times")),
          states=[PurchaseOrder.Sending.QUEUED, PurchaseOrder.Sending.SENDING])


def _fail(purchase_order_id: int, message: str, *, states, now=None) -> None:
    """Mark the order failed (if it is in one of `states`) and log the failed e-mail."""
    failed = PurchaseOrder.objects.filter(pk=purchase_order_id, sending__in=states).update(
        sending=PurchaseOrder.Sending.FAILED, send_error=message[:300])
    if failed:
        po = PurchaseOrder.objects.select_related("supplier").get(pk=purchase_order_id)
        PurchaseOrderSend.objects.create(purchase_order=po, at=now or timezone.now(), to=po.supplier.email,
                                         by_id=po.send_requested_by_id, ok=False, error=message[:300])
