from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views.calendar_day_remove, name="calendar-day-remove"),
    path("timeline/", views.timeline, name="timeline"),
    path("timeline/choose/", views.timeline_choose, name="timeline-choose"),
    path("timeline/steps/new/", views.timeline_step_edit, name="timeline-step-new"),
    path("timeline/steps/<int:pk>/", views.timeline_step_edit, name="timeline-step-edit"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("deadlines/reminders/", views.reminders_send_now, name="reminders-send-now"),
]
