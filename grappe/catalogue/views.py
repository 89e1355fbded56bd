"""Catalogue pages: the members' catalogue and product sheet, suppliers and products for
coordinators, price changes, each group's selection, price list imports and exports, suggestions."""

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, OuterRef, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grappe.core.errors import REFUSED
from grappe.core.money import plain_number
from grappe.core.pdf import pdf_response
from grappe.members.models import Member
from grappe.network.access import ADMIN, COORDINATOR, MEMBER, REFERRER, VOLUNTEER, group_for, require_scope

from . import exports, imports, references, services
from .forms import (
    ImportConfirmForm,
    ImportForm,
    PriceChangeForm,
    ProductForm,
    ReferenceConfirmForm,
    ReferenceImportForm,
    ReferencePriceForm,
    SelectionForm,
    SuggestionAnswerForm,
    SuggestionForm,
    SupplierForm,
    TierForm,
)
from .models import (
    FAMILY_PICTOGRAMS,
    Family,
    PriceImport,
    PriceTier,
    Product,
    Suggestion,
    SuggestionVote,
    Supplier,
)
from .queries import (
    current_prices,
    import_for,
    price_category,
    product_for,
    search_products,
    suggestion_for,
    supplier_for,
    visible_products,
)

EVERYONE = (ADMIN, COORDINATOR, VOLUNTEER, REFERRER, MEMBER)
STAFF = (ADMIN, COORDINATOR)


# --- Scoped lookups ---------------------------------------------------------------------------

def staff_group(request, scope):
    """The group chosen in ?groupe= among the user's groups (None: the whole catalogue)."""
    raw = request.GET.get("groupe", "")
    if not raw or not scope.is_staff:
        return None
    try:
        return group_for(scope, int(raw))
    except ValueError:
        raise Http404 from None


def families_with_counts(products):
    counts = dict(products.order_by().values_list("family").annotate(n=Count("pk")))
    return [{"value": value, "label": label, "icon": FAMILY_PICTOGRAMS[value], "count": counts.get(value, 0)}
            for value, label in Family.choices if counts.get(value)]


# --- The members' catalogue -------------------------------------------------------------------

@require_scope(*EVERYONE)
def index(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    group = staff_group(request, scope)
    base = visible_products(scope, group)
    products = base.select_related("supplier")
    family = request.GET.get("famille", "")
    if family and family in Family.values:
        products = products.filter(family=family)
    else:
        family = ""
    query = request.GET.get("q", "").strip()[:100]
    products = list(products.order_by("name"))
    if query:
        products = search_products(products, query)
    prices = current_prices(products, price_category(scope))
    sections = [{"label": label, "icon": FAMILY_PICTOGRAMS[value],
                 "rows": [{"product": p, "price": prices[p.pk]} for p in products if p.family == value]}
                for value, label in Family.choices]
    sections = [section for section in sections if section["rows"]]
    return render(request, "catalogue/index.html", {
        "sections": sections, "count": len(products), "families": families_with_counts(base), "family": family,
        "family_label": dict(Family.choices).get(family, ""), "family_icon": FAMILY_PICTOGRAMS.get(family, ""),
        "query": query, "group": group, "groups": scope.groups() if scope.is_staff else [],
        "cost_price_view": price_category(scope) is None,
    })


@require_scope(*EVERYONE)
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    product = product_for(scope, pk, visible_products(scope))
    price = current_prices([product], price_category(scope))[product.pk]
    split = price.euro_split()
    parts = [
        {"key": "supplier", "label": _("to the supplier (%(name)s)") % {"name": product.supplier.name},
         "amount": split["supplier"]},
        {"key": "vat", "label": _("to the State (VAT %(rate)s %%)") % {"rate": plain_number(price.vat_rate)},
         "amount": split["vat"]},
        {"key": "transport", "label": _("for transport"), "amount": split["transport"]},
        {"key": "other", "label": _("for other costs (packaging, losses)"), "amount": split["other"]},
        {"key": "solidarity", "label": _("to the solidarity fund"), "amount": split["solidarity"]},
    ]
    parts = [part | {"percent": int(part["amount"] * 100)} for part in parts if part["amount"] > 0]
    return render(request, "catalogue/product.html", {
        "product": product, "price": price, "parts": parts, "subsidy": -price.tier_adjustment
        if price.tier_adjustment < 0 else None, "cost_price_view": price_category(scope) is None,
        "can_edit": scope.is_coordinator,
    })


# --- Suppliers and products (coordinators) ----------------------------------------------------

@require_scope(*STAFF)
def supplier_list(request: HttpRequest) -> HttpResponse:
    suppliers = (Supplier.objects.filter(association=request.scope.association)
                 .annotate(product_count=Count("products")).order_by("-active", "name"))
    return render(request, "catalogue/supplier_list.html", {"suppliers": suppliers,
                                                            "groups": request.scope.groups()})


@require_scope(*STAFF)
def supplier_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = request.scope
    supplier = supplier_for(scope, pk) if pk else Supplier(association=scope.association)
    form = SupplierForm(request.POST or None, instance=supplier, association=scope.association)
    if request.method == "POST" and form.is_valid():
        supplier = form.save()
        messages.success(request, _("Supplier saved."))
        return redirect("catalogue:supplier", pk=supplier.pk)
    return render(request, "catalogue/form.html", {
        "form": form, "title": _("Edit %(name)s") % {"name": supplier.name} if pk else _("New supplier"),
        "back": redirect("catalogue:supplier", pk=pk).url if pk else redirect("catalogue:suppliers").url,
    })


@require_scope(*STAFF)
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = supplier_for(request.scope, pk)
    products = list(supplier.products.order_by("name"))
    prices = current_prices(products)
    imports_pending = supplier.price_imports.filter(status=PriceImport.Status.PENDING)[:5]
    return render(request, "catalogue/supplier_detail.html", {
        "supplier": supplier, "rows": [{"product": p, "price": prices[p.pk]} for p in products],
        "imports_pending": imports_pending,
    })


@require_scope(*STAFF)
def product_edit(request: HttpRequest, pk: int | None = None, supplier_pk: int | None = None) -> HttpResponse:
    scope = request.scope
    if pk:
        product = product_for(scope, pk)
        supplier = product.supplier
    else:
        supplier = supplier_for(scope, supplier_pk)
        product = Product(association=scope.association, supplier=supplier)
    form = ProductForm(request.POST or None, request.FILES or None, instance=product, supplier=supplier)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
        try:
            if pk:
                services.update_product(product=product, **fields)
            else:
                product = services.create_product(by=request.user, supplier=supplier, **fields)
        except services.CatalogueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Product saved."))
            return redirect("catalogue:product", pk=product.pk)
    return render(request, "catalogue/form.html", {
        "form": form, "multipart": True,
        "title": _("Edit %(name)s") % {"name": product.name} if pk else
        _("New product from %(supplier)s") % {"supplier": supplier.name},
        "back": redirect("catalogue:product", pk=pk).url if pk else redirect("catalogue:supplier", pk=supplier.pk).url,
    })


@require_scope(*STAFF)
def product_price(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for(request.scope, pk)
    initial = {"pack_price_excl_vat": product.pack_price_excl_vat, "vat_rate": product.vat_rate}
    form = PriceChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.change_price(by=request.user, product=product,
                                           pack_price_excl_vat=data["pack_price_excl_vat"], vat_rate=data["vat_rate"],
                                           valid_from=data["valid_from"])
        except services.CatalogueError as error:
            messages.error(request, str(error))
        else:
            if change is None:
                messages.info(request, _("This is already the price: nothing changed."))
            else:
                messages.success(request, _("New price recorded."))
            return redirect("catalogue:product_price", pk=product.pk)
    history = product.price_changes.select_related("recorded_by").order_by("-valid_from", "-pk")[:50]
    return render(request, "catalogue/product_price.html", {"product": product, "form": form, "history": history,
                                                            "now": timezone.now()})


# --- Each group's selection, price tiers ------------------------------------------------------

@require_scope(*STAFF)
def selection(request: HttpRequest, group_pk: int) -> HttpResponse:
    scope = request.scope
    group = group_for(scope, group_pk)
    current = list(Product.objects.filter(selections__group=group).values_list("pk", flat=True))
    form = SelectionForm(request.POST or None, association=scope.association, initial={"products": current})
    if request.method == "POST" and form.is_valid():
        added, removed = services.set_selection(group=group, products=form.cleaned_data["products"])
        messages.success(request, _("Selection saved: %(added)s added, %(removed)s removed.")
                         % {"added": added, "removed": removed})
        return redirect("catalogue:selection", group_pk=group.pk)
    products = form.fields["products"].queryset
    by_family = []
    for value, label in Family.choices:
        items = [p for p in products if p.family == value]
        if items:
            by_family.append({"label": label, "icon": FAMILY_PICTOGRAMS[value], "products": items})
    return render(request, "catalogue/selection.html", {"group": group, "form": form, "by_family": by_family,
                                                        "selected": set(current)})


@require_scope(*STAFF)
def tiers(request: HttpRequest) -> HttpResponse:
    association = request.scope.association
    forms = []
    for category, label in Member.Category.choices:
        tier = PriceTier.objects.filter(association=association, category=category).first() or PriceTier(
            association=association, category=category)
        forms.append((label, TierForm(request.POST or None, instance=tier, prefix=category)))
    if request.method == "POST":
        if not request.scope.is_admin:
            raise Http404
        if all(form.is_valid() for _label, form in forms):
            with transaction.atomic():
                for _label, form in forms:
                    form.save()
            messages.success(request, _("Price tiers saved."))
            return redirect("catalogue:tiers")
    return render(request, "catalogue/tiers.html", {"forms": forms, "can_edit": request.scope.is_admin})


# --- Imports ----------------------------------------------------------------------------------

@require_scope(*STAFF)
def import_new(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = supplier_for(request.scope, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            data = b"x" * (imports.MAX_BYTES + 1)  # refused by the reader with its message, without reading it
        else:
            data = upload.read()
        price_import = imports.preview_import(by=request.user, supplier=supplier, name=upload.name, data=data)
        return redirect("catalogue:import_preview", pk=price_import.pk)
    return render(request, "catalogue/import_new.html", {"supplier": supplier, "form": form,
                                                         "max_rows": imports.MAX_ROWS})


@require_scope(*STAFF)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    price_import = import_for(request.scope, pk)
    form = ImportConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            imports.cancel_import(by=request.user, price_import=price_import)
            messages.info(request, _("Import cancelled: nothing was saved."))
            return redirect("catalogue:supplier", pk=price_import.supplier_id)
        if form.is_valid():
            try:
                done = imports.apply_import(by=request.user, price_import=price_import,
                                            keep_valid_only=form.cleaned_data["keep_valid_only"],
                                            valid_from=form.cleaned_data["valid_from"],
                                            jumps_confirmed=form.cleaned_data["jumps_confirmed"])
            except services.CatalogueError as error:
                messages.error(request, str(error))
                status = REFUSED
            else:
                messages.success(request, _("Price list saved: %(created)s new products, %(changed)s new prices.")
                                 % done)
                return redirect("catalogue:supplier", pk=price_import.supplier_id)
    rows = price_import.rows
    counts = {status: price_import.count(status) for status in (imports.NEW, imports.CHANGED, imports.UNCHANGED,
                                                               imports.ERROR)}
    show = request.GET.get("voir", "")
    if show in counts:
        rows = [row for row in rows if row["status"] == show]
    return render(request, "catalogue/import_preview.html", {
        "price_import": price_import, "rows": rows[:1000], "hidden": max(0, len(rows) - 1000), "counts": counts,
        "form": form, "pending": price_import.status == PriceImport.Status.PENDING, "show": show,
        "jumps": len(imports.jumps(price_import)), "alert_percent": price_import.association.price_change_alert_percent,
        "jumps_refused": status == REFUSED and not form.cleaned_data.get("jumps_confirmed"),
    }, status=status if form.is_valid() or request.method != "POST" else REFUSED)


# --- Exports ----------------------------------------------------------------------------------

@require_scope(*STAFF)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    group = staff_group(request, scope)
    products = list(visible_products(scope, group).select_related("supplier").order_by("family", "name"))
    data = exports.catalogue_xlsx(products, current_prices(products))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="catalogue-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


@require_scope(*EVERYONE)
def price_list_pdf(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    group = staff_group(request, scope)
    if group is None and scope.member is not None and not scope.is_staff:
        group = scope.member.group
    products = list(visible_products(scope, group).available().select_related("supplier").order_by("family", "name"))
    prices = current_prices(products, price_category(scope))
    sections = []
    for value, label in Family.choices:
        items = [{"product": p, "price": prices[p.pk], "labels": exports.labels_of(p)}
                 for p in products if p.family == value]
        if items:
            sections.append({"label": label, "icon": FAMILY_PICTOGRAMS[value], "rows": items})
    return pdf_response("catalogue/price_list_pdf.html", {
        "sections": sections, "group": group, "association": scope.association, "today": timezone.localdate(),
        "cost_price_view": price_category(scope) is None,
    }, filename="liste-des-prix.pdf", request=request)


# --- Suggestions ------------------------------------------------------------------------------

@require_scope(*EVERYONE)
def suggestions(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        suggestion = form.save(commit=False)
        suggestion.association = scope.association
        suggestion.author = request.user
        suggestion.group = scope.member.group if scope.member is not None else None
        suggestion.save()
        suggestion.votes.create(user=request.user)
        messages.success(request, _("Thank you! Your suggestion is on the list; others can vote for it."))
        return redirect("catalogue:suggestions")
    items = list(Suggestion.objects.filter(association=scope.association)
                 .annotate(vote_count=Count("votes"),
                           voted=Exists(SuggestionVote.objects.filter(suggestion=OuterRef("pk"), user=request.user)))
                 .select_related("group")
                 .order_by(Case(When(status=Suggestion.Status.OPEN, then=0), default=1), "-vote_count",
                           "-created_at"))
    if scope.is_coordinator:
        for item in items:
            item.answer_form = SuggestionAnswerForm(instance=item, prefix=f"s{item.pk}")
    return render(request, "catalogue/suggestions.html", {"form": form, "items": items,
                                                          "is_coordinator": scope.is_coordinator})


@require_POST
@require_scope(*EVERYONE)
def suggestion_vote(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = suggestion_for(request.scope, pk)
    vote = suggestion.votes.filter(user=request.user)
    if vote.exists():
        vote.delete()
        messages.info(request, _("Your vote is withdrawn."))
    else:
        try:
            with transaction.atomic():
                suggestion.votes.create(user=request.user)
        except IntegrityError:
            pass
        messages.success(request, _("Your vote is counted."))
    return redirect("catalogue:suggestions")


@require_POST
@require_scope(*STAFF)
def suggestion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = suggestion_for(request.scope, pk)
    form = SuggestionAnswerForm(request.POST, instance=suggestion, prefix=f"s{suggestion.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, _("Answer saved."))
    else:
        messages.error(request, _("The answer could not be saved."))
    return redirect("catalogue:suggestions")



# --- Reference prices (what the same product costs in a shop nearby) ---------------------------

@require_scope(*STAFF)
def product_reference(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for(request.scope, pk)
    form = ReferencePriceForm(request.POST or None, initial={"observed_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                references.record_reference(by=request.user, product=product, **form.cleaned_data)
            except services.CatalogueError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Shop price recorded."))
                return redirect("catalogue:product_reference", pk=product.pk)
        status = REFUSED
    history = product.reference_prices.select_related("recorded_by")[:50]
    return render(request, "catalogue/product_reference.html",
                  {"product": product, "form": form, "history": history,
                   "current": history[0] if history else None}, status=status)


REFERENCE_SALT = "grappe.catalogue.references"


@require_scope(*STAFF)
def references_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing saved) → confirm. The checked rows travel signed in the confirm form."""
    association = request.scope.association
    context = {"form": ReferenceImportForm(), "rows": None, "file_errors": [], "confirm": None}
    if request.method != "POST":
        return render(request, "catalogue/references_import.html", context)
    if "payload" in request.POST:
        confirm = ReferenceConfirmForm(request.POST)
        try:
            rows = signing.loads(confirm.data.get("payload", ""), salt=f"{REFERENCE_SALT}.{association.pk}",
                                 max_age=3600)
            count = references.apply_reference_rows(by=request.user, association=association, rows=rows)
        except signing.BadSignature:
            context["file_errors"] = [_("This preview is too old or was changed: send the file again.")]
        except services.CatalogueError as error:
            context["file_errors"] = [str(error)]
        else:
            messages.success(request, ngettext("%(count)s shop price recorded.", "%(count)s shop prices recorded.",
                                               count) % {"count": count})
            return redirect("catalogue:index")
        return render(request, "catalogue/references_import.html", context, status=REFUSED)
    form = ReferenceImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "catalogue/references_import.html", context, status=REFUSED)
    upload = form.cleaned_data["file"]
    try:
        rows, file_errors = references.check_reference_file(
            association=association, name=upload.name, data=upload.read(imports.MAX_BYTES + 1),
            today=timezone.localdate())
    except services.CatalogueError as error:
        rows, file_errors = [], [str(error)]
    context.update(rows=rows, file_errors=file_errors,
                   bad=sum(1 for row in rows if row["errors"]))
    if file_errors or context["bad"]:
        return render(request, "catalogue/references_import.html", context, status=REFUSED)
    context["confirm"] = ReferenceConfirmForm(initial={
        "payload": signing.dumps(rows, salt=f"{REFERENCE_SALT}.{association.pk}")})
    return render(request, "catalogue/references_import.html", context)
