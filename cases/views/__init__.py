"""Case views, one module per journey: referral (agencies), triage and case (business unit)."""
