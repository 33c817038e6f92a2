from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(),
         name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password-reset-confirm"),
    path("password-reset/complete/", views.PasswordResetCompleteView.as_view(),
         name="password-reset-complete"),
    path("partnership/choose/", views.choose_partnership, name="choose-partnership"),
    path("partnerships/<str:code>/", views.partnership_detail, name="partnership-detail"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("people/", views.people, name="people"),
    path("audit/", views.audit_trail, name="audit-trail"),
]
