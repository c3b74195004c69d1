"""Plain values and their words: Violation, the named errors, dates, masking of personal
numbers, the code tables of data/codes.toml, and the converters from what a registrar types
to stored values. Imports nothing of xueji_cli."""
