from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Safeguarding Practice Reviews: operations"

urlpatterns = [
    path("", include("dashboards.urls")),
    path("", include("accounts.urls")),
    path("cases/", include("notifications.urls")),
    path("cases/", include("lcspr.urls")),
    path("", include("actionplans.urls")),
    path("", include("rapid_review.urls")),
    path("cases/", include("cases.urls")),
    path("", include("calendars.urls")),
    path("", include("outbox.urls")),
    path("", include("operations.urls")),
    path("", include("records.urls")),
    path("ops/admin/", admin.site.urls),
]
