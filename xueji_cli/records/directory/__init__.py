"""The directory's schools and service areas (ORG-1…ORG-3), finding a student by KEY, the
access notes of --show-id, and backups."""
