from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from PIL import Image

from grappe.core.navigation import NavItem


class CatalogueConfig(AppConfig):
    name = "grappe.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")
    nav_items = [
        NavItem("catalogue:index", _("Catalogue"), icon="🧺", order=20),
        NavItem("catalogue:suppliers", _("Suppliers"), roles=frozenset({"admin", "coordinator"}), icon="🚚",
                order=60),
    ]

    def ready(self):
        # Pillow refuses to open an image of more than twice this many pixels (a decompression bomb: a
        # small file that fills the memory once decoded); ProductForm refuses more than this many.
        from .forms import MAX_PHOTO_PIXELS  # in ready(): the forms import the models, not loaded before

        Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS
