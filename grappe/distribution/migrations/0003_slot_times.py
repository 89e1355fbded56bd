"""Rota slots get a real start and end time instead of a free text ("17 h", "16h30-19h", "17:00 à 19:00").

The old text is read where it can be: the first time found becomes the start, the second the end
(kept only if after the start). Whatever else the text said ("arriver tôt", "après-midi") is kept in
brackets after the task, so nothing a coordinator wrote is lost. Going back writes "17 h 30 - 19 h".
"""

import datetime as dt
import re

from django.db import migrations, models

TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*(?:h|H|:)\s*([0-5]\d)?(?!\d)")
FILLER = re.compile(r"^[\s\-–—/à,;.()]*(?:(?:de|from|to|jusqu'à|vers)\b[\s\-–—/à,;.()]*)*$", re.IGNORECASE)


def parse_slot_time(text: str) -> tuple[dt.time | None, dt.time | None, str]:
    """(start, end, what is left of the text) from an old free-text slot time."""
    text = (text or "").strip()
    found = list(TIME.finditer(text))[:2]
    times = [dt.time(int(m.group(1)), int(m.group(2) or 0)) for m in found]
    start = times[0] if times else None
    end = times[1] if len(times) > 1 and times[1] > times[0] else None
    rest = text
    for match in reversed(found if end else found[:1]):
        rest = rest[:match.start()] + " " + rest[match.end():]
    rest = "" if FILLER.match(rest) else " ".join(rest.split()).strip(" -–—/,;.")
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1].strip()
    return start, end, rest


def label(value: dt.time) -> str:
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def forwards(apps, schema_editor):
    RotaSlot = apps.get_model("distribution", "RotaSlot")
    for slot in RotaSlot.objects.exclude(time=""):
        start, end, rest = parse_slot_time(slot.time)
        slot.starts_at, slot.ends_at = start, end
        if rest:
            slot.task = f"{slot.task} ({rest})"[:100]
        slot.save(update_fields=["starts_at", "ends_at", "task"])


def backwards(apps, schema_editor):
    RotaSlot = apps.get_model("distribution", "RotaSlot")
    for slot in RotaSlot.objects.exclude(starts_at=None):
        slot.time = label(slot.starts_at) + (f" - {label(slot.ends_at)}" if slot.ends_at else "")
        slot.save(update_fields=["time"])


class Migration(migrations.Migration):

    dependencies = [
        ('distribution', '0002_status_label'),
    ]

    operations = [
        migrations.AddField(
            model_name='rotaslot',
            name='starts_at',
            field=models.TimeField(blank=True, null=True, verbose_name='starts at'),
        ),
        migrations.AddField(
            model_name='rotaslot',
            name='ends_at',
            field=models.TimeField(blank=True, null=True, verbose_name='ends at'),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterModelOptions(
            name='rotaslot',
            options={'ordering': ['distribution', 'starts_at', 'task', 'pk'], 'verbose_name': 'rota slot'},
        ),
        migrations.RemoveField(
            model_name='rotaslot',
            name='time',
        ),
        migrations.AddConstraint(
            model_name='rotaslot',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__isnull', True), models.Q(('starts_at__isnull', False), ('ends_at__gt', models.F('starts_at'))), _connector='OR'), name='rota_slot_ends_after_start'),
        ),
    ]
