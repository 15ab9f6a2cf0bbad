"""One eligibility engine: the rules a person must meet for an action on a date (R-APPOINT-SAFE)."""
