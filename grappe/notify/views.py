from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.accounts.views import receipt_page
from grappe.core.errors import REFUSED, DomainError
from grappe.distribution.queries import basket_for
from grappe.network.access import ADMIN, COORDINATOR, MEMBER, VOLUNTEER, require_scope

from . import services
from .engine import route_for
from .forms import ReminderSettingsForm
from .gsm import parts as sms_parts
from .models import ReminderSetting, SentNotification
from .phones import readable_phone
from .queries import notification_for, notifications_for
from .reminders import REGISTRY, Due, Recipient


@require_scope(ADMIN, COORDINATOR)
def log(request: HttpRequest) -> HttpResponse:
    rows = notifications_for(request.scope).select_related("member", "user", "group")
    status, kind = request.GET.get("statut", ""), request.GET.get("type", "")
    if status in SentNotification.Status.values:
        rows = rows.filter(status=status)
    if kind in REGISTRY:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    labels = {name: kind.label for name, kind in REGISTRY.items()}
    for row in page.object_list:
        row.kind_label = labels.get(row.kind, row.kind)
        row.sms_parts = sms_parts(row.text) if row.channel == SentNotification.Channel.SMS else 0  # billed per part
    return render(request, "notify/log.html", {
        "page": page, "status": status, "kind": kind, "statuses": SentNotification.Status.choices,
        "kinds": sorted(labels.items(), key=lambda pair: str(pair[1])),
    })


@require_scope(ADMIN, COORDINATOR, VOLUNTEER)
def calls(request: HttpRequest) -> HttpResponse:
    """Members who read no SMS nor e-mail: the reminders a volunteer tells them by phone or at the group."""
    rows = (notifications_for(request.scope).filter(status=SentNotification.Status.TO_CALL)
            .exclude(member__erased_at__isnull=False)  # an erased member is called no more
            .select_related("member", "user", "group").order_by("group__name", "member__name", "created_at"))
    labels = {name: kind.label for name, kind in REGISTRY.items()}
    rows = list(rows[:300])
    for row in rows:
        row.kind_label = labels.get(row.kind, row.kind)
    return render(request, "notify/calls.html", {"rows": rows})


@require_POST
@require_scope(ADMIN, COORDINATOR, VOLUNTEER)
def call_done(request: HttpRequest, pk: int) -> HttpResponse:
    row = notification_for(request.scope, pk)
    if services.mark_called(by=request.user, notification=row):
        messages.success(request, _("Noted: %(member)s has been told.") % {"member": row.member or row.user or row.address})
    return redirect("notify:calls")


@require_scope(MEMBER)
def preferences(request: HttpRequest) -> HttpResponse:
    member = request.scope.member
    if request.method == "POST":
        wanted = request.POST.get("reminders") == "on"
        services.set_reminders(member=member, wanted=wanted)
        messages.success(request, _("Reminders are on.") if wanted else _("Reminders are off. You can switch them "
                                                                         "back on at any time."))
        return redirect("notify:preferences")
    member.refresh_from_db(fields=["reminders_opt_out"])
    # the channel the reminders will really take: the one the engine picks, as member reminders are addressed
    route = route_for(Due(kind="", key="", recipient=Recipient(member=member)))
    return render(request, "notify/preferences.html", {
        "member": member, "route": route, "address": readable_phone(route.address),
        "chosen_unusable": route.channel != member.preferred_channel})


@require_scope(ADMIN, COORDINATOR, VOLUNTEER)
@require_POST
def send_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The button on the receipt page (grappe.accounts): send it to the member by SMS or e-mail (their
    preferred channel), logged here. Refused: the receipt page again, with the reason."""
    basket = basket_for(request.scope, pk)
    try:
        sent = services.send_receipt(basket=basket, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return receipt_page(request, basket, status=REFUSED)
    if sent.channel == sent.Channel.SMS:
        messages.success(request, _("Receipt sent by SMS to %(address)s.") % {"address": sent.address})
    else:
        messages.success(request, _("Receipt sent by e-mail to %(address)s.") % {"address": sent.address})
    return redirect("accounts:receipt", basket.pk)


@require_scope(ADMIN)
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """The association chooses which reminders go out and by which channels (grappe.notify.channels:
    its choice comes before the member's channel)."""
    association = request.scope.association
    kinds = [(name, REGISTRY[name].label) for name in services.chosen_kinds()]
    current = {row.kind: {"enabled": row.enabled, "sms": row.by_sms, "email": row.by_email, "call": row.by_call}
               for row in ReminderSetting.objects.filter(association=association)}
    form = ReminderSettingsForm(request.POST or None, kinds=kinds, current=current)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                services.save_reminder_settings(association=association, by=request.user, choices=form.choices())
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Saved."))
                return redirect("notify:settings")
    return render(request, "notify/reminder_settings.html", {"form": form}, status=status)
