"""The dispatch plan is read from the allotted order lines (queries.dispatch_plan), no longer stored.

PostgreSQL: order line pages keep more than half their room free, so that writing `allotted` at
closing (and again at a receipt) is a HOT update for every line (`allotted` is not indexed, so no
index is touched); at 70 % only about a third of them were. Measured in docs/benchmarks.md.
"""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orders_orderline SET (fillfactor = 45)")


def previous_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orders_orderline SET (fillfactor = 70)")


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_cyclegroup_time")]

    operations = [
        migrations.DeleteModel(name="DispatchLine"),
        migrations.RunPython(set_fillfactor, previous_fillfactor),
    ]
