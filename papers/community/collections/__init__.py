"""Members' collections of papers: named, public or private, in the member's order,
exported as BibTeX, Atom and JSON."""
