from .api import api

urls = api.urls  # (patterns, app_name, namespace), for grappe/urls.py
