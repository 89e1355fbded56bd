"""A coordinator's one-off message when plans change: compose, preview, send; the list and each message.
Staff pages (French and English), apart from the member-facing views.py."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grappe.core.errors import REFUSED, DomainError
from grappe.distribution.models import Distribution
from grappe.network.access import ADMIN, COORDINATOR, require_scope
from grappe.network.models import Site
from grappe.orders.models import OrderCycle

from . import services
from .audiences import (
    Audience,
    Kind,
    audience_of,
    cycle_audience,
    distribution_audience,
    group_audience,
    messaging_groups,
    plan,
    price_per_part,
    stop_audience,
)
from .forms import MessageForm
from .kinds.messages import MESSAGE
from .models import SentNotification
from .queries import message_for, messages_for, notifications_for


def _place_of(audience: Audience) -> str:
    if audience.site is not None:
        return audience.site.name
    if audience.distribution is not None:
        return audience.distribution.place or audience.distribution.group.name
    return audience.group.name if audience.group is not None else ""


def _audience_label(audience: Audience) -> str:
    if audience.kind == Kind.GROUP:
        return _("The members of the group %(group)s") % {"group": audience.group.name}
    if audience.kind == Kind.STOP:
        return _("The members of the stop %(stop)s") % {"stop": audience.site.name}
    if audience.kind == Kind.CYCLE:
        label = _("The members who ordered in the cycle %(cycle)s") % {"cycle": audience.cycle.name}
        if audience.site is not None:
            return label + " · " + _("stop %(stop)s") % {"stop": audience.site.name}
        return label + (" · " + audience.group.name if audience.group is not None else "")
    day = date_format(audience.distribution.date, "l j F Y")
    if audience.kind == Kind.VOLUNTEERS:
        return _("The volunteers of the distribution of %(day)s, %(group)s") % {
            "day": day, "group": audience.distribution.group.name}
    return _("The members of the distribution of %(day)s, %(group)s") % {
        "day": day, "group": audience.distribution.group.name}


def _suggestions(audience: Audience) -> list[str]:
    """Texts to start from (a link each fills the box; the coordinator then changes them as needed)."""
    place = _place_of(audience)
    texts = [_("The van will be 40 minutes late at %(place)s. Thank you for your patience.") % {"place": place},
             _("The distribution is cancelled because of snow. We will tell you the new date.")]
    if audience.about_date is not None:
        texts.insert(0, _changed_text(audience))
    return texts


def _changed_text(audience: Audience) -> str:
    when = date_format(audience.about_date, "l j F")
    if audience.about_time:
        return _("Change: the distribution at %(place)s will take place on %(day)s, %(time)s.") % {
            "place": _place_of(audience), "day": when, "time": audience.about_time}
    return _("Change: the distribution at %(place)s will take place on %(day)s.") % {
        "place": _place_of(audience), "day": when}


def _compose(request: HttpRequest, audience: Audience) -> HttpResponse:
    """GET: the form (prefilled: ?texte=, or ?changement=1 for a new date). POST "preview": the preview;
    POST "send" (with the confirmation): sent, or queued until the quiet hours end."""
    step = request.POST.get("step", "") if request.method == "POST" else ""
    context = {"audience": audience, "audience_label": _audience_label(audience),
               "suggestions": _suggestions(audience), "max_text": services.MAX_TEXT}
    if step not in ("preview", "send"):  # the first visit, or "Change the message" from the preview
        if request.method == "POST":
            form = MessageForm(initial={key: request.POST.get(key, "") for key in ("text", "subject", "token")}
                               | {"about_date": request.POST.get("about_date") or audience.about_date})
        else:
            text = request.GET.get("texte", "")[:services.MAX_TEXT]
            if not text and request.GET.get("changement") and audience.about_date is not None:
                text = _changed_text(audience)
            form = MessageForm(initial={"text": text, "about_date": audience.about_date})
        return render(request, "notify/message_compose.html", {**context, "form": form})
    form = MessageForm(request.POST, sending=step == "send")
    if not form.is_valid():
        if step == "preview" or "text" in form.errors or "about_date" in form.errors:
            return render(request, "notify/message_compose.html", {**context, "form": form}, status=REFUSED)
        return _preview(request, context, form, status=REFUSED)
    if step == "preview":
        return _preview(request, context, form)
    data = form.cleaned_data
    try:
        message, made = services.create_message(audience=audience, text=data["text"], subject=data["subject"],
                                                about_date=data["about_date"], token=data["token"], by=request.user)
    except DomainError as error:
        form.add_error(None, str(error))
        return _preview(request, context, form, status=REFUSED)
    if not made:
        messages.info(request, _("This message had already been sent: it is not sent twice."))
    elif message.send_at > message.created_at:
        messages.success(request, _("The message will leave on %(when)s, after the quiet hours.") % {
            "when": date_format(timezone.localtime(message.send_at), "l j F, H:i")})
    else:
        messages.success(request, _("The message is being sent."))
    return redirect("notify:message", message.pk)


def _preview(request, context, form, status=200):
    data = form.cleaned_data if form.is_valid() else {}
    text = data.get("text") or form.data.get("text", "")
    about = data.get("about_date") if "about_date" in data else context["audience"].about_date
    now = timezone.now()
    send_at = services.send_time(about, now=now)
    return render(request, "notify/message_preview.html", {
        **context, "form": form, "plan": plan(context["audience"], text), "text": text,
        "send_at": timezone.localtime(send_at) if send_at > now else None}, status=status)


@require_scope(ADMIN, COORDINATOR)
def message_group(request: HttpRequest, group_pk: int) -> HttpResponse:
    return _compose(request, group_audience(request.scope, group_pk))


@require_scope(ADMIN, COORDINATOR)
def message_stop(request: HttpRequest, site_pk: int) -> HttpResponse:
    return _compose(request, stop_audience(request.scope, site_pk))


@require_scope(ADMIN, COORDINATOR)
def message_cycle(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    return _compose(request, cycle_audience(request.scope, cycle_pk))


@require_scope(ADMIN, COORDINATOR)
def message_cycle_group(request: HttpRequest, cycle_pk: int, group_pk: int) -> HttpResponse:
    return _compose(request, cycle_audience(request.scope, cycle_pk, group_pk=group_pk))


@require_scope(ADMIN, COORDINATOR)
def message_cycle_stop(request: HttpRequest, cycle_pk: int, site_pk: int) -> HttpResponse:
    return _compose(request, cycle_audience(request.scope, cycle_pk, site_pk=site_pk))


@require_scope(ADMIN, COORDINATOR)
def message_distribution(request: HttpRequest, distribution_pk: int) -> HttpResponse:
    return _compose(request, distribution_audience(request.scope, distribution_pk))


@require_scope(ADMIN, COORDINATOR)
def message_volunteers(request: HttpRequest, distribution_pk: int) -> HttpResponse:
    return _compose(request, distribution_audience(request.scope, distribution_pk, volunteers=True))


@require_scope(ADMIN, COORDINATOR)
def message_list(request: HttpRequest) -> HttpResponse:
    """Every message sent (the log), and where to write a new one: a group, a stop, a cycle, a distribution."""
    groups = messaging_groups(request.scope)
    today = timezone.localdate()
    page = Paginator(messages_for(request.scope), 30).get_page(request.GET.get("page"))
    return render(request, "notify/message_list.html", {
        "page": page, "groups": groups.order_by("name"),
        "stops": Site.objects.filter(group__in=groups, is_stop=True).select_related("group"),
        "cycles": OrderCycle.objects.filter(cycle_groups__group__in=groups).distinct().order_by("-opens_at")[:6],
        "distributions": Distribution.objects.filter(group__in=groups, date__gte=today - timedelta(days=1))
        .select_related("group").order_by("date", "group__name")[:12],
    })


@require_scope(ADMIN, COORDINATOR)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = message_for(request.scope, pk)
    rows = list(notifications_for(request.scope).filter(kind=MESSAGE, key=message.key)
                .select_related("member", "user").order_by("channel", "member__name", "pk"))
    return render(request, "notify/message_detail.html", {
        "message": message, "rows": rows, "audience_label": _audience_label(audience_of(message)),
        "sms_cost": message.sms_parts * price_per_part(),
        "calls": [row for row in rows if row.status in (SentNotification.Status.TO_CALL,
                                                         SentNotification.Status.CALLED)]})
