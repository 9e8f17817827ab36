from django.urls import path

from portfolios import views

app_name = "portfolios"

urlpatterns = [
    path("", views.home, name="home"),
    path("administration/", views.provider_admin, name="provider_admin"),
    path("administration/portfolios/", views.portfolio_list, name="portfolio_list"),
    path("administration/allocate/", views.allocate, name="allocate"),
    path("administration/sample/", views.sample_draw, name="sample_draw"),
    path("administration/sample/<int:pk>/", views.sample_detail, name="sample"),
    path("administration/sample/<int:pk>/finalise/", views.finalise, name="finalise"),
    path("administration/evaluation/", views.evaluation_summary, name="evaluation_summary"),
    path("<int:pk>/", views.portfolio_detail, name="portfolio"),
    path("<int:pk>/module/<int:number>/", views.module_detail, name="module"),
    path("<int:pk>/activity/<int:activity_pk>/", views.entry_edit, name="entry_first"),
    path("<int:pk>/activity/<int:activity_pk>/<int:sequence>/", views.entry_edit, name="entry"),
    path("<int:pk>/activity/<int:activity_pk>/skip/", views.entry_skip, name="entry_skip"),
    path("<int:pk>/meetings/", views.meetings, name="meetings"),
    path("<int:pk>/statement/", views.statement, name="statement"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/extension/", views.extension, name="extension"),
    path("<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("entry/<int:entry_pk>/attach/", views.attachment_upload, name="attachment_upload"),
    path("entry/<int:entry_pk>/comment/", views.comment_add, name="comment_add"),
    path("attachment/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachment/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("meeting/<int:pk>/confirm/", views.meeting_confirm, name="meeting_confirm"),
    path("review/<int:pk>/", views.review, name="review"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("moderation/<int:pk>/resolve/", views.resolve, name="resolve"),
    path(
        "moderation/<int:pk>/attachment/<int:attachment_pk>/",
        views.moderation_attachment,
        name="moderation_attachment",
    ),
    path("certificate/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificate/<int:pk>/credential/", views.certificate_json, name="certificate_json"),
    path("certificate/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("credential/<str:code>/", views.credential_public, name="credential_public"),
    path("public/<slug:slug>/status-list/", views.public_status_list, name="public_status_list"),
    path("public/<slug:slug>/issuer/", views.public_issuer, name="public_issuer"),
]
