from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tenants.usage.models import ClassCountCorrection, ClassCountSnapshot


class CorrectionInline(admin.TabularInline):
    model = ClassCountCorrection
    extra = 0
    can_delete = False
    readonly_fields = [
        "field",
        "old_value",
        "new_value",
        "reason",
        "corrected_by_id",
        "corrected_by_name",
        "corrected_at",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # corrections go through class_count_correct (it keeps the trail)


@admin.register(ClassCountSnapshot)
class ClassCountSnapshotAdmin(admin.ModelAdmin):
    list_display = ["commune", "date", "primary_classes", "deployed_classes", "deployed_schools"]
    list_filter = ["date"]
    list_select_related = ["commune"]
    readonly_fields = ["primary_classes", "deployed_classes", "deployed_schools", "collected_at"]
    inlines = [CorrectionInline]
