"""The rest of a record's life (CHG-1…CHG-3): the year's turn and graduation, repeat,
skip and class change, leaving the register, corrections and undo."""
