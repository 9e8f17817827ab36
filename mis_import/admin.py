from django.contrib import admin

from mis_import.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "organisation", "kind", "status", "total_rows", "error_count", "created_at"]
    list_filter = ["kind", "status"]
    exclude = ["content"]
    readonly_fields = [
        "organisation",
        "kind",
        "uploaded_by",
        "imported_by",
        "filename",
        "encoding",
        "status",
        "total_rows",
        "processed_rows",
        "errors",
        "error_count",
        "summary",
        "checked_at",
        "imported_at",
    ]
