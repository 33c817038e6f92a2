from django.urls import path

from . import views
from .figures import views as figures_views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_trail, name="audit-trail"),
    # Figures and the yearly report (issue 14)
    path("figures/", figures_views.figures, name="figures"),
]
