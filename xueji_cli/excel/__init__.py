"""Spreadsheets: reading the schools' rosters (the file guard, python-calamine, a declarative
column map) and writing the registrar's forms safely (openpyxl; ID columns as text,
formulas inert). Imports only values."""
