"""The workflows, one package per chapter of RULES.md — directory, enrollment, transfer,
borrowing, suspension, lifecycle — each with its own paper forms. They check the rules,
then write through the ledger in one transaction."""
