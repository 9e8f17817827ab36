from django.contrib import admin

from access.models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "scope_label", "starts_on", "ends_on"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user", "group"]
