from .views import case, documents, referral, triage

app_name = "cases"

urlpatterns = (referral.urlpatterns + triage.urlpatterns + documents.urlpatterns
               + case.urlpatterns)
