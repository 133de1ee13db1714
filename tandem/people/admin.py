"""Operators' admin for profiles and each organisation's taxonomy. Org admins edit the
taxonomy in the app; this is for support and repairs."""

from __future__ import annotations

from django.contrib import admin

from tandem.people.models import (
    CareerLevel,
    Competency,
    Department,
    Language,
    Profile,
    ProfileSkill,
    Skill,
    TaxonomyItem,
    WorkValue,
)


class ProfileSkillInline(admin.TabularInline[ProfileSkill, Profile]):
    model = ProfileSkill
    extra = 0
    raw_id_fields = ("skill",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = (
        "__str__",
        "organisation",
        "job_title",
        "department",
        "open_to_mentor",
        "seeking_mentorship",
    )
    list_filter = ("organisation", "open_to_mentor", "seeking_mentorship")
    search_fields = ("membership__user__full_name", "membership__user__email", "job_title")
    list_select_related = ("membership__user", "organisation", "department")
    raw_id_fields = ("membership", "organisation", "department", "career_level", "manager")
    filter_horizontal = ("languages", "values", "goal_skills")
    readonly_fields = ("updated_at",)
    inlines = (ProfileSkillInline,)


class TaxonomyAdmin(admin.ModelAdmin[TaxonomyItem]):
    """Shared by every organisation-scoped list of names (skills, competencies, values, departments)."""

    list_display = ("name", "organisation", "description")
    list_filter = ("organisation",)
    search_fields = ("name", "organisation__name")
    list_select_related = ("organisation",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    list_display = ("name", "category", "organisation")
    list_filter = ("organisation", "category")
    search_fields = ("name", "category", "organisation__name")
    list_select_related = ("organisation",)


admin.site.register(Competency, TaxonomyAdmin)
admin.site.register(WorkValue, TaxonomyAdmin)
admin.site.register(Department, TaxonomyAdmin)


@admin.register(CareerLevel)
class CareerLevelAdmin(admin.ModelAdmin[CareerLevel]):
    list_display = ("rank", "name", "organisation")
    list_filter = ("organisation",)
    list_select_related = ("organisation",)
    ordering = ("organisation__name", "rank")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin[Language]):
    list_display = ("name", "code")
    search_fields = ("name", "code")
