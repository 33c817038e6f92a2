from .views import case, deadlines, documents, referral, triage

app_name = "cases"

urlpatterns = (referral.urlpatterns + triage.urlpatterns + documents.urlpatterns
               + deadlines.urlpatterns + case.urlpatterns)
