"""The action plan's pages, one module per part of the work."""

from django.urls import include, path

from . import documents, learning, oversight, plan, progress

urlpatterns = [
    path("cases/", include([*plan.urlpatterns, *progress.urlpatterns, *oversight.urlpatterns,
                            *learning.urlpatterns, *documents.urlpatterns])),
    *progress.agency_urlpatterns,
]
