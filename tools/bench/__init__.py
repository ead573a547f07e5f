"""The benchmark and the synthetic catalogue behind it: not shipped with the site.

A Django app that only ``tools.bench.settings`` installs; ``make bench`` runs
``manage.py benchmark`` with those settings. See docs/performance.md.
"""
