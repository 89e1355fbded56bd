"""A member reads Grappe in her language (Member.language): her pages, in Arabic right to left; her choice
kept on her profile from the footer switch; staff pages stay French or English."""

import re
import unicodedata
from io import BytesIO

from django.urls import reverse
from pypdf import PdfReader

from grappe.members.models import Member
from grappe.network.tests.factories import PASSWORD

ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def html_tag(page) -> str:
    return re.search(r"<html[^>]*>", page.content.decode()).group(0)


def speak(member, language):
    Member.objects.filter(pk=member.pk).update(language=language)


def test_an_arabic_member_reads_her_pages_right_to_left(world, client):
    speak(world.member, "ar")
    client.force_login(world.member_user)
    for url in ("/", reverse("profile"), reverse("accounts:mine"), reverse("notify:preferences")):
        page = client.get(url)
        assert page.status_code == 200, url
        assert html_tag(page) == '<html lang="ar" dir="rtl">', url
        assert "ملفي الشخصي" in page.content.decode(), url  # "My profile" in the menu


def test_a_turkish_member_gets_turkish_pages_after_signing_in(world, client):
    speak(world.member, "tr")
    assert html_tag(client.get(reverse("login"))) == '<html lang="fr" dir="ltr">'
    response = client.post(reverse("login"), {"username": world.member_user.username, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/")
    assert html_tag(page) == '<html lang="tr" dir="ltr">'
    assert "Profilim" in page.content.decode()


def test_the_footer_switch_keeps_the_choice_on_her_profile(world, client):
    client.force_login(world.member_user)
    response = client.post(reverse("members:language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    world.member.refresh_from_db()
    assert world.member.language == "ar"
    assert html_tag(client.get("/")) == '<html lang="ar" dir="rtl">'
    client.post(reverse("members:language"), {"language": "fr", "next": "/"})
    world.member.refresh_from_db()
    assert world.member.language == "fr"
    assert html_tag(client.get("/")) == '<html lang="fr" dir="ltr">'


def test_her_language_wins_over_the_browser_and_a_cookie(world, client, settings):
    speak(world.member, "tr")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.force_login(world.member_user)
    assert html_tag(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == '<html lang="tr" dir="ltr">'


def test_the_switch_names_each_language_in_itself_and_the_profile_offers_it(world, client):
    client.force_login(world.member_user)
    page = client.get(reverse("profile")).content.decode()
    for name in ("Français", "English", "العربية", "Türkçe"):
        assert name in page
    assert '<select name="language"' in page  # the footer's switch
    assert 'type="radio" name="language" value="ar"' in page  # the profile's choice


def test_staff_read_french_or_english_only(world, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"  # left by a member on a shared computer
    client.force_login(world.volunteer)
    page = client.get("/")
    assert html_tag(page) == '<html lang="fr" dir="ltr">'
    assert "العربية" not in page.content.decode() and "English" in page.content.decode()
    client.post(reverse("members:language"), {"language": "tr", "next": "/"})
    assert html_tag(client.get("/")) == '<html lang="fr" dir="ltr">'
    client.post(reverse("members:language"), {"language": "en", "next": "/"})
    assert html_tag(client.get("/")) == '<html lang="en" dir="ltr">'


def test_a_visitor_may_read_the_sign_in_page_in_arabic(client):
    client.post(reverse("members:language"), {"language": "ar", "next": reverse("login")})
    page = client.get(reverse("login"))
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "تسجيل الدخول" in page.content.decode()


def test_a_language_not_offered_falls_back_to_french(world, client):
    client.force_login(world.member_user)
    client.post(reverse("members:language"), {"language": "xx", "next": "/"})
    world.member.refresh_from_db()
    assert world.member.language == "fr"


def pdf_text(content: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return unicodedata.normalize("NFKC", text)  # Arabic presentation forms back to letters


def test_arabic_text_is_extractable_from_her_account_statement_pdf(world, client):
    speak(world.member, "ar")
    client.force_login(world.member_user)
    response = client.get(reverse("accounts:mine"), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert ARABIC_LETTER.search(text)
    assert "كشف الحساب" in text or "كشف الحساب"[::-1] in text  # "Account statement"
