"""Run the real flake8 with this plugin over a pinned corpus of real projects, and count the findings.

Usage, from the repository root (Python 3.11 or later)::

    python tools/corpus.py [--cache DIR] [--project NAME ...] [--path DIR ...] [--jobs N]
                           [--json FILE] [--by-module CODE] [--flake8-args ARGS...]

Each project of ``tools/corpus.toml`` is one exact release on PyPI. Its wheel (its sdist
when it has no wheel) is downloaded once with ``pip download --no-deps`` into the cache
folder and unpacked once next to it; then ``python -m flake8 --isolated --select IMC
--extend-select IMC403`` runs over the project's own packages, with the flake8 and the
plugin installed in the Python that runs this script. ``--path`` runs on local folders
instead. The tables go to stdout, sorted, so two runs can be diffed; ``--json`` also
writes every finding. See ``tools/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

PROG = "tools/corpus.py"
CORPUS_FILE = Path(__file__).resolve().parent / "corpus.toml"
DEFAULT_CACHE = Path("~/.cache/flake8-import-cost/corpus")
#: The flake8 command, before the ``--jobs`` value, the user's arguments and the paths.
#: ``--benchmark`` only adds flake8's own statistics (files processed, seconds) to its output.
FLAKE8 = ("-m", "flake8", "--isolated", "--select", "IMC", "--extend-select", "IMC403", "--benchmark")
#: How the plugin reports a rule that failed on a file (one stderr line per failure).
PLUGIN_ERROR_PREFIX = "flake8-import-cost:"
#: One line of flake8's default output: ``path:line:col: CODE message``.
FINDING_LINE = r"(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)"
#: The line of flake8's ``--benchmark`` statistics with the number of files it checked.
FILES_LINE = r"(?P<count>\d+)\s+total files processed"
SECONDS_LINE = r"(?P<seconds>[\d.]+)\s+seconds elapsed"
ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")
WIDTH = 120
TOP_MODULES = 15


class CorpusError(Exception):
    """A problem that ends the run with a one-line message."""


# -- the corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """One pinned release and the folders of it that are the project's own code."""

    name: str
    version: str
    packages: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    about: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name


def normalized(name: str) -> str:
    """A distribution name as wheel and sdist file names spell it (PEP 503, with underscores)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def load_corpus(path: Path = CORPUS_FILE) -> list[Project]:
    """The projects of the corpus file, sorted by name."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CorpusError(f"cannot read the corpus file {path}: {error}") from None
    projects = []
    for index, entry in enumerate(data.get("project", []), start=1):
        try:
            project = Project(
                name=str(entry["name"]),
                version=str(entry["version"]),
                packages=tuple(str(package) for package in entry["packages"]),
                exclude=tuple(str(folder) for folder in entry.get("exclude", ())),
                about=str(entry.get("about", "")),
            )
        except (KeyError, TypeError) as error:
            raise CorpusError(f"{path}: project #{index} lacks name, version or packages ({error})") from None
        if not project.packages:
            raise CorpusError(f"{path}: project {project.name} has an empty list of packages")
        projects.append(project)
    if not projects:
        raise CorpusError(f"{path}: no [[project]] entries")
    return sorted(projects, key=lambda project: normalized(project.name))


def choose(projects: Sequence[Project], names: Sequence[str]) -> list[Project]:
    """The projects named on the command line (any spelling of the distribution name)."""
    if not names:
        return list(projects)
    by_name = {normalized(project.name): project for project in projects}
    unknown = [name for name in names if normalized(name) not in by_name]
    if unknown:
        known = ", ".join(project.name for project in projects)
        raise CorpusError(f"not in the corpus: {', '.join(unknown)} (the corpus has: {known})")
    wanted = {normalized(name) for name in names}
    return [project for project in projects if normalized(project.name) in wanted]


# -- download and unpack -------------------------------------------------------------------------


def archive_kind(path: Path) -> tuple[str, str] | None:
    """``(normalized name, version)`` of a wheel or sdist file name, or None for other files."""
    name = path.name
    if name.endswith(".whl"):
        parts = name[: -len(".whl")].split("-")
        return (normalized(parts[0]), parts[1]) if len(parts) >= 5 else None
    for suffix in ARCHIVE_SUFFIXES[1:]:
        if name.endswith(suffix):
            distribution, _, version = name[: -len(suffix)].rpartition("-")
            return (normalized(distribution), version) if distribution else None
    return None


def find_archive(cache: Path, project: Project) -> Path | None:
    """The project's downloaded wheel in ``cache``, else its sdist, else None."""
    wanted = (normalized(project.name), project.version)
    found = sorted(path for path in cache.iterdir() if path.is_file() and archive_kind(path) == wanted)
    wheels = [path for path in found if path.suffix == ".whl"]
    preferred = wheels or found
    return preferred[0] if preferred else None


def pip_download(project: Project, cache: Path, binary: str) -> str | None:
    """Run ``pip download`` for the pinned release; returns pip's error line, or None on success."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--ignore-requires-python",  # it is linted, not installed
        "--disable-pip-version-check",
        binary,
        f"{project.name}=={project.version}",
        "-d",
        str(cache),
    ]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        return f"cannot run pip: {error}"
    if completed.returncode == 0:
        return None
    lines = [line.strip() for line in completed.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    return (errors or lines or [f"pip exited with status {completed.returncode}"])[-1]


def download(project: Project, cache: Path) -> Path:
    """The project's wheel (or, when it has none, its sdist) in ``cache``, downloaded if missing."""
    archive = find_archive(cache, project)
    if archive is not None:
        return archive
    print(f"downloading {project.name}=={project.version} into {cache}", file=sys.stderr)
    wheel_error = pip_download(project, cache, "--only-binary=:all:")
    if wheel_error is not None:
        sdist_error = pip_download(project, cache, "--no-binary=:all:")
        if sdist_error is not None:
            raise CorpusError(
                f"pip could not download {project.name}=={project.version}: wheel: {wheel_error}; sdist: {sdist_error}"
            )
    archive = find_archive(cache, project)
    if archive is None:
        raise CorpusError(
            f"pip downloaded {project.name}=={project.version}, but no wheel or sdist of it is in {cache}"
        )
    return archive


def member_target(root: Path, archive: Path, name: str) -> Path:
    """Where an archive member goes under ``root``; an error if it would land outside it."""
    target = (root / name).resolve()
    if Path(name).is_absolute() or not target.is_relative_to(root):
        raise CorpusError(f"{archive.name}: refusing to unpack {name!r}: it would be written outside {root}")
    return target


def write_member(source: IO[bytes], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as output:
        shutil.copyfileobj(source, output)


def extract(archive: Path, root: Path) -> None:
    """Unpack the regular files and folders of ``archive`` into ``root`` (links are skipped)."""
    root = root.resolve()
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as bundle:
            for info in bundle.infolist():
                target = member_target(root, archive, info.filename)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                elif (info.external_attr >> 16) & 0o170000 != 0o120000:  # not a symbolic link
                    with bundle.open(info) as source:
                        write_member(source, target)
        return
    with tarfile.open(archive) as bundle:
        for member in bundle.getmembers():
            target = member_target(root, archive, member.name)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                content = bundle.extractfile(member)
                if content is not None:
                    with content:
                        write_member(content, target)


def unpack(archive: Path, cache: Path) -> Path:
    """The folder ``archive`` is unpacked in, unpacking it the first time."""
    stem = next(archive.name[: -len(suffix)] for suffix in ARCHIVE_SUFFIXES if archive.name.endswith(suffix))
    root = cache / "unpacked" / stem
    if root.is_dir():
        return root
    partial = root.with_name(f".{stem}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        extract(archive, partial)
        partial.rename(root)
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as error:
        if not root.is_dir():  # else another run unpacked it first
            raise CorpusError(f"cannot unpack {archive}: {error}") from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    if not root.is_dir():
        raise CorpusError(f"cannot unpack {archive} into {root}")
    return root


def locate(root: Path, project: Project) -> tuple[Path, list[str]]:
    """The folder to run flake8 in and the project's package folders relative to it.

    A wheel has the packages at its top; an sdist has one top folder, with the packages in it or
    in its ``src/``.
    """
    candidates = [root]
    tops = [path for path in root.iterdir() if path.is_dir()]
    if len(tops) == 1:
        candidates += [tops[0], tops[0] / "src"]
    for base in candidates:
        if all((base / package).is_dir() for package in project.packages):
            return base, list(project.packages)
    missing = [package for package in project.packages if not (root / package).is_dir()]
    raise CorpusError(
        f"{project.label}: package folder {', '.join(missing)} is not in the unpacked archive {root}"
        " (fix `packages` in tools/corpus.toml)"
    )


# -- running flake8 ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str


@dataclass
class Result:
    """What flake8 reported on one project."""

    project: Project
    source: str
    files: int
    findings: list[Finding]
    plugin_errors: list[str]
    other_stderr: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def counts(self) -> Counter[str]:
        return Counter(finding.code for finding in self.findings)


def flake8_command(jobs: int, extra: Sequence[str]) -> list[str]:
    return [sys.executable, *FLAKE8, "--jobs", str(jobs), *extra]


def relative(path: str) -> str:
    return path[2:] if path.startswith("./") else path


def run_flake8(
    project: Project, source: str, base: Path, paths: Sequence[str], jobs: int, extra: Sequence[str]
) -> Result:
    """Run flake8 in ``base`` over ``paths`` and collect its findings, file count and stderr."""
    excludes = [f"--extend-exclude={','.join(project.exclude)}"] if project.exclude else []
    command = [*flake8_command(jobs, extra), *excludes, *paths]
    env = {key: value for key, value in os.environ.items() if key != "FLAKE8_CONFIG"}
    try:
        completed = subprocess.run(command, cwd=base, capture_output=True, text=True, env=env, check=False)
    except OSError as error:
        raise CorpusError(f"cannot run flake8: {error}") from None
    findings: list[Finding] = []
    files, seconds = None, 0.0
    for line in completed.stdout.splitlines():
        if match := re.fullmatch(FINDING_LINE, line):
            findings.append(
                Finding(relative(match["path"]), int(match["line"]), int(match["col"]), match["code"], match["message"])
            )
        elif match := re.fullmatch(FILES_LINE, line.strip()):
            files = int(match["count"])
        elif match := re.fullmatch(SECONDS_LINE, line.strip()):
            seconds = float(match["seconds"])
    stderr = [line for line in completed.stderr.splitlines() if line.strip()]
    if files is None or completed.returncode not in (0, 1):
        tail = stderr[-1] if stderr else f"exit status {completed.returncode}, no statistics"
        raise CorpusError(f"flake8 failed on {project.label}: {tail}")
    plugin_errors = [line for line in stderr if line.startswith(PLUGIN_ERROR_PREFIX)]
    others = [line for line in stderr if not line.startswith(PLUGIN_ERROR_PREFIX)]
    return Result(project, source, files, sorted(findings), sorted(plugin_errors), others, seconds)


@dataclass(frozen=True)
class Job:
    """A prepared run: the folder flake8 runs in and the paths it checks there."""

    project: Project
    source: str
    base: Path
    paths: list[str]


def prepare(projects: Sequence[Project], cache: Path) -> list[Job]:
    """Download and unpack every project first, so a missing release stops the run before linting."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CorpusError(f"cannot create the cache folder {cache}: {error}") from None
    jobs = []
    for project in projects:
        archive = download(project, cache)
        base, paths = locate(unpack(archive, cache), project)
        jobs.append(Job(project, archive.name, base, paths))
    return jobs


def local_jobs(folders: Sequence[Path]) -> list[Job]:
    """Jobs for local folders, each labelled with its name."""
    jobs = []
    for folder in folders:
        if not folder.is_dir():
            raise CorpusError(f"--path {folder}: no such folder")
        resolved = folder.resolve()
        jobs.append(Job(Project(resolved.name, "", (".",)), str(folder), resolved, ["."]))
    return sorted(jobs, key=lambda job: job.project.name)


# -- report --------------------------------------------------------------------------------------


def rate(count: int, files: int) -> str:
    return f"{count * 1000 / files:.1f}" if files else "-"


def table(
    title: str, rows: Sequence[tuple[str, int, int, Counter[str]]], codes: Sequence[str], per_1000: bool
) -> list[str]:
    """``rows`` (label, files, plugin errors, counts) as text blocks at most :data:`WIDTH` wide.

    The codes are split over several blocks when they do not fit in one.
    """
    label_width = max(len(title), *(len(label) for label, *_ in rows))
    fixed = label_width + 8 + (0 if per_1000 else 8)
    per_block = max(1, (WIDTH - fixed - 9) // 8)
    lines: list[str] = []
    blocks = [codes[start:][:per_block] for start in range(0, len(codes), per_block)] or [[]]
    for number, block in enumerate(blocks):
        last = number == len(blocks) - 1
        head = f"{title:<{label_width}}  {'files':>6}" + ("" if per_1000 else f"  {'errors':>6}")
        head += "".join(f"  {code:>6}" for code in block) + (f"  {'all':>7}" if last else "")
        lines += ["", head]
        for label, files, errors, counts in rows:
            line = f"{label:<{label_width}}  {files:>6}" + ("" if per_1000 else f"  {errors:>6}")
            for code in block:
                line += f"  {rate(counts[code], files) if per_1000 else counts[code]:>6}"
            if last:
                total = sum(counts.values())
                line += f"  {rate(total, files) if per_1000 else total:>7}"
            lines.append(line)
    return lines


def report(results: Sequence[Result], by_module: str | None) -> list[str]:
    """The text report: counts, rates per 1,000 files, the top modules and the plugin errors."""
    rows = [(result.project.label, result.files, len(result.plugin_errors), result.counts) for result in results]
    total: Counter[str] = Counter()
    for *_, counts in rows:
        total.update(counts)
    if len(rows) > 1:
        rows.append(("total", sum(row[1] for row in rows), sum(row[2] for row in rows), total))
    codes = sorted(total)
    lines = table("findings", rows, codes, per_1000=False)
    lines += table("per 1,000 files", rows, codes, per_1000=True)
    if by_module:
        for result in results:
            modules = Counter(
                finding.message.split(maxsplit=1)[0] for finding in result.findings if finding.code == by_module
            )
            top = sorted(modules.items(), key=lambda item: (-item[1], item[0]))[:TOP_MODULES]
            lines += ["", f"{by_module} in {result.project.label}: top {len(top)} of {len(modules)} names"]
            lines += [f"  {count:>6}  {name}" for name, count in top] or ["  (none)"]
    errors = sum(len(result.plugin_errors) for result in results)
    if errors:
        lines += ["", f"!!! PLUGIN ERRORS: {errors} (must be 0); the plugin reported failing rules on stderr:"]
        for result in results:
            lines += [f"  {result.project.label}: {line}" for line in result.plugin_errors]
    for result in results:
        if result.other_stderr:
            lines += ["", f"flake8 wrote to stderr on {result.project.label}:"]
            lines += [f"  {line}" for line in result.other_stderr[:20]]
            if len(result.other_stderr) > 20:
                lines.append(f"  ... and {len(result.other_stderr) - 20} more lines")
    return lines


def versions() -> dict[str, str]:
    import importlib.metadata

    found = {"python": platform.python_version()}
    for distribution in ("flake8", "flake8-import-cost"):
        try:
            found[distribution] = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            raise CorpusError(f"{distribution} is not installed in {sys.executable}") from None
    return found


def per_code(counts: Counter[str], files: int) -> dict[str, float]:
    return {code: round(counts[code] * 1000 / files, 1) if files else 0.0 for code in sorted(counts)}


def as_json(results: Sequence[Result], command: Sequence[str]) -> dict[str, Any]:
    """The figures of the report and every finding, for diffing two runs."""
    projects = []
    total: Counter[str] = Counter()
    for result in results:
        counts = result.counts
        total.update(counts)
        projects.append(
            {
                "name": result.project.name,
                "version": result.project.version,
                "source": result.source,
                "packages": list(result.project.packages),
                "files": result.files,
                "counts": dict(sorted(counts.items())),
                "per_1000_files": per_code(counts, result.files),
                "plugin_errors": result.plugin_errors,
                "findings": [vars(finding) for finding in result.findings],
            }
        )
    files = sum(result.files for result in results)
    return {
        "versions": versions(),
        "command": ["python", *command[1:]],
        "projects": projects,
        "total": {
            "files": files,
            "counts": dict(sorted(total.items())),
            "per_1000_files": per_code(total, files),
            "plugin_errors": sum(len(result.plugin_errors) for result in results),
        },
    }


def dump(value: Any, indent: str = "") -> str:
    """JSON with one line per finding (a dict of plain values), so that ``diff`` shows findings."""
    inner = indent + "  "
    if isinstance(value, dict) and value and any(isinstance(item, (dict, list)) for item in value.values()):
        items = [f"{inner}{json.dumps(key)}: {dump(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list) and value and any(isinstance(item, (dict, list)) for item in value):
        return "[\n" + ",\n".join(inner + dump(item, inner) for item in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


# -- command line --------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.partition("\n")[0])
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help=f"download and unpack folder (default: {DEFAULT_CACHE})"
    )
    parser.add_argument(
        "--project", nargs="+", action="extend", default=[], metavar="NAME", help="only these corpus projects"
    )
    parser.add_argument(
        "--path", action="append", type=Path, default=[], metavar="DIR", help="lint a local folder instead"
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="flake8 --jobs (default: the number of CPUs)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures and every finding")
    parser.add_argument(
        "--by-module", metavar="CODE", help="top names (the message's first word) of that code per project"
    )
    parser.add_argument(
        "--flake8-args",
        nargs=argparse.REMAINDER,
        default=[],
        metavar="ARGS",
        help="more arguments for flake8; everything after it goes to flake8, so it comes last",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.path and args.project:
        parser.error("--path and --project exclude each other")
    if args.by_module and not re.fullmatch(r"[A-Z]+\d+", args.by_module):
        parser.error(f"--by-module wants a code such as IMC101, not {args.by_module!r}")
    return args


def run(args: argparse.Namespace) -> int:
    if args.path:
        jobs = local_jobs(args.path)
    else:
        jobs = prepare(choose(load_corpus(), args.project), args.cache.expanduser())
    command = flake8_command(args.jobs, args.flake8_args)
    found = versions()
    print(
        f"flake8-import-cost {found['flake8-import-cost']} corpus run (flake8 {found['flake8']},"
        f" Python {found['python']})"
    )
    print(f"command: python {' '.join(command[1:])} PACKAGES...")
    results = []
    for job in jobs:
        print(f"linting {job.project.label} ({', '.join(job.paths)} in {job.base})", file=sys.stderr)
        result = run_flake8(job.project, job.source, job.base, job.paths, args.jobs, args.flake8_args)
        print(f"  {result.files} files, {len(result.findings)} findings, {result.seconds:.1f} s", file=sys.stderr)
        results.append(result)
    print("\n".join(report(results, args.by_module)))
    if args.json:
        try:
            args.json.write_text(dump(as_json(results, command)) + "\n", encoding="utf-8")
        except OSError as error:
            raise CorpusError(f"cannot write {args.json}: {error}") from None
    return 1 if any(result.plugin_errors for result in results) else 0


def main(argv: Sequence[str] | None = None) -> int:
    if sys.version_info < (3, 11):
        print(f"{PROG}: needs Python 3.11 or later (tomllib)", file=sys.stderr)
        return 2
    args = parse_args(argv)
    try:
        return run(args)
    except CorpusError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
