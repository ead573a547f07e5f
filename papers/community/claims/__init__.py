"""Author claiming: a member asks to be recognised as an author (optionally with an
ORCID iD, checked by its checksum), staff approve in the admin, and the member can
then keep the author page's affiliation and homepage up to date."""
