"""Reports (REP-1…REP-5): the monthly change report, statistics, the numbered roster, the
stamp list and headcount check, the registration card — all read from the ledger."""
