"""Row locks take only the rows they name: `select_for_update(of=("self",))`, several rows in primary-key
order. A plain FOR UPDATE over a join (a `select_related`, or a Meta ordering on a related field such as
StockItem's `product__name`) also locked the group, product or association rows, so an admission waited
for a stock sale and a team change for a solve."""

import ast
import re
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from grappe.core.tests.concurrency import postgres_only

GRAPPE = Path(__file__).resolve().parents[2]


def lock_calls():
    """Every `select_for_update(...)` call in the code (tests and migrations aside), with its file and line."""
    for path in sorted(GRAPPE.rglob("*.py")):
        parts = path.relative_to(GRAPPE).parts  # not the checkout's own path (a worktree may be called tests)
        if "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "select_for_update":
                yield path.relative_to(GRAPPE.parent), node


def test_every_row_lock_names_its_own_table_only():
    calls = list(lock_calls())
    assert len(calls) >= 25  # the walk does find them
    wrong = []
    for where, node in calls:
        of = next((k.value for k in node.keywords if k.arg == "of"), None)
        if not (isinstance(of, ast.Tuple) and [ast.literal_eval(e) for e in of.elts] == ["self"]):
            wrong.append(f"{where}:{node.lineno}")
    assert not wrong, "select_for_update without of=('self',): " + ", ".join(wrong)


def test_several_rows_are_locked_in_primary_key_order():
    """A lock that may take several rows (not a .get(), nor a filter on one pk) has .order_by("pk") in its
    chain (the statement read from the call on, over three lines)."""
    wrong = []
    for where, node in lock_calls():
        source = Path(GRAPPE.parent / where).read_text().splitlines()
        statement = "".join(line.strip() for line in source[node.lineno - 1:node.lineno + 2])
        chain = statement.split("select_for_update", 1)[1][:220]
        one_row = re.search(r"\.get(_or_create)?\(|\.filter\(pk=[^,()]+[,)]", chain.split("select_for_update")[0])
        if not one_row and '.order_by("pk")' not in chain:
            wrong.append(f"{where}:{node.lineno}")
    assert not wrong, "row locks on several rows without .order_by('pk'): " + ", ".join(wrong)


FOR_UPDATE = re.compile(r"FOR (NO KEY )?UPDATE", re.IGNORECASE)


def for_updates_without_of(queries) -> list[str]:
    return [q["sql"] for q in queries if FOR_UPDATE.search(q["sql"]) and not re.search(
        r"FOR (NO KEY )?UPDATE( SKIP LOCKED| NOWAIT)? OF ", q["sql"], re.IGNORECASE)]


@postgres_only
def test_the_main_services_issue_no_for_update_without_of(world):
    """On PostgreSQL, the SQL itself: admissions, the waiting list, stock moves and sales from stock."""
    from grappe.members import services as members
    from grappe.members.models import Member
    from grappe.orders import services as orders
    from grappe.orders.models import StockMove
    from grappe.orders.tests.factories import make_cycle

    made = make_cycle(world)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        members.admit_member(group=world.group, by=world.coordinator, name="Durand Paul",
                             category=Member.Category.PRIORITY, priority_basis="qpv")
        members.admit_from_waiting_list(group=world.group, by=world.coordinator)
        orders.apply_stock_moves([StockMove(group=world.group, product=made.lentils, kind=StockMove.Kind.CORRECTION,
                                            quantity=Decimal("3"), by=world.coordinator)])
        orders.adjust_stock(group=world.group, product=made.lentils, quantity=Decimal("1"),
                            kind=StockMove.Kind.LOSS, reason="abîmé", by=world.coordinator)
    locks = [q["sql"] for q in captured.captured_queries if FOR_UPDATE.search(q["sql"])]
    assert len(locks) >= 4
    assert for_updates_without_of(captured.captured_queries) == []
