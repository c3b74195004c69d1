"""The change journal (学籍变动), the source of truth (CHG-3): the tables, appending entries,
the one fold that makes a record of its entries, the record on any day, and the check
that recomputes every record. Imports values, rules and store."""
