"""Exact donate-click counts: one row per counting key, even under concurrent first clicks.

Before the unique constraint two concurrent first clicks for the same day, page,
theme and destination made two rows, and every later click then incremented both
(108 real clicks reported as 214). These tests fire real concurrent requests at the
database and check the exact total, and check that the migration folds the
duplicate rows already stored by summing them.
"""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import QuerySet, Sum

from portfolio.models import DonateClick

DESTINATION = "https://donate.example.org/give"
BEFORE = ("portfolio", "0003_editorial_groups")
AFTER = ("portfolio", "0004_donateclick_one_row_per_key")

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs concurrent writers: SQLite serialises every write transaction, so the race "
    "this guards against cannot happen there (run with DATABASE_URL=postgres://...)",
)


def test_the_database_refuses_a_second_row_for_one_key(db):
    key = {"date": datetime.date(2025, 5, 1), "page": None, "theme": None}
    DonateClick.objects.create(clicks=1, destination=DESTINATION, **key)
    # Null page and theme included: COALESCE in the index makes nulls equal.
    with pytest.raises(IntegrityError), transaction.atomic():
        DonateClick.objects.create(clicks=1, destination=DESTINATION, **key)
    DonateClick.objects.create(clicks=1, destination=DESTINATION + "/other", **key)
    assert DonateClick.objects.count() == 2


def test_a_lost_insert_race_counts_on_the_winners_row(db, monkeypatch):
    """The path a concurrent loser takes: its UPDATE finds nothing, another request
    inserts the row, its own INSERT fails on the constraint, and it retries the UPDATE."""
    key = {"date": datetime.date(2025, 5, 2), "page": None, "theme": None}
    real_update = QuerySet.update
    calls = []

    def update_after_a_rival_insert(queryset, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            # The rival commits its first click between our UPDATE and our INSERT.
            DonateClick.objects.create(clicks=1, destination=DESTINATION, **key)
            return 0
        return real_update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_after_a_rival_insert)
    DonateClick.record(destination=DESTINATION, **key)
    row = DonateClick.objects.get()
    assert row.clicks == 2
    assert len(calls) == 2


def _fire(threads, clicks_each, key):
    barrier = threading.Barrier(threads)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=30)
            for _ in range(clicks_each):
                DonateClick.record(**key)
        except Exception as error:  # reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    return errors


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("threads, clicks_each", [(8, 1), (8, 25)])
def test_concurrent_clicks_are_counted_exactly(threads, clicks_each):
    days = [datetime.date(2025, 6, day) for day in range(1, 6)]
    for day in days:  # five tries, each starting from no row at all (a first click)
        key = {"date": day, "page": None, "theme": None, "destination": DESTINATION}
        errors = _fire(threads, clicks_each, key)
        assert errors == []
        assert DonateClick.objects.filter(date=day).count() == 1
        assert DonateClick.objects.get(date=day).clicks == threads * clicks_each
    total = DonateClick.objects.aggregate(total=Sum("clicks"))["total"]
    assert total == len(days) * threads * clicks_each


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_merges_duplicate_rows_by_summing():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        OldClick = old.get_model("portfolio", "DonateClick")
        day = datetime.date(2025, 1, 1)
        OldClick.objects.bulk_create(
            [
                OldClick(date=day, destination=DESTINATION, clicks=107),
                OldClick(date=day, destination=DESTINATION, clicks=107),
                OldClick(date=day, destination=DESTINATION, clicks=1),
                OldClick(date=day, destination=DESTINATION + "/bone", clicks=5),
                OldClick(date=day + datetime.timedelta(days=1), destination=DESTINATION, clicks=3),
            ]
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    rows = sorted(DonateClick.objects.values_list("date", "destination", "clicks"))
    assert rows == [
        (day, DESTINATION, 215),
        (day, DESTINATION + "/bone", 5),
        (day + datetime.timedelta(days=1), DESTINATION, 3),
    ]
