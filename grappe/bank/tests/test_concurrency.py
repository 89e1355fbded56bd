"""Two imports of the same statement at once, on PostgreSQL: each line is added once, each proposal made
once, and the figures of the two imports add up (one finds every line new, the other none).

PostgreSQL only (SQLite has no row locks): see grappe/core/tests/concurrency.py.
"""

from pathlib import Path

import pytest

from grappe.bank import services
from grappe.bank.models import BankAccount, BankTransaction, StatementImport
from grappe.bank.statements import parse
from grappe.core.tests.concurrency import errors, postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("name", ["camt053_november.xml", "cfonb120_november.txt"])
def test_two_imports_of_one_file_at_once_add_each_line_once(world, name):
    account = BankAccount.objects.create(association=world.association, name="Crédit Coopératif")
    statement = parse((DATA / name).read_bytes())

    def import_once():
        return services.import_statement(account=account, statement=statement, file_name=name, by=world.admin)

    outcomes = run_concurrently(import_once, import_once, import_once)
    assert not errors(outcomes)
    count = len(statement.lines)
    assert BankTransaction.objects.filter(account=account).count() == count
    assert sorted(record.new for record in StatementImport.objects.filter(account=account)) == [0, 0, count]
    assert all(record.already_imported + record.new == count for record in StatementImport.objects.all())
