"""PostgreSQL: leave room in order line pages so that writing `allotted` at closing is a HOT update
(no index is touched, since `allotted` is not indexed). Nothing to do on other databases."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orders_orderline SET (fillfactor = 70)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orders_orderline RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
