from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from apps.accounts.models import User


@admin.register(User)
class EntUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "profile", "is_active")
    list_filter = ("profile", "is_active")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("ENT", {"fields": ("profile",)}))
