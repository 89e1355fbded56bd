from django.contrib import admin

from .models import GroupSelection, PriceChange, PriceImport, PriceTier, Product, Suggestion, Supplier


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "association", "distance_km", "active"]
    list_filter = ["kind", "association", "active"]
    search_fields = ["name"]


class PriceChangeInline(admin.TabularInline):
    model = PriceChange
    extra = 0
    readonly_fields = ["valid_from", "pack_price_excl_vat", "vat_rate", "source", "recorded_by", "recorded_at"]
    can_delete = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "supplier", "reference", "pack_size", "pack_price_excl_vat", "available"]
    list_filter = ["family", "association", "available"]
    search_fields = ["name", "reference"]
    readonly_fields = ["pack_price_excl_vat", "vat_rate"]
    inlines = [PriceChangeInline]


admin.site.register(PriceTier)
admin.site.register(GroupSelection)
admin.site.register(Suggestion)
admin.site.register(PriceImport)
