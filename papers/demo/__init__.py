"""The demo data set (data/) and ``manage.py load_demo``."""
