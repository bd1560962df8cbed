"""Actions run at the same moment on separate threads and database connections."""

import contextlib
import threading
import time

from django.db import connection


def at_once(*actions):
    """Run each action on its own thread and database connection, released together."""
    barrier = threading.Barrier(len(actions))
    errors = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
        except Exception as error:  # returned to the test, which fails on any
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def backends_waiting_on_locks():
    """How many other clients' connections to this database wait on a lock right now (not
    autovacuum, whose workers wait on a table's lock too and would be counted as a request)."""
    with connection.cursor() as cursor:
        # Inside a transaction the activity view is a snapshot taken once: take a new one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def in_flight_together(lock_sql, *actions, timeout=20):
    """Run each action on its own thread and connection while this connection holds the lock
    ``lock_sql`` takes (e.g. ``LOCK TABLE t IN EXCLUSIVE MODE``): each action gets as far as
    the lock lets it, so all are in flight at the same moment, uncommitted, before the lock is
    released. Returns (results, errors), results in the order of ``actions``."""
    from django.db import transaction

    results, errors = [None] * len(actions), []

    def run(index, action):
        try:
            results[index] = action()
        except Exception as error:  # returned to the test, which fails on any
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    reached = False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(lock_sql)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + timeout
        while not (reached := backends_waiting_on_locks() >= len(actions)):
            if time.monotonic() > deadline or not any(t.is_alive() for t in threads):
                break
            time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    assert reached, f"not all {len(actions)} were in flight together: {results} {errors}"
    return results, errors


@contextlib.contextmanager
def lock_held(lock_sql):
    """Hold the lock ``lock_sql`` takes, from a connection of its own, until the block ends:
    whoever needs it meanwhile (this thread included) waits."""
    from django.db import transaction

    taken, release, failed = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(lock_sql)
                taken.set()
                release.wait(timeout=120)
        except Exception as error:
            failed.append(error)
            taken.set()
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(timeout=30)
    assert not failed, failed
    try:
        yield
    finally:
        release.set()
        holder.join(timeout=30)
