"""What a member sees, by file: the templates and Python modules whose translatable strings must exist in
every language a member can choose (issue 13). Pure: paths only, no Django.

"Member-facing" is decided here, by file, not string by string: a template or module is listed when a
household signed in as a member (or joining, or signing in) can see it on screen, on paper (her printed
order form, her receipt, her data, her slips) or in a reminder. A listed file's every msgid counts, even
the few a member never meets (a staff branch in a shared template): translating a little more is cheaper
than a list nobody can check. grappe/core/translation_coverage.py extracts the msgids of these files and
`manage.py member_strings` lists those missing in a language and writes the review lists.

Staff-only pages (lists of members, cycles, settlement, tours, reports) are not listed: staff read French
or English. Product names come from the catalogue's data and are not translated.
"""

# Languages a member may choose; staff choose among STAFF_LANGUAGES only (French first).
STAFF_LANGUAGES = ("fr", "en")
MEMBER_LANGUAGES = ("fr", "en", "ar", "tr")
# Languages translated by hand for members only: their catalogues hold the member-facing msgids.
MEMBER_ONLY_LANGUAGES = tuple(code for code in MEMBER_LANGUAGES if code not in STAFF_LANGUAGES)

TEMPLATES = (
    # the frame of every page, errors, signing in
    "grappe/core/templates/base.html",
    "grappe/core/templates/403.html",
    "grappe/core/templates/404.html",
    "grappe/core/templates/500.html",
    "grappe/core/templates/core/csrf_failure.html",
    "grappe/core/templates/core/busy.html",
    "grappe/core/templates/core/pagination.html",
    "grappe/core/templates/core/login.html",
    "grappe/core/templates/core/_password_form.html",
    "grappe/core/templates/core/password_change.html",
    "grappe/core/templates/core/password_choose.html",
    "grappe/core/templates/core/password_reset_form.html",
    "grappe/core/templates/core/password_reset_done.html",
    "grappe/core/templates/core/password_reset_confirm.html",
    "grappe/core/templates/core/password_reset_complete.html",
    # her profile and account
    "grappe/core/templates/core/profile.html",
    "grappe/core/templates/core/email_change.html",
    "grappe/core/templates/core/email_confirm.html",
    "grappe/core/templates/core/print_base.html",
    "grappe/core/templates/core/access_slip.html",
    "grappe/members/templates/members/access_slip.html",
    # joining, home, her data
    "grappe/members/templates/members/home.html",
    "grappe/members/templates/members/register.html",
    "grappe/members/templates/members/register_done.html",
    "grappe/members/templates/members/referral_slip.html",
    "grappe/members/templates/members/my_data.html",
    "grappe/members/templates/members/export.html",
    # the catalogue as a member sees it, the basket, her orders
    "grappe/catalogue/templates/catalogue/index.html",
    "grappe/catalogue/templates/catalogue/product.html",
    "grappe/catalogue/templates/catalogue/_labels.html",
    "grappe/orders/templates/orders/basket.html",
    "grappe/orders/templates/orders/_basket_box.html",
    "grappe/orders/templates/orders/my_orders.html",
    "grappe/orders/templates/orders/order_form_pdf.html",
    # money: her account, her receipt (page and PDF)
    "grappe/accounts/templates/accounts/mine.html",
    "grappe/accounts/templates/accounts/_statement_table.html",
    "grappe/accounts/templates/accounts/receipt.html",
    "grappe/accounts/templates/accounts/pdf/statement.html",
    # her reminders
    "grappe/notify/templates/notify/preferences.html",
    # events she may register for
    "grappe/events/templates/events/list.html",
    "grappe/events/templates/events/detail.html",
    # the first visit, the basket's parts, her basket's story and receipt, the two-step sign-in
    "grappe/members/templates/members/_first_fee.html",
    "grappe/members/templates/members/referral_slip_used.html",
    "grappe/orders/templates/orders/_basket_family_chosen.html",
    "grappe/orders/templates/orders/_basket_product.html",
    "grappe/orders/templates/orders/_basket_summary.html",
    "grappe/orders/templates/orders/_basket_tap.html",
    "grappe/orders/templates/orders/_when_where.html",
    "grappe/accounts/templates/accounts/_receipt_money.html",
    "grappe/accounts/templates/accounts/my_basket.html",
    "grappe/accounts/templates/accounts/_savings.html",
    "grappe/accounts/templates/accounts/pdf/receipt.html",
    "grappe/core/templates/core/login_code.html",
    # the van's public page for the villages (no sign-in): stops, next visits, how to join
    "grappe/tours/templates/tours/public_tour.html",
    "grappe/tours/templates/tours/_pause.html",
)

PYTHON_MODULES = (
    # the menu: the labels of the apps' menu items (a member's, and a few staff ones beside them)
    "grappe/accounts/apps.py",
    "grappe/catalogue/apps.py",
    "grappe/events/apps.py",
    "grappe/members/apps.py",
    "grappe/notify/apps.py",
    "grappe/orders/apps.py",
    # signing in, profile, language
    "grappe/core/forms.py",
    "grappe/core/views.py",
    "grappe/core/error_pages.py",
    # joining, home, her data
    "grappe/members/forms.py",
    "grappe/members/views.py",
    "grappe/members/queries.py",
    "grappe/members/models.py",
    # the basket and her orders
    "grappe/orders/views.py",
    "grappe/orders/forms.py",
    "grappe/orders/services/errors.py",
    "grappe/orders/services/ordering.py",
    "grappe/orders/models.py",
    "grappe/orders/templatetags/orders_tags.py",
    "grappe/catalogue/templatetags/catalogue_extras.py",
    "grappe/core/templatetags/grappe.py",
    # her receipt and account
    "grappe/accounts/queries.py",
    "grappe/accounts/templatetags/accounts_tags.py",
    # reminders: their texts, her preferences page
    "grappe/notify/wording.py",
    "grappe/notify/kinds/orders.py",
    "grappe/notify/kinds/distribution.py",
    "grappe/notify/kinds/events.py",
    "grappe/notify/kinds/receipts.py",
    "grappe/notify/views.py",
    "grappe/events/views.py",
    # her home's tasks (when and where), "Mes données" (each app's section), her language
    "grappe/orders/tasks.py",
    "grappe/members/tasks.py",
    "grappe/orders/queries.py",
    "grappe/members/personal_data.py",
    "grappe/members/language.py",
    "grappe/orders/personal_data.py",
    "grappe/distribution/personal_data.py",
    "grappe/accounts/personal_data.py",
    "grappe/notify/personal_data.py",
)

# msgids that read the same in every language by nature (an abbreviation, placeholders and punctuation only):
# their translation may equal the msgid. Each must be a member-facing msgid (core/tests/test_member_strings.py).
SAME_IN_EVERY_LANGUAGE = frozenset({
    "SMS",
    "%(product)s: %(reason)s",
    "- %(means)s: %(amount)s",
    "- %(name)s, %(quantity)s: %(amount)s",
    "%(member)s: %(status)s.",
})

# Each language named in itself, in the footer switch and the profile.
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية", "tr": "Türkçe"}
