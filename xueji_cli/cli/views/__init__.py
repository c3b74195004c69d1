"""Records and cases as the registrar sees them (tables, lines) and as scripts see them
(the --json documents): built here, in the command layer, from what the core returns.
ID and national numbers are masked unless --show-id."""
