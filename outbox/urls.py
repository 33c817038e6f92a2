from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("emails/undelivered/", views.undelivered, name="undelivered"),
    path("emails/<int:pk>/try-again/", views.retry, name="message-retry"),
]
