from .api import api, register_routers

register_routers()
urlpatterns = [*api.urls[0]]
app_name = api.urls[1]
