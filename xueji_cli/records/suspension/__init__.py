"""Suspension and resumption (休学 / 复学, SUS-1…SUS-7) as cases in the journal, and the
suspension certificate."""
