from django.contrib import admin

from tenants.models import Commune, Domain, Groupement


@admin.register(Groupement)
class GroupementAdmin(admin.ModelAdmin):
    list_display = ("name", "coordinator")


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("name", "insee_code", "slug", "status", "schema_name")
    list_filter = ("status",)
    search_fields = ("name", "insee_code", "slug")
    readonly_fields = ("schema_name", "slug", "insee_code", "created_at")
    inlines = [DomainInline]
