"""An event for several groups (issue 17): `groups` next to the host `group`, filled from it."""

from django.db import migrations, models


def fill_groups(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Through = Event.groups.through
    Through.objects.bulk_create(
        [Through(event_id=pk, buyinggroup_id=group_id) for pk, group_id in Event.objects.values_list("pk", "group_id")],
        ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0001_initial"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="groups",
            field=models.ManyToManyField(blank=True, related_name="shared_events", to="network.buyinggroup",
                                         verbose_name="for the groups"),
        ),
        migrations.RunPython(fill_groups, migrations.RunPython.noop),
    ]
