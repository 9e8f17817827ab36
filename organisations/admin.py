from django.contrib import admin

from organisations.models import AcademicYear, AssociationMembership, Closure, Organisation, Site, Term


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


class MembershipInline(admin.TabularInline):
    model = AssociationMembership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phase", "parent"]
    list_filter = ["kind", "phase"]
    search_fields = ["name", "urn"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SiteInline, MembershipInline]


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["organisation", "academic_year", "kind", "starts_on", "ends_on"]
    list_filter = ["academic_year", "kind"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "starts_on", "ends_on", "reason"]
    list_filter = ["kind"]
