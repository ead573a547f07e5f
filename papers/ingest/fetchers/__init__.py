"""Fetchers: papers, code and thumbnails from the upstreams named in the settings
(``ARXIV_API_URL``, ``HF_API_URL``, ``GITHUB_API_URL``), through one HTTP policy
(http.py), written through the import engine (papers/ingest/writes.py)."""
