from django.contrib import admin
from django.urls import include, path

from pastoral import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("organisation/", include("organisations.urls")),
    path("pupils/", include("people.urls")),
    path("audit/", include("audit.urls")),
    path("staff/", include("access.urls")),
    path("imports/", include("mis_import.urls")),
    path("qualifications/", include("qualifications.urls")),
    path("portfolios/", include("portfolios.urls")),
    path("programme-support/", include("programme_support.urls")),
    path("attendance/", include("attendance.urls")),
    path("behaviour/", include("behaviour.urls")),
    path("support-plans/", include("support_plans.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("achievement/", include("achievement.urls")),
    path("early-warning/", include("early_warning.urls")),
    path("insights/", include("insights.urls")),
    path("caseloads/", include("caseloads.urls")),
    path("django-admin/", admin.site.urls),
]
