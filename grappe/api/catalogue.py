"""Catalogue API: suppliers, products and prices. Read for everyone in the association (members see
their group's selection at their price), write for coordinators and admins. Same scoping and
services as the pages: anything outside the user's association is a 404."""

from datetime import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from grappe.api.types import CostPerKg, Kilometres, PackSize, Percent, PositiveAmount, Quantity, Step
from grappe.catalogue import services
from grappe.catalogue.models import Family, PriceChange, Product, Supplier, Unit
from grappe.catalogue.queries import (
    current_prices,
    price_category,
    product_for,
    supplier_for,
    visible_products,
)
from grappe.network.access import group_for, scope_for

router = Router(tags=["catalogue"])


def _scope(request, *, write=False):
    scope = scope_for(request.auth)
    if scope.association is None or not scope.kinds:
        raise Http404
    if write and not scope.is_coordinator:
        raise Http404
    return scope


class SupplierOut(Schema):
    id: int
    name: str
    kind: str
    labels: str
    distance_km: Decimal | None
    delivery_days: str
    lead_time_days: int | None
    minimum_order_amount: Decimal | None
    minimum_order_packs: int | None
    free_delivery_threshold: Decimal | None
    transport_cost_per_kg: Decimal
    cost_share_percent: Decimal
    active: bool


class SupplierIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: Supplier.Kind = Supplier.Kind.PRODUCER
    labels: str = ""
    address: str = ""
    distance_km: Kilometres | None = None
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    delivery_days: str = ""
    lead_time_days: int | None = Field(None, ge=0)
    minimum_order_amount: PositiveAmount | None = None
    minimum_order_packs: int | None = Field(None, ge=0)
    free_delivery_threshold: PositiveAmount | None = None
    payment_terms: str = ""
    notes: str = ""
    transport_cost_per_kg: CostPerKg = Decimal("0")
    cost_share_percent: Percent = Decimal("0")
    active: bool = True


class PriceOut(Schema):
    pack_price_excl_vat: Decimal
    vat_rate: Decimal
    supplier_excl_vat: Decimal
    vat: Decimal
    transport: Decimal
    other_costs: Decimal
    cost_price: Decimal
    tier_percent: Decimal
    tier_adjustment: Decimal
    member_price: Decimal


class ProductOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    family: str
    name: str
    reference: str
    description: str
    origin_place: str
    origin_region: str
    origin_country: str
    producer: str
    production_conditions: str
    is_organic: bool
    is_fair_trade: bool
    is_local: bool
    local_km: int | None
    allergens: str
    unit: str
    order_step: Decimal
    is_bulk: bool
    pack_size: Decimal | None
    minimum_packs: int | None
    max_per_member: Decimal | None
    weight_kg_per_unit: Decimal
    available: bool
    price: PriceOut


class ProductIn(Schema):
    supplier_id: int
    name: str = Field(..., min_length=1, max_length=200)
    reference: str = Field(..., min_length=1, max_length=60)
    family: Family = Family.OTHER
    description: str = ""
    origin_place: str = ""
    origin_region: str = ""
    origin_country: str = "France"
    producer: str = ""
    production_conditions: str = ""
    is_organic: bool = False
    is_fair_trade: bool = False
    is_local: bool = False
    local_km: int | None = Field(None, ge=0)
    allergens: str = ""
    unit: Unit = Unit.KG
    order_step: Step = Decimal("1")
    is_bulk: bool = False
    pack_size: PackSize | None = None
    pack_price_excl_vat: PositiveAmount
    vat_rate: Percent = Decimal("5.50")
    minimum_packs: int | None = Field(None, ge=0)
    max_per_member: Quantity | None = None
    weight_kg_per_unit: Quantity = Decimal("1")
    available: bool = True


class ProductPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    family: Family | None = None
    description: str | None = None
    origin_place: str | None = None
    origin_region: str | None = None
    origin_country: str | None = None
    producer: str | None = None
    production_conditions: str | None = None
    is_organic: bool | None = None
    is_fair_trade: bool | None = None
    is_local: bool | None = None
    local_km: int | None = Field(None, ge=0)
    allergens: str | None = None
    order_step: Step | None = None
    is_bulk: bool | None = None
    minimum_packs: int | None = Field(None, ge=0)
    max_per_member: Quantity | None = None
    weight_kg_per_unit: Quantity | None = None
    available: bool | None = None


class PriceChangeIn(Schema):
    pack_price_excl_vat: PositiveAmount
    vat_rate: Percent | None = None
    valid_from: datetime | None = None


class PriceChangeOut(Schema):
    valid_from: datetime
    pack_price_excl_vat: Decimal
    vat_rate: Decimal
    source: str


def _product_out(product: Product, price) -> dict:
    data = {field: getattr(product, field) for field in ProductOut.model_fields if field not in ("supplier", "price")}
    data["supplier"] = product.supplier.name
    data["price"] = {
        "pack_price_excl_vat": price.pack_price_excl_vat, "vat_rate": price.vat_rate,
        "supplier_excl_vat": price.cost.supplier_excl_vat, "vat": price.cost.vat, "transport": price.cost.transport,
        "other_costs": price.cost.other_costs, "cost_price": price.cost.total, "tier_percent": price.tier_percent,
        "tier_adjustment": price.tier_adjustment, "member_price": price.price,
    }
    return data


# --- Suppliers --------------------------------------------------------------------------------

@router.get("/suppliers", response=list[SupplierOut])
def list_suppliers(request):
    scope = _scope(request)
    return list(Supplier.objects.filter(association=scope.association).order_by("name"))


@router.get("/suppliers/{supplier_id}", response=SupplierOut)
def get_supplier(request, supplier_id: int):
    return supplier_for(_scope(request), supplier_id)


@router.post("/suppliers", response={201: SupplierOut})
def create_supplier(request, payload: SupplierIn):
    scope = _scope(request, write=True)
    if Supplier.objects.filter(association=scope.association, name__iexact=payload.name.strip()).exists():
        raise HttpError(409, "A supplier with this name already exists.")
    return Status(201, Supplier.objects.create(association=scope.association, **payload.dict()))


@router.put("/suppliers/{supplier_id}", response=SupplierOut)
def update_supplier(request, supplier_id: int, payload: SupplierIn):
    scope = _scope(request, write=True)
    supplier = supplier_for(scope, supplier_id)
    if (Supplier.objects.filter(association=scope.association, name__iexact=payload.name.strip())
            .exclude(pk=supplier.pk).exists()):
        raise HttpError(409, "A supplier with this name already exists.")
    for name, value in payload.dict().items():
        setattr(supplier, name, value)
    supplier.save()
    return supplier


# --- Products and prices ----------------------------------------------------------------------

@router.get("/products", response=list[ProductOut])
def list_products(request, family: str = "", q: str = "", group: int | None = None):
    scope = _scope(request)
    chosen = group_for(scope, group) if group is not None else None  # members: 404, they see their own
    products = visible_products(scope, chosen).select_related("supplier").order_by("family", "name")
    if family:
        products = products.filter(family=family)
    if q:
        products = products.filter(name__icontains=q[:100])
    products = list(products)
    prices = current_prices(products, price_category(scope))
    return [_product_out(p, prices[p.pk]) for p in products]


def _visible_product(scope, product_id: int) -> Product:
    return product_for(scope, product_id)


@router.get("/products/{product_id}", response=ProductOut)
def get_product(request, product_id: int):
    scope = _scope(request)
    product = _visible_product(scope, product_id)
    return _product_out(product, current_prices([product], price_category(scope))[product.pk])


@router.post("/products", response={201: ProductOut})
def create_product(request, payload: ProductIn):
    scope = _scope(request, write=True)
    data = payload.dict()
    supplier = supplier_for(scope, data.pop("supplier_id"))
    try:
        product = services.create_product(by=request.auth, supplier=supplier, **data)
    except services.CatalogueError as error:
        raise HttpError(409, str(error)) from None
    product = Product.objects.select_related("supplier").get(pk=product.pk)
    return Status(201, _product_out(product, current_prices([product])[product.pk]))


@router.patch("/products/{product_id}", response=ProductOut)
def update_product(request, product_id: int, payload: ProductPatch):
    scope = _scope(request, write=True)
    product = _visible_product(scope, product_id)
    try:
        services.update_product(product=product, **payload.dict(exclude_unset=True))
    except services.CatalogueError as error:
        raise HttpError(400, str(error)) from None
    return _product_out(product, current_prices([product])[product.pk])


@router.get("/products/{product_id}/prices", response=list[PriceChangeOut])
def price_history(request, product_id: int):
    scope = _scope(request)
    product = _visible_product(scope, product_id)
    return list(product.price_changes.order_by("-valid_from", "-pk")[:200])


@router.post("/products/{product_id}/prices", response={201: PriceChangeOut, 200: PriceChangeOut})
def change_price(request, product_id: int, payload: PriceChangeIn):
    scope = _scope(request, write=True)
    product = _visible_product(scope, product_id)
    try:
        change = services.change_price(by=request.auth, product=product,
                                       pack_price_excl_vat=payload.pack_price_excl_vat, vat_rate=payload.vat_rate,
                                       valid_from=payload.valid_from, source=PriceChange.Source.API)
    except services.CatalogueError as error:
        raise HttpError(400, str(error)) from None
    if change is None:
        return Status(200, product.price_changes.order_by("-valid_from", "-pk").first())
    return Status(201, change)
