from .views import case, deadlines, documents, history, referral, triage

app_name = "cases"

urlpatterns = (referral.urlpatterns + triage.urlpatterns + documents.urlpatterns
               + deadlines.urlpatterns + history.urlpatterns + case.urlpatterns)
