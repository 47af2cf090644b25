"""A background worker."""

import threading


def heartbeat():
    return None


def start():
    worker = threading.Thread(target=heartbeat, daemon=True)
    worker.start()
    return worker
