# Cases for IMC401 import-time-large-loop: loops of at least 10,000 iterations (the default).
import itertools
from itertools import product

# -- flagged: constant sizes ------------------------------------------------------

for _i in range(100_000):  # IMC401:1 "loop runs 100,000 iterations at import time"
    pass

for _i in range(10_000):  # IMC401 "10,000"
    pass

for _i in range(5, 20_005):  # IMC401 "20,000"
    pass

for _i in range(0, 100_000, 2):  # IMC401 "50,000"
    pass

for _i in range(100_000, 0, -1):  # IMC401 "100,000"
    pass

for _i in range(10**5):  # IMC401 "100,000"
    pass

for _i in range(1 << 16):  # IMC401 "65,536"
    pass

for _i in range(256 * 256):  # IMC401 "65,536"
    pass

for _i in list(range(20_000)):  # IMC401
    pass

for _i, _j in enumerate(range(20_000)):  # IMC401
    pass

SQUARES = [i * i for i in range(100_000)]  # IMC401:11
EVENS = [i for i in range(100_000) if i % 2 == 0]  # IMC401
AS_SET = {i for i in range(50_000)}  # IMC401
AS_DICT = {i: str(i) for i in range(50_000)}  # IMC401
TOTAL = sum(i for i in range(1_000_000))  # IMC401 "1,000,000"
JOINED = "".join(str(i) for i in range(20_000))  # IMC401
LISTED = list(i for i in range(20_000))  # IMC401
# Through lazy wrappers that a consumer iterates to the end.
ZIPPED = dict(zip(range(100_000), (x for x in range(100_000))))  # IMC401:35 "100,000"
NUMBERED = list(enumerate(i for i in range(20_000)))  # IMC401:26 "20,000"
MAPPED = sum(map(abs, (i for i in range(20_000))))  # IMC401:23
HUGE = [i for i in range(10**100)]  # IMC401 "more than 10**12"

# -- flagged: module constants assigned once --------------------------------------

N = 1 << 16
SIZE = N * 2
for _i in range(N):  # IMC401 "65,536"
    pass
TABLE = [0 for _ in range(SIZE)]  # IMC401 "131,072"
CODES = tuple(range(70_000))
LOOKUP = {code: code for code in CODES}  # IMC401 "70,000"
LENGTH = len(CODES)
for _i in range(LENGTH):  # IMC401 "70,000"
    pass
BIG_RANGE = range(30_000)
for _i in BIG_RANGE:  # IMC401 "30,000"
    pass


class Table:
    ROWS = 40_000
    CELLS = [i for i in range(ROWS)]  # IMC401 "40,000"


# -- flagged: nested loops are multiplied, one finding per nest --------------------

for _i in range(200):  # IMC401:1 "nested loops run 40,000 iterations"
    for _j in range(200):
        pass

for _i in range(100):  # IMC401 "nested loops run 1,000,000"
    for _j in range(100):
        for _k in range(100):
            pass

GRID = [(x, y) for x in range(300) for y in range(300)]  # IMC401 "nested loops run 90,000"
MATRIX = [[0 for _ in range(300)] for _ in range(300)]  # IMC401 "nested loops run 90,000"
for _i in range(100):  # IMC401 "nested loops run 20,000"
    ROW = [j for j in range(200)]

PAIRS = list(itertools.product(range(100), range(200)))
for _a, _b in itertools.product(range(100), range(200)):  # IMC401 "20,000"
    pass
for _a, _b in product(range(300), repeat=2):  # IMC401 "90,000"
    pass
for _word in product("abcdefghij", repeat=5):  # IMC401 "100,000"
    pass

# -- silent: small or unknown sizes -------------------------------------------------

for _i in range(9_999):
    pass

for _i in range(100):
    for _j in range(99):
        pass

SMALL = [i for i in range(1000)]
SMALL_NEST = [(x, y) for x in range(99) for y in range(100)]
EMPTY = [i for i in range(100_000, 0)]
BACKWARDS = [i for i in range(0, 100_000, -1)]
ONE_STEP = [i for i in range(0, 100_000, 100_000)]

DATA = load_rows()
for _row in DATA:
    pass
for _i in range(len(DATA)):
    pass
UNKNOWN_NEST = [(x, y) for x in DATA for y in range(300)]

TWICE = 10
TWICE = 100_000
for _i in range(TWICE):  # assigned twice: its value is unknown
    pass

AUGMENTED = 10
AUGMENTED *= 100_000
for _i in range(AUGMENTED):
    pass

for _i in range(int("100000")):
    pass

while True:
    break

# -- silent: generator expressions that nothing consumes ---------------------------

LAZY = (i for i in range(1_000_000))
LAZY_MAP = map(str, range(1_000_000))
FIRST = next(i for i in range(1_000_000))
STOPS_EARLY = any(i > 5 for i in range(1_000_000))
SLICED = list(itertools.islice((i for i in range(1_000_000)), 10))
WRAPPED_ONLY = enumerate(i for i in range(1_000_000))

# -- silent: code that does not run at import ----------------------------------------


def build_table():
    return [i * i for i in range(100_000)]


def build_nested():
    for _i in range(1000):
        for _j in range(1000):
            pass


class Lazy:
    def rows(self):
        return [i for i in range(100_000)]


LAMBDA = lambda: [i for i in range(100_000)]

if __name__ == "__main__":
    for _i in range(100_000):
        pass

# -- flagged: a same-module function called at import, reported at the call ---------

TABLE_NOW = build_table()  # IMC401 "(in build_table(), called at import time)"
build_nested()  # IMC401 "nested loops run 1,000,000 iterations at import time"
CALLED_LAMBDA = (lambda: [i for i in range(100_000)])()  # IMC401
DEFAULTED = lambda table=[i for i in range(100_000)]: table  # IMC401

# -- a generator bound to a name runs where the name is consumed; the finding ----
# -- stands at the generator, the loop that runs -----------------------------------

NAMED_GENERATOR = (i for i in range(100_000))  # IMC401
for _i in NAMED_GENERATOR:
    pass
OTHER_GENERATOR = (i for i in range(100_000))  # IMC401
CONSUMED_BY_NAME = sum(OTHER_GENERATOR)
NEVER_CONSUMED = (i for i in range(100_000))


def build_twice():
    return [i for i in range(100_000)]


FIRST_CALL = build_twice()  # IMC401
SECOND_CALL = build_twice()  # IMC401


# -- an Airflow @task body runs in a worker: calling the task in a DAG loops nowhere ----------

from airflow.decorators import dag, task
from airflow.models.dag import DAG


@task
def squares():
    return [i * i for i in range(100_000)]


@dag
def squares_now():
    return [i * i for i in range(100_000)]


with DAG("numbers"):
    squares()

squares_now()  # IMC401 "(in squares_now(), called at import time)"
