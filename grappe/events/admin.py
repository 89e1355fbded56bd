from django.contrib import admin

from .models import Event, Registration


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "starts_at", "capacity", "status"]
    list_filter = ["status", "kind"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "member", "status", "changed_at"]
    list_filter = ["status"]
