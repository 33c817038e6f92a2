from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("records/", views.review, name="review"),
    path("records/retention-rules/", views.retention_rules, name="retention-rules"),
    path("records/cases/<str:reference>/", views.case_retention, name="case-retention"),
    path("records/subject-access/", views.subject_access_search, name="subject-access"),
    path("records/subject-access/export/", views.subject_access_export,
         name="subject-access-export"),
]
