"""Following topics, authors and other members' public collections; the "For you" page."""
