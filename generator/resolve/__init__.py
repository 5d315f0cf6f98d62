"""Resolve stage: schedules, calendar revisions, backlinks and the edition's privacy."""
