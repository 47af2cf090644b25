"""Summaries of the project's other modules: what an import-time call into one does, through real flake8 runs."""

from __future__ import annotations

from pathlib import Path

from conftest import imc_only, run_flake8

from flake8_import_cost.summaries import MAX_SUMMARY_DEPTH

READS = "def load():\n    return open('data.txt').read()\n"


def lines(tmp_path: Path, files: dict[str, str], *args: str) -> list[tuple[str, int, str]]:
    result = run_flake8(tmp_path, files, "--select", "IMC", *args)
    assert result.stderr == "", result.stderr
    return [(f.path, f.line, f"{f.code} {f.message}") for f in imc_only(result)]


def test_a_call_into_another_module_is_reported_at_the_call_site(tmp_path: Path) -> None:
    found = lines(tmp_path, {
        "app/__init__.py": "",
        "app/data.py": READS,
        "app/main.py": "from app.data import load\nfrom . import data\nfrom .data import load as again\n\n"
                       "A = load()\nB = data.load()\nC = again()\n",
    })  # fmt: skip
    message = "IMC402 open() reads a file at import time; read it on first use (functools.cache) [app/data.py:2]"
    assert found == [
        ("app/main.py", 5, f"{message} (in app.data.load(), called at import time)"),
        ("app/main.py", 6, f"{message} (in app.data.load(), called at import time)"),
        ("app/main.py", 7, f"{message} (in app.data.load(), called at import time)"),
    ]


def test_calls_that_do_not_run_at_import_are_silent(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "app/__init__.py": "",
        "app/data.py": READS + "\n\nasync def fetch():\n    return open('x').read()\n",
        "app/main.py": "import functools\nfrom app import data\n\n\ndef later():\n    return data.load()\n\n\n"
                       "LATER = functools.partial(data.load)\nCOROUTINE = data.fetch()\n\n"
                       "if __name__ == '__main__':\n    data.load()\n",
    }) == []  # fmt: skip


def test_noqa_on_the_line_of_the_work_keeps_it_silent_everywhere(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "app/__init__.py": "",
        "app/data.py": "def load():\n    return open('data.txt').read()  # noqa: IMC402\n",
        "app/main.py": "from app.data import load\n\nA = load()\n",
    }) == []  # fmt: skip


def test_modules_that_call_each_other_are_summarised_once_without_looping(tmp_path: Path) -> None:
    found = lines(tmp_path, {
        "app/__init__.py": "",
        "app/one.py": "from app import two\n\n\ndef ping():\n    return two.pong()\n\n\n"
                      "def read():\n    return open('one.txt').read()\n",
        "app/two.py": "from app import one\n\n\ndef pong():\n    return one.read()\n\n\nVALUE = one.ping()\n",
    })  # fmt: skip
    assert [(path, line) for path, line, _ in found] == [("app/two.py", 8)]
    assert found[0][2].endswith(
        "[app/one.py:9] (in app.one.read(), called at import time via app.two.pong() via app.one.ping())"
    )


def test_summaries_follow_calls_a_bounded_number_of_modules_deep(tmp_path: Path) -> None:
    depth = MAX_SUMMARY_DEPTH + 1
    files = {"app/__init__.py": "", f"app/m{depth}.py": READS}
    for index in range(1, depth):
        files[f"app/m{index}.py"] = f"from app import m{index + 1}\n\n\ndef load():\n    return m{index + 1}.load()\n"
    files["app/main.py"] = "from app import m1, m2\n\nFAR = m1.load()\nNEAR = m2.load()\n"
    assert [(path, line) for path, line, _ in lines(tmp_path, files)] == [("app/main.py", 4)]


def test_a_module_that_does_not_parse_has_no_summary(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "app/__init__.py": "",
        "app/broken.py": "def load(:\n",
        "app/main.py": "from app.broken import load\n\nA = load()\n",
    }, "app/main.py") == []  # fmt: skip


def test_the_rules_the_user_turned_off_stay_off_in_summaries(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/data.py": READS, "app/main.py": "from app.data import load\n\nA = load()\n"}
    assert lines(tmp_path, files, "--extend-ignore", "IMC402") == []


def test_one_finding_per_call_and_rule_names_the_nearest_work_and_counts_the_rest(tmp_path: Path) -> None:
    found = lines(tmp_path, {
        "app/__init__.py": "",
        "app/setup.py": "import os\n\n\ndef _read():\n    return open('a.txt').read()\n\n\n"
                        "def prepare():\n    os.makedirs('var', exist_ok=True)\n    os.makedirs('log', exist_ok=True)\n"
                        "    return _read()\n",
        "app/main.py": "from app import setup\n\nREADY = setup.prepare()\n",
    })  # fmt: skip
    assert found == [(
        "app/main.py", 3,
        "IMC402 os.makedirs() changes the file system at import time; do it where it is needed, not at import"
        " [app/setup.py:9, and 2 more] (in app.setup.prepare(), called at import time)",
    )]  # fmt: skip


def test_work_that_runs_only_when_an_environment_variable_is_set_is_not_summarised(tmp_path: Path) -> None:
    found = lines(tmp_path, {
        "app/__init__.py": "",
        "app/env.py": "import os\n\n\ndef secret(name):\n    if path := os.environ.get(name + '_FILE'):\n"
                      "        return open(path).read()\n    return os.environ.get(name)\n\n\n"
                      "def token():\n    if 'TOKEN' in os.environ:\n        return load()\n    return ''\n\n\n"
                      "def default():\n    if not os.getenv('NO_CONFIG'):\n"
                      "        return open('config.ini').read()\n\n\n"
                      "def load():\n    return open('token.txt').read()\n",
        "app/main.py": "from app import env\n\n"
                       "SECRET = env.secret('KEY')\nTOKEN = env.token()\nCONFIG = env.default()\n",
    })  # fmt: skip
    assert [(path, line) for path, line, _ in found] == [("app/main.py", 5)]


def test_a_program_entry_point_calls_into_the_program_without_findings(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/data.py": READS,
        "app/__main__.py": "from app.data import load\n\nload()\n",
        "manage.py": "from app.data import load\n\nload()\n",
        "app/main.py": "from app.data import load\n\nload()\n",
        "app/wsgi.py": "from app.data import load\nfrom app.boot import setup\n\nsetup()\nload()\n",
        "app/boot.py": "import django\n\n\ndef setup():\n    django.setup()\n",
        "app/tasks.py": "from app.boot import setup\n\nsetup()\n",
    }
    found = [(path, line, message[:22]) for path, line, message in lines(tmp_path, files)]
    assert found == [
        ("app/main.py", 3, "IMC402 open() reads a "),
        ("app/tasks.py", 3, "IMC301 django.setup() "),
        ("app/wsgi.py", 5, "IMC402 open() reads a "),
    ], "a worker's start-up is summarised, without the django.setup() that belongs there"


def test_calls_in_a_branch_that_a_setting_decides_are_not_summarised(tmp_path: Path) -> None:
    found = lines(tmp_path, {
        "app/__init__.py": "",
        "app/settings.py": "LAZY_LOAD = True\nPRELOAD = False\n",
        "app/data.py": READS,
        "app/main.py": "import logging\nimport os\n\nfrom app import settings\nfrom app.data import load\n"
                       "from app.settings import PRELOAD\n\n"
                       "if not settings.LAZY_LOAD:\n    load()\n"
                       "if PRELOAD:\n    pass\nelse:\n    load()\n"
                       "if os.environ.get('PRELOAD'):\n    load()\n"
                       "if not os.environ.get('NO_PRELOAD'):\n    A = load()\n"
                       "if logging.DEBUG:\n    B = load()\n"
                       "\n\ndef warm():\n    if settings.LAZY_LOAD:\n        return None\n    return load()\n\n\n"
                       "def prepare():\n    if settings.PRELOAD:\n        warm()\n\n\nprepare()\nC = load()\n",
    })  # fmt: skip
    assert [(path, line) for path, line, _ in found] == [("app/main.py", 17), ("app/main.py", 19), ("app/main.py", 34)]


BASE = (
    "import subprocess\n\n\n"
    "class Repository:\n"
    "    def __init__(self, path):\n        self.path = path\n        self.lock = open(path + '.lock', 'w')\n\n"
    "    def execute(self, *args):\n        return subprocess.run(['git', *args])\n\n"
    "    def status(self):\n        return 'clean'\n"
)


def test_methods_of_an_imported_class_and_of_its_bases_in_other_modules(tmp_path: Path) -> None:
    found = lines(tmp_path, {
        "app/__init__.py": "",
        "app/vcs/__init__.py": "",
        "app/vcs/base.py": BASE,
        "app/vcs/git.py": "from app.vcs.base import Repository\n\n\nclass GitRepository(Repository):\n"
                          "    def describe(self):\n        return self.execute('describe')\n",
        "app/version.py": "from app.vcs.git import GitRepository\n\n"
                          "REPO = GitRepository('.')\nVERSION = REPO.describe()\nSTATUS = REPO.status()\n",
    })  # fmt: skip
    assert found == [
        ("app/version.py", 3, "IMC402 open() writes a file at import time; write it from the code that needs it, not at"
                              " import [app/vcs/base.py:7] (in app.vcs.base.Repository.__init__(), called at import"
                              " time via app.vcs.git.GitRepository())"),
        ("app/version.py", 4, "IMC402 subprocess.run() starts a process at import time; run it on first use"
                              " (functools.cache) [app/vcs/base.py:10] (in app.vcs.base.Repository.execute(), called"
                              " at import time via app.vcs.git.GitRepository.describe())"),
    ]  # fmt: skip


def test_work_that_the_arguments_of_the_call_decide_is_not_summarised(tmp_path: Path) -> None:
    found = lines(tmp_path, {
        "app/__init__.py": "",
        "app/store.py": "import os\n\n\nclass Store:\n    def __init__(self, path, local=False):\n"
                        "        if not local:\n            os.makedirs(path)\n        self.path = path\n\n"
                        "    def read(self):\n        return open(self.path).read()\n",
        "app/main.py": "from app.store import Store\n\nSTORE = Store('data', local=True)\nDATA = Store('x').read()\n",
    })  # fmt: skip
    assert [(path, line, message.split(" [")[1]) for path, line, message in found] == [
        ("app/main.py", 4, "app/store.py:11] (in app.store.Store.read(), called at import time)")
    ]


ENGINE = "class Engine:\n    def __init__(self):\n        self.index = open('index.db').read()\n"
LOADERS = "from django.conf import settings\nfrom django.utils.module_loading import import_string\n"


def test_a_class_that_a_setting_names_is_followed_where_start_up_builds_it(tmp_path: Path) -> None:
    found = lines(tmp_path, {
        "site/__init__.py": "",
        "site/settings.py": "INSTALLED_APPS = ['app']\nENGINE = 'app.engine.Engine'\n",
        "app/__init__.py": "",
        "app/engine.py": ENGINE,
        "app/main.py": LOADERS + (
            "import importlib\n\n"
            "A = import_string(settings.ENGINE)()\n"
            "engine_class = import_string(getattr(settings, 'ENGINE'))\nB = engine_class()\n"
            "module_path, _, class_name = settings.ENGINE.rpartition('.')\n"
            "C = getattr(importlib.import_module(module_path), class_name)()\n"
        ),
    })  # fmt: skip
    assert [(path, line) for path, line, _ in found] == [("app/main.py", 5), ("app/main.py", 7), ("app/main.py", 9)]
    assert found[0][2].endswith("[app/engine.py:3] (in app.engine.Engine.__init__(), called at import time)")


def test_a_setting_that_is_not_the_projects_or_not_built_is_not_followed(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "site/__init__.py": "",
        "site/settings.py": "INSTALLED_APPS = ['app']\nENGINE = 'app.engine.Engine'\nOTHER = 'app.engine.Engine'\n",
        "site/settings_local.py": "INSTALLED_APPS = ['app']\nOTHER = 'app.spare.Engine'\n",
        "app/__init__.py": "",
        "app/engine.py": ENGINE,
        "app/spare.py": ENGINE,
        "app/main.py": LOADERS + (
            "from app import config\n\n"
            "LOADED = import_string(settings.ENGINE)\n"  # loaded, not built
            "A = import_string(config.ENGINE)()\n"  # not a settings object
            "B = import_string(settings.OTHER)()\n"  # two settings modules disagree
            "C = import_string(settings.MISSING)()\n"  # no settings module gives it
            "\n\ndef later():\n    return import_string(settings.ENGINE)()\n"
        ),
        "app/config.py": "ENGINE = 'app.engine.Engine'\n",
    }) == []  # fmt: skip
