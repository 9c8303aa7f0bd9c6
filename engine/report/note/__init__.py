"""Report stage: a note's claims, answered — the claims table as text, the page (note.html), its JSON and CSV."""
