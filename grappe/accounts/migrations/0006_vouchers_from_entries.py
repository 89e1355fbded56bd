"""The vouchers received before issuers were a list: one `VoucherIssuer` per association and distinct
folded issuer text (the first spelling met is kept as its name), and one `Voucher` row, "received",
per voucher payment entry (a corrected one too: it is never claimed). The entries are not changed.
Backwards: nothing to undo here (0005 drops the tables)."""

import re

from django.db import migrations
from django.utils import timezone

from grappe.core.text import fold

NOISE = re.compile(r"[\s\-./_]+")


def _kind(key: str) -> str:
    if "ccas" in key or "cias" in key:
        return "ccas"
    if "depart" in key or key.startswith("cd ") or "conseil general" in key:
        return "departement"
    return "other"


def create_issuers_and_vouchers(apps, schema_editor):
    Entry = apps.get_model("accounts", "Entry")
    VoucherIssuer = apps.get_model("accounts", "VoucherIssuer")
    Voucher = apps.get_model("accounts", "Voucher")
    issuers = {(i.association_id, i.name_key): i for i in VoucherIssuer.objects.all()}
    done = set(Voucher.objects.values_list("entry_id", flat=True))
    entries = Entry.objects.filter(kind="payment", means="voucher").order_by("at", "pk")
    for entry in entries.iterator():
        if entry.pk in done:
            continue
        name = " ".join(entry.issuer.split()) or "Émetteur non renseigné"
        key = fold(name)[:100]
        issuer = issuers.get((entry.association_id, key))
        if issuer is None:
            issuer = VoucherIssuer.objects.create(association_id=entry.association_id, name=name[:100], name_key=key,
                                                  kind=_kind(key), at=entry.at)
            issuers[(entry.association_id, key)] = issuer
        number = entry.reference.strip() or "?"
        Voucher.objects.create(association_id=entry.association_id, entry_id=entry.pk, issuer=issuer, number=number,
                               number_key=NOISE.sub("", fold(number))[:60],
                               value=entry.voucher_value if entry.voucher_value is not None else entry.amount,
                               received_on=timezone.localtime(entry.at).date(), member_id=entry.member_id,
                               distribution_id=entry.distribution_id, status="received")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_voucher_issuers_and_claims")]

    operations = [migrations.RunPython(create_issuers_and_vouchers, migrations.RunPython.noop)]
