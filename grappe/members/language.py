"""The language a person reads Grappe in (issue 13).

- A member (a household signed in, with no staff role) reads her pages in `Member.language` when set,
  else in the language of the footer switch / her browser; she may choose French, English, Arabic or
  Turkish. Choosing in the footer or on her profile saves it on her profile.
- Staff (admins, coordinators, volunteers, referrers, even when also a member) read French or English
  only: their pages are not translated into Arabic and Turkish, so an Arabic or Turkish choice (a cookie
  left by a member on a shared computer) falls back to French.
- What is made for a member but printed or sent by someone else (her pre-filled order form, her reminders,
  her receipt) is rendered inside `member_translation(member)`.
"""

from contextlib import AbstractContextManager

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import translation
from django.views.i18n import set_language

from grappe.core.member_facing import LANGUAGE_NAMES, MEMBER_LANGUAGES, STAFF_LANGUAGES
from grappe.network.access import scope_for

from . import services
from .models import Member


def member_language(member) -> str:
    """The language of a member's documents and messages: hers, else the association's (French)."""
    language = getattr(member, "language", "") or ""
    return language if language in MEMBER_LANGUAGES else settings.LANGUAGE_CODE


def member_translation(member) -> AbstractContextManager:
    return translation.override(member_language(member))


SESSION_KEY = "grappe_language"


def _reader(user) -> dict:
    scope = scope_for(user)
    language = ""
    if scope.member is not None:  # read again: the member's row may have changed since it was cached
        language = Member.objects.filter(pk=scope.member.pk).values_list("language", flat=True).first() or ""
    return {"user": user.pk, "staff": bool(scope.is_staff or scope.is_referrer), "language": language}


def remember_on_sign_in(sender, request, user, **kwargs) -> None:
    """Connected to user_logged_in: the session is written at sign-in anyway, so the pages that follow
    find who reads in it at no cost (MembersConfig.ready)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = _reader(user)


def _person(request: HttpRequest) -> dict:
    """Who reads, as far as languages go, kept in the session from the sign-in (so it costs no query per
    page): {"user": pk, "staff": bool, "language": the member's own or ""}. Choosing a language refreshes
    it; a change made by staff on her file shows from her next sign-in."""
    user = request.user
    cached = request.session.get(SESSION_KEY)
    if isinstance(cached, dict) and cached.get("user") == user.pk:
        return cached
    person = _reader(user)  # a session opened before this existed: once
    request.session[SESSION_KEY] = person
    return person


def offered_languages(request: HttpRequest) -> tuple[str, ...]:
    """A member or a visitor may choose every language; staff only French and English."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return MEMBER_LANGUAGES
    return STAFF_LANGUAGES if _person(request)["staff"] else MEMBER_LANGUAGES


class MemberLanguageMiddleware:
    """After AuthenticationMiddleware (and LocaleMiddleware, which chose from the cookie or the browser):
    a signed-in member's own language wins; staff fall back to French from a member-only language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = offered_languages(request)
        request.offered_languages = [(code, LANGUAGE_NAMES[code]) for code in offered]
        language = translation.get_language()
        if request.user.is_authenticated and offered == MEMBER_LANGUAGES:
            own = _person(request)["language"]
            if own in MEMBER_LANGUAGES:
                language = own
        if language not in offered:
            language = settings.LANGUAGE_CODE
        if language != translation.get_language():
            translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def choose_language(request: HttpRequest) -> HttpResponse:
    """The footer switch and the profile's choice (POST language, next): Django's set_language (cookie,
    redirect to next), and for a signed-in member, her profile keeps it."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    offered = offered_languages(request)
    language = request.POST.get("language", "")
    if language not in offered:
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated and offered == MEMBER_LANGUAGES:
        member = scope_for(request.user).member
        if member is not None:
            services.set_member_language(member=member, language=language, by=request.user)
            request.session[SESSION_KEY] = {**_person(request), "language": language}
    request.POST = request.POST.copy()
    request.POST["language"] = language
    return set_language(request)
