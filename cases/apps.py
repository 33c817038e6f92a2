from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases, referrals and triage"

    def ready(self) -> None:
        # The read audit finds the case a page shows from its URL's reference or draft key.
        from accounts.read_audit import case_finder_register

        from . import selectors

        case_finder_register(selectors.case_by_reference, argument="reference")
        case_finder_register(selectors.case_by_draft_key, argument="key")
        case_finder_register(selectors.case_by_challenge, url_names=["cases:challenge-resolve"])
