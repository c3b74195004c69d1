"""Borrowing study (借读, BOR-1…BOR-5, ORG-3): loans in and out, their notes and end, and the
borrowing register."""
