from django.urls import path

from . import views, views_overdue
from .figures import views as figures_views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    # The overdue dashboard (issue 14)
    path("overdue/", views_overdue.overdue_dashboard, name="overdue"),
    path("overdue/agency/", views_overdue.agency_overdue, name="overdue-agency"),
    path("audit/", views.audit_trail, name="audit-trail"),
    # Figures and the yearly report (issue 14)
    path("figures/", figures_views.figures, name="figures"),
]
