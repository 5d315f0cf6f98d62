"""The formats of the values the pages hand to the reader's browser (meeting_data.py writes
them, the output allowlist in engine/sanitize.py admits exactly these). Apart from
meeting_data so that the sanitizer, loaded by every engine run, imports no generator code."""

# '2027-04-22T12:30+01:00': what JavaScript's Date parses in every browser, offset included.
ISO_MINUTE = r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d"
# A meeting's page path without '.md' (ids are slugs): the key of its ticks in the browser.
CHECKLIST_KEY = r"[a-z0-9-]+(?:/[a-z0-9-]+)*"
