"""The fields of a student record that the journal sets (the projection): a record is what
the `sets` of its entries, applied in order, make of it. Kept apart from the table models
so that code which only builds rows need not load the ORM."""

PROJECTED = ("school_id", "kind", "local_number", "national_number", "entry_year",
             "grade", "class_no", "status")
