"""Enrollment (入学, ENR-1…ENR-7, NUM-1…NUM-7): one child or a whole September roster
through the same rules, numbered and written in one transaction."""
