"""Settings, one module per way of running the site (all read the environment
through ``env.py``):

- ``dev``: a laptop; DEBUG on, SQLite unless DATABASE_URL is set (the default of
  ``manage.py``);
- ``prod``: production; DEBUG off, refuses to start without SECRET_KEY (the default
  of ``wsgi.py`` and ``asgi.py``);
- ``test``: the test suite; fast and hermetic.

``base`` holds what they share. docs/deploying.md lists every variable.
"""
