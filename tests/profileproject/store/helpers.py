"""Slow statements: one in the module body, one in a class body."""

import time

SETTLED = time.sleep(0.05)


class Slow:
    FIRST = 1
    DELAY = time.sleep(0.03)
    LAST = 2


def DOUBLE(value):
    return value * 2
