"""Rules of RULES.md as pure functions over plain values.

Each function returns a list of `Violation`s (values/violation.py), empty when the rule
passes. A violation names the rule id, the field, what is wrong and what would make it
pass; a "warning" is shown and recorded but does not refuse the change.
"""
