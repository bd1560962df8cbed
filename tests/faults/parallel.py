"""Actions run at the same moment on separate threads and database connections."""

import threading

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
