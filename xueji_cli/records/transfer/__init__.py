"""Transfers (转学, TRF-1…TRF-10, NUM-3) as cases: applying, approving along the route, completing,
cancelling; the four-copy certificate and its data sheet; sanctions (TRF-7)."""
