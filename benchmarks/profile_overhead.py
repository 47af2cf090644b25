"""The overhead of ``flake8-import-cost profile`` on real Django start-ups.

Usage: ``python benchmarks/profile_overhead.py [--python EXE ...] [--repeat N] [--project examples|admin ...]``

For each interpreter and project, the start-up (``django.setup()`` then
``resolve("/")``) runs in fresh child processes in three ways, interleaved
``--repeat`` times after one warm-up run of each: *plain* (the start-up alone,
nothing recorded), *light* (module loads timed and queries captured: what
``profile`` stores as the start-up's time) and *traced* (also every statement
and import edge). The medians are printed with the ratios traced/plain (the
goal: at most 1.5 on Python 3.12+, 2.5 before) and traced/light (what a run
stores as its ``overhead``), in wall-clock time and in CPU time (less disturbed
by a busy machine). See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from flake8_import_cost.measure.profile import ChildRun, ProfileError, Target, run_child

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOAL_MONITORING = 1.5
GOAL_SETTRACE = 2.5
MODES = ("plain", "light", "traced")

ADMIN_SETTINGS = """\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "benchmark-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["*"]
SITE_ID = 1
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.admindocs",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.syndication",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
]
ROOT_URLCONF = "adminsite_urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
STATIC_URL = "static/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""
ADMIN_URLS = """\
from django.contrib import admin
from django.contrib.flatpages import views as flatpages
from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

urlpatterns = [
    path("admin/doc/", include("django.contrib.admindocs.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": {"flatpages": FlatPageSitemap}}),
    path("<path:url>", flatpages.flatpage),
]
"""


def _admin_project(directory: Path) -> Path:
    """A project with Django's admin and most of its contrib apps: a heavier start-up."""
    (directory / "adminsite_settings.py").write_text(ADMIN_SETTINGS, encoding="utf-8")
    (directory / "adminsite_urls.py").write_text(ADMIN_URLS, encoding="utf-8")
    return directory


def _version(python: str) -> str | None:
    """``3.12.1`` when ``python`` has Django, else ``None``."""
    result = subprocess.run(
        [python, "-c", "import django, platform; print(platform.python_version(), django.__version__)"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.stdout.strip() if result.returncode == 0 else None


def measure(python: str, root: Path, settings: str, repeat: int) -> dict[str, list[ChildRun]]:
    """Interleaved start-ups of the project in each mode (after one warm-up each)."""
    target = Target("django", (settings, "/"))
    runs: dict[str, list[ChildRun]] = {mode: [] for mode in MODES}
    for round_number in range(repeat + 1):
        for mode in MODES:
            child = run_child(target, root=str(root), traced=mode == "traced", plain=mode == "plain", python=python)
            if round_number:
                runs[mode].append(child)
    return runs


def report(label: str, python_version: str, runs: dict[str, list[ChildRun]]) -> bool:
    """Print the medians and ratios; whether the goal is met."""
    wall = {mode: statistics.median(child.wall_ns for child in runs[mode]) / 1e6 for mode in MODES}
    cpu = {mode: statistics.median(child.cpu_ns for child in runs[mode]) / 1e6 for mode in MODES}
    minor = tuple(int(part) for part in python_version.split(".")[:2])
    goal = GOAL_MONITORING if minor >= (3, 12) else GOAL_SETTRACE
    tracer = runs["traced"][0].tracer
    print(f"\n{label}, Python {python_version} ({tracer}), median of {len(runs['plain'])} start-ups each:")
    for mode in MODES:
        print(f"  {mode:<7} {wall[mode]:8.1f} ms wall  {cpu[mode]:8.1f} ms CPU")
    ratio = wall["traced"] / wall["plain"]
    verdict = "ok" if ratio <= goal else "OVER"
    print(f"  traced/plain   {ratio:.2f}x wall  {cpu['traced'] / cpu['plain']:.2f}x CPU   (goal <= {goal}: {verdict})")
    print(f"  traced/light   {wall['traced'] / wall['light']:.2f}x wall  {cpu['traced'] / cpu['light']:.2f}x CPU"
          "   (the overhead a run stores)")  # fmt: skip
    print(f"  light/plain    {wall['light'] / wall['plain']:.2f}x wall  {cpu['light'] / cpu['plain']:.2f}x CPU")
    return ratio <= goal


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", action="append", metavar="EXE",
                        help="an interpreter with Django installed (repeatable; default: this one)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=5, metavar="N", help="start-ups per mode (default: 5)")
    parser.add_argument("--project", action="append", choices=("examples", "admin"),
                        help="examples/ (needs distutils: setuptools on 3.12+) or a Django admin site "
                             "(repeatable; default: both)")  # fmt: skip
    args = parser.parse_args(argv)
    pythons = args.python or [sys.executable]
    projects = args.project or ["examples", "admin"]
    met = True
    with tempfile.TemporaryDirectory(prefix="import-cost-bench-") as scratch:
        admin = _admin_project(Path(scratch))
        for python in pythons:
            found = _version(python)
            if found is None:
                print(f"{python}: skipped, it cannot import Django", file=sys.stderr)
                continue
            version, django_version = found.split()
            for project in projects:
                root, settings = (EXAMPLES, "shop.settings") if project == "examples" else (admin, "adminsite_settings")
                label = f"{project} (Django {django_version})"
                try:
                    runs = measure(python, root, settings, args.repeat)
                except ProfileError as error:
                    print(f"{label}: {error}", file=sys.stderr)
                    met = False
                    continue
                met = report(label, version, runs) and met
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
