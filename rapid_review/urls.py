"""Rapid review URLs: the business unit's pages under the case, the agencies' under
information-requests/."""

from .views import (
    chronology,
    meetings,
    panel_response,
    report,
    requests,
    returns,
    review,
    signoff,
    submission,
    terms,
)

app_name = "rapid_review"
urlpatterns = (review.urlpatterns + terms.urlpatterns + requests.urlpatterns
               + returns.urlpatterns + chronology.urlpatterns + meetings.urlpatterns
               + report.urlpatterns + signoff.urlpatterns + submission.urlpatterns
               + panel_response.urlpatterns)
