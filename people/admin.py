from django.contrib import admin

from people.models import Contact, Group, Pupil, StaffMember


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ["legal_last_name", "legal_first_name", "year_group", "organisation", "upn"]
    list_filter = ["organisation", "year_group", "sen_status"]
    search_fields = ["legal_last_name", "legal_first_name", "upn", "mis_id"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "year_group"]
    list_filter = ["kind", "organisation"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "job_title", "organisation"]
    search_fields = ["last_name", "first_name", "user__email"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "organisation", "email"]
    search_fields = ["last_name", "first_name", "email"]
