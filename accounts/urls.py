from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor_views, views
from .middleware import second_factor_not_required

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", second_factor_not_required(auth_views.LogoutView.as_view()),
         name="sign-out"),
    path("sign-in/code/", two_factor_views.code, name="second-factor"),
    path("sign-in/set-up-app/", two_factor_views.set_up, name="second-factor-set-up"),
    path("sign-in/recovery-codes/", two_factor_views.recovery_codes, name="recovery-codes"),
    path("session/keep-alive/", second_factor_not_required(views.session_keep_alive),
         name="session-keep-alive"),
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
    # Administration in the service (the operations admin is for operations only).
    path("administration/", views.administration, name="administration"),
    path("administration/settings/", views.partnership_settings,
         name="partnership-settings"),
    path("agencies/add/", views.agency_edit, name="agency-add"),
    path("agencies/<int:pk>/change/", views.agency_edit, name="agency-edit"),
    path("agencies/<int:pk>/share/", views.agency_share, name="agency-share"),
    path("people/add/", views.person_add, name="person-add"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/roles/add/", views.role_give, name="role-give"),
    path("people/<int:pk>/roles/<int:membership_pk>/remove/", views.role_remove,
         name="role-remove"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person-reactivate"),
    path("people/<int:pk>/authenticator/reset/", views.second_factor_reset,
         name="second-factor-reset"),
    path("people/<int:pk>/invitation/", views.invitation_resend, name="invitation-resend"),
    path("invitation/<uidb64>/<token>/", views.InvitationAcceptView.as_view(),
         name="invitation-accept"),
]
