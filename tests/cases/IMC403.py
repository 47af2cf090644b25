# Cases for IMC403 import-time-regex-compile (off by default; the harness opts in with
# --extend-select IMC403).
import re
import re as r
import regex
import regex as rx
from re import compile
from re import compile as re_compile
from regex import compile as regex_compile

import mylib

WORD = re.compile(r"\w+")  # IMC403:8 "re.compile() at import time"
FLAGS = re.compile(r"\d+", re.IGNORECASE | re.MULTILINE)  # IMC403
ALIASED = r.compile("a")  # IMC403 "re.compile()"
FROM_IMPORT = compile("b")  # IMC403 "re.compile()"
FROM_ALIAS = re_compile("c")  # IMC403 "re.compile()"
THIRD_PARTY = regex.compile(r"\p{L}+")  # IMC403 "regex.compile()"
THIRD_ALIAS = rx.compile("d")  # IMC403 "regex.compile()"
THIRD_FROM = regex_compile("e")  # IMC403 "regex.compile()"
PATTERNS = {name: re.compile(name) for name in ("a", "b")}  # IMC403
TWO = [re.compile("x"), re.compile("y")]  # IMC403:8 IMC403:25
# Generators run where they are consumed, also through lazy wrappers such as enumerate() and zip().
NUMBERED = list(enumerate(re.compile(p) for p in ("a", "b")))  # IMC403:27 "re.compile() at import time"
PAIRED = dict(zip("ab", (re.compile(p) for p in ("a", "b"))))  # IMC403:26
FIRST = next(re.compile(p) for p in ("a", "b"))  # IMC403 (next runs the generator up to its first item)


class Validator:
    SLUG = re.compile(r"^[-\w]+$")  # IMC403


# -- silent ----------------------------------------------------------------------------

UNCONSUMED = enumerate(re.compile(p) for p in ("a", "b"))
WRAPPED_GENERATOR = zip("ab", (re.compile(p) for p in ("a", "b")))

MATCHED = re.match(r"\d", "1")  # matching with a string pattern compiles through re's own cache
SUBSTITUTED = re.sub("a", "b", "abc")
ESCAPED = re.escape("a.b")
COMPILER = re.compile  # a reference, not a call
CODE = mylib.compile("x")
BUILTIN = __builtins__


def word_pattern():
    return re.compile(r"\w+")


def shadowed(re):
    return re.compile("not the re module")


class Lazy:
    def pattern(self):
        return re.compile("x")


if __name__ == "__main__":
    MAIN = re.compile("x")

# -- not recognised yet --------------------------------------------------------------

try:
    import regex as fast_re
except ImportError:
    import re as fast_re

FALLBACK = fast_re.compile("a")  # IMC403

# -- an Airflow @task body runs in a worker: calling the task in a DAG compiles nothing -------

from airflow.decorators import dag, task
from airflow.models.dag import DAG


@task
def parse_logs():
    return re.compile(r"ERROR (.*)")


@dag
def parsed_now():
    return re.compile(r"WARN (.*)")


with DAG("logs"):
    parse_logs()

parsed_now()  # IMC403 "(in parsed_now(), called at import time)"
