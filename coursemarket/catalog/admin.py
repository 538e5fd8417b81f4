from django.contrib import admin
from parler.admin import TranslatableAdmin

from .models import Category, Skill


@admin.register(Category)
class CategoryAdmin(TranslatableAdmin):
    list_display = ("__str__", "slug", "parent", "position", "is_featured")
    list_filter = ("is_featured",)
    search_fields = ("slug", "translations__name")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
