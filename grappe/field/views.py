"""Pages and API of the van's offline tour day (docs/field-protocol.md).

Online pages (no JavaScript needed): the coming tour days to prepare, the coordinators' devices and
refused entries. The app shell and its service worker hold no personal data and are public; the API
is authenticated by the device's token (`Authorization: Device <token>`), never by a session.
"""

import datetime as dt
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from grappe.core.errors import REFUSED, DomainError
from grappe.network.access import ADMIN, COORDINATOR, VOLUNTEER, group_for, require_scope

from . import queries, services
from .models import FieldDevice

STAFF = (ADMIN, COORDINATOR, VOLUNTEER)
COORDINATORS = (ADMIN, COORDINATOR)
CORE_ASSETS = ["core/grappe.css"]
SHELL = "field/app.html"


# --- Preparing a day (staff of the group) ---------------------------------------------------------

@require_scope(*STAFF)
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request)


def _index_page(request, status=200, typed=None):
    days = queries.coming_days(request.scope, timezone.localdate())
    return render(request, "field/index.html", {"days": days, "typed": typed or {}, "scope": request.scope},
                  status=status)


@require_scope(*STAFF)
@require_POST
def prepare(request: HttpRequest, group_pk: int, day: str) -> HttpResponse:
    group = group_for(request.scope, group_pk)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    label = request.POST.get("label", "")
    try:
        _device, key = services.prepare_device(group=group, day=date, label=label, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return _index_page(request, status=REFUSED, typed={(group.pk, date): label})
    # the key travels in the fragment: never in a request line, a log or a Referer
    return redirect(f"{reverse('field:app_shell')}#{key}")


# --- The app shell and its service worker (public: no data in them) -------------------------------

@require_GET
def app_shell(request: HttpRequest) -> HttpResponse:
    return render(request, SHELL)


def assets() -> list[str]:
    """Static paths the service worker keeps: the field app's scripts and styles, and the core style."""
    folder = Path(__file__).resolve().parent / "static" / "field"
    own = sorted(f"field/{p.name}" for p in folder.glob("*") if p.suffix in (".js", ".css")) if folder.is_dir() else []
    return CORE_ASSETS + own


def version(paths: list[str]) -> str:
    """A hash of the shell's template and of every asset: a change of any gives a new worker."""
    digest = hashlib.sha256()
    digest.update(Path(get_template(SHELL).origin.name).read_bytes())
    for path in paths:
        found = finders.find(path)
        digest.update(path.encode())
        if found:
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    paths = assets()
    body = render_to_string("field/sw.js", {"version": version(paths), "shell_url": reverse("field:app_shell"),
                                            "assets": [static(p) for p in paths]}, request=request)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:index")
    response["Cache-Control"] = "no-cache"
    return response


# --- The device's API -----------------------------------------------------------------------------

def _json(data, status=200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"  # personal data: no cache between the server and the device
    return response


def _device(request) -> FieldDevice | None:
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    key = key.strip()
    if scheme != "Device" or not key or len(key) > 100:
        return None
    return FieldDevice.objects.filter(key_hash=FieldDevice.hash_key(key)).select_related("group").first()


def _closed(device) -> JsonResponse | None:
    """410 for a revoked or finished device: the client erases everything at once."""
    if device.status == FieldDevice.Status.REVOKED:
        return _json({"erase": True, "message": _("This device was revoked by a coordinator: the tour day is "
                                                   "erased from it.")}, status=410)
    if device.status == FieldDevice.Status.FINISHED:
        return _json({"erase": True, "message": _("This tour day is finished on this device: it is erased "
                                                   "from it.")}, status=410)
    return None


def device_api(view):
    """Authenticates the device (401 without a known token; 410 when revoked or finished), in French."""

    def wrapper(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            device = _device(request)
            if device is None:
                return _json({"message": _("This device is not known: prepare the tour day again.")}, status=401)
            closed = _closed(device)
            if closed is not None:
                if device.status == FieldDevice.Status.REVOKED:
                    services.touch(device=device, now=timezone.now())
                return closed
            return view(request, device, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


@device_api
@require_GET
def api_day(request: HttpRequest, device: FieldDevice) -> JsonResponse:
    """The bundle; after 36 hours, 403 "send only"."""
    now = timezone.now()
    if device.expired(now):
        services.touch(device=device, now=now)
        return _json({"send_only": True, "message": _("This tour day was prepared more than 36 hours ago: the "
                                                      "device may only send what it holds.")}, status=403)
    return _json(services.hand_bundle(device=device, now=now))


@device_api
@require_POST
def api_send(request: HttpRequest, device: FieldDevice) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RequestDataTooBig):
        return _json({"message": _("What was sent is unreadable.")}, status=400)
    entries = body.get("entries") if isinstance(body, dict) else None
    if not isinstance(entries, list) or len(entries) > services.MAX_ENTRIES:
        return _json({"message": _("Send a list of at most %(count)s entries.") % {"count": services.MAX_ENTRIES}},
                     status=400)
    try:
        results = services.apply_entries(device=device, entries=entries, now=timezone.now())
    except services.DeviceClosed:
        device.refresh_from_db()
        return _closed(device) or _json({"erase": True}, status=410)
    return _json({"results": results, "erase": False})


@device_api
@require_POST
def api_finish(request: HttpRequest, device: FieldDevice) -> JsonResponse:
    try:
        services.finish_device(device=device, now=timezone.now())
    except services.DeviceClosed:
        pass  # finished or revoked meanwhile: erasing is right either way
    return _json({"erase": True})


# --- Coordinators: devices and refused entries ----------------------------------------------------

@require_scope(*COORDINATORS)
def devices(request: HttpRequest) -> HttpResponse:
    return _devices_page(request)


def _devices_page(request, status=200):
    found = list(queries.devices_for(request.scope).order_by("-day", "-prepared_at")[:100])
    now = timezone.now()
    for device in found:
        device.shown = device.shown_status(now)
    return render(request, "field/devices.html", {"devices": found}, status=status)


@require_scope(*COORDINATORS)
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    device = queries.device_for(request.scope, pk, write=True)
    try:
        services.revoke_device(device=device, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return _devices_page(request, status=REFUSED)
    messages.success(request, _("“%(label)s” is revoked: its data is erased at its next contact.")
                     % {"label": device.label})
    return redirect("field:devices")


@require_scope(*COORDINATORS)
def refused(request: HttpRequest) -> HttpResponse:
    return _refused_page(request)


def _refused_page(request, status=200, typed=None):
    entries = list(queries.refused_for(request.scope)[:200])
    for entry in entries:
        entry.described = queries.describe(entry)
    return render(request, "field/refused.html", {"entries": entries, "typed": typed or {}}, status=status)


@require_scope(*COORDINATORS)
@require_POST
def handle(request: HttpRequest, pk) -> HttpResponse:
    entry = queries.refused_entry_for(request.scope, pk, write=True)
    note = request.POST.get("note", "")
    try:
        services.mark_handled(entry=entry, by=request.user, note=note)
    except DomainError as error:
        messages.error(request, str(error))
        return _refused_page(request, status=REFUSED, typed={str(entry.pk): note})
    messages.success(request, _("Marked as handled."))
    return redirect("field:refused")
