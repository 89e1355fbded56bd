from .api import api, register_routers

register_routers()
urls = api.urls  # (patterns, app_name, namespace), for grappe/urls.py
