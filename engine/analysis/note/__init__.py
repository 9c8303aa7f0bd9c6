"""Analysis stage: a chart note's claims, tested — the note file's model, the draft from text, the claims' evidence."""
