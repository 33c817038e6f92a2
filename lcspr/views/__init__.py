"""The LCSPR's pages, one module per topic; every one under /cases/<reference>/lcspr/."""

from django.urls import path

from . import clock, overview, reviewer, subgroup, terms

urlpatterns = [
    path("<str:reference>/lcspr/", overview.overview, name="overview"),
    path("<str:reference>/lcspr/commission/", overview.commission, name="commission"),
    path("<str:reference>/lcspr/publication/", clock.publication_plan, name="publication-plan"),
    path("<str:reference>/lcspr/final-report-sent/", clock.final_report_sent,
         name="final-report-sent"),
    path("<str:reference>/lcspr/sub-group/", subgroup.sub_group, name="sub-group"),
    path("<str:reference>/lcspr/sub-group/add/", subgroup.member_add, name="sub-group-add"),
    path("<str:reference>/lcspr/sub-group/<int:pk>/remove/", subgroup.member_remove,
         name="sub-group-remove"),
    path("<str:reference>/lcspr/reviewer/", reviewer.reviewer, name="reviewer"),
    path("<str:reference>/lcspr/reviewer/letter/", reviewer.reviewer_letter_page,
         name="reviewer-letter"),
    path("<str:reference>/lcspr/terms/", terms.terms, name="terms"),
    path("<str:reference>/lcspr/terms/edit/", terms.terms_edit, name="terms-edit"),
    path("<str:reference>/lcspr/terms/agree/", terms.terms_agree, name="terms-agree"),
    path("<str:reference>/lcspr/terms/download.<str:fmt>", terms.terms_download,
         name="terms-download"),
]
