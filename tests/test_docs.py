"""The documentation stays true to the plugin.

Every rule page in ``docs/rules/`` has the same sections; its *Example* is run
through flake8 and must be reported with the page's code (with the messages
the page shows), its *Use instead* must not be. Meta-tests keep the catalogue
complete: a page for every registered rule, a rule for every page, and every
option documented.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import write_database

from flake8_import_cost.rules import all_rules
from flake8_import_cost.settings import OPTIONS, Option, Settings, from_namespace

RULES = all_rules()

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "docs" / "rules"
CONFIGURATION = ROOT / "docs" / "configuration.md"
README = ROOT / "README.md"

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options")
#: The section a page of a rule that ``flake8-import-cost fix`` fixes adds after "Options".
FIX_SECTION = "Fix safety"
TITLE = r"# (IMC\d{3}): ([a-z0-9-]+)\n"
FENCE = r"(?ms)^```(\w*)\n(.*?)^```$"
OPTION_NAME = r"import-cost-[a-z]+(?:-[a-z]+)*"
#: Milliseconds come from tables that are re-measured: pages show them as ``~N ms``.
FIGURE = r"~\d+(?:\.\d+)? ms"
FLAKE8_LINE = r"\./(?P<code>IMC\d{3})/(?P<file>\w+)\.py:\d+:\d+: (?P<message>.*)"

# pytest needs the pages when it collects the tests, so they are read at import.
PAGE_PATHS = sorted(RULES_DIR.glob("*.md"))  # noqa: IMC402


class Page(NamedTuple):
    """One parsed rule page."""

    path: Path
    code: str
    name: str
    sections: dict[str, str]

    def blocks(self, section: str, language: str) -> list[str]:
        """The fenced blocks of ``language`` in ``section``."""
        return [body for lang, body in re.findall(FENCE, self.sections.get(section, "")) if lang == language]

    def python(self, section: str) -> str:
        """The one Python block of ``section``."""
        blocks = self.blocks(section, "python")
        assert len(blocks) == 1, f"{self.path.name}: '{section}' needs exactly one ```python block"
        return blocks[0]


def parse_page(path: Path) -> Page:
    """Split a page into its title and ``##`` sections."""
    text = path.read_text(encoding="utf-8")
    title = re.match(TITLE, text)
    assert title is not None, f"{path.name}: the first line must be '# IMCnnn: rule-name'"
    sections: dict[str, str] = {}
    # Headings inside fenced blocks are code, not sections: blank the blocks out first.
    unfenced = re.sub(FENCE, lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    headings = list(re.finditer(r"^## (.+)$", unfenced, re.MULTILINE))
    for heading, following in zip(headings, [*headings[1:], None]):
        end = following.start() if following is not None else len(text)
        sections[heading.group(1).strip()] = text[heading.end():end].strip()
    return Page(path, title.group(1), title.group(2), sections)


PAGES = [parse_page(path) for path in PAGE_PATHS]  # noqa: IMC402
PAGE_IDS = [page.code for page in PAGES]


def normalise(message: str) -> str:
    """A message with its measured figures replaced, as the pages show them."""
    return re.sub(FIGURE, "~N ms", message)


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[str]]:
    """``(code, "example" | "use_instead") -> messages``, from one real flake8 run over every page's blocks."""
    root = tmp_path_factory.mktemp("rule-pages")
    runs: list[tuple[str, ...]] = [()]
    for page in PAGES:
        folder = root / page.code
        folder.mkdir()
        (folder / "example.py").write_text(page.python("Example"), encoding="utf-8")
        (folder / "use_instead.py").write_text(page.python("Use instead"), encoding="utf-8")
        # A page whose Example shows what a start-up measured (a ```json block) gets that database.
        for figures in page.blocks("Example", "json"):
            write_database(folder, "costs.db", "example.py", json.loads(figures))
            runs.append((f"--import-cost-db={folder / 'costs.db'}", f"./{page.code}"))
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    measured = {paths[-1].removeprefix("./") for paths in runs if paths}
    for arguments in runs:
        paths = arguments[1:] or tuple(f"./{page.code}" for page in PAGES if page.code not in measured)
        result = subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--select", "IMC", "--extend-select", "IMC403",
             *arguments[:1], *paths],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stderr
        assert result.stderr == "", result.stderr
        for line in result.stdout.splitlines():
            match = re.fullmatch(FLAKE8_LINE, line)
            assert match is not None, f"unexpected flake8 output: {line!r}"
            found[match["code"], match["file"]].append(match["message"])
    return found


def test_there_are_pages() -> None:
    assert PAGES, f"no rule pages in {RULES_DIR}"


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_page_has_every_section_in_order(page: Page) -> None:
    assert page.path.name == f"{page.code}.md"
    assert tuple(page.sections) in (SECTIONS, (*SECTIONS, FIX_SECTION))
    for section, body in page.sections.items():
        assert body, f"{page.path.name}: section '{section}' is empty"


def test_fixable_rules_have_a_fix_section() -> None:
    from flake8_import_cost.fix.registry import fixable_codes

    with_section = {page.code for page in PAGES if FIX_SECTION in page.sections}
    assert with_section == set(fixable_codes())


@pytest.mark.parametrize("page", [page for page in PAGES if FIX_SECTION in page.sections],
                         ids=[page.code for page in PAGES if FIX_SECTION in page.sections])  # fmt: skip
def test_fix_section_shows_what_fix_does_to_the_example(page: Page, tmp_path: Path) -> None:
    shown = page.blocks(FIX_SECTION, "diff")
    assert len(shown) == 1, f"{page.path.name}: the Fix safety section needs one ```diff block"
    (tmp_path / "example.py").write_text(page.python("Example"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flake8_import_cost", "fix", "--diff", "example.py"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown[0]


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_page_title_names_the_registered_rule(page: Page) -> None:
    assert page.code in RULES, f"{page.path.name} documents an unregistered code"
    assert page.name == RULES[page.code].name


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
@pytest.mark.parametrize("section", ["Example", "Use instead"])
def test_code_blocks_are_valid_python(page: Page, section: str) -> None:
    ast.parse(page.python(section), filename=f"{page.code} {section}")


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_example_is_reported(page: Page, reported: dict[tuple[str, str], list[str]]) -> None:
    messages = reported.get((page.code, "example"), [])
    assert any(m.startswith(f"{page.code} ") for m in messages), f"{page.code}'s Example is not reported: {messages}"


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_example_shows_what_flake8_reports(page: Page, reported: dict[tuple[str, str], list[str]]) -> None:
    shown = page.blocks("Example", "text")
    assert len(shown) == 1, f"{page.path.name}: the Example needs one ```text block with the messages"
    messages = [normalise(m) for m in reported.get((page.code, "example"), []) if m.startswith(f"{page.code} ")]
    assert shown[0].splitlines() == messages


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_use_instead_is_clean(page: Page, reported: dict[tuple[str, str], list[str]]) -> None:
    messages = [m for m in reported.get((page.code, "use_instead"), []) if m.startswith(f"{page.code} ")]
    assert messages == []


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_options_section_names_the_rules_options(page: Page) -> None:
    own = {option.name for option in OPTIONS if page.code in _codes(option)}
    mentioned = set(re.findall(OPTION_NAME, page.sections["Options"]))
    assert own <= mentioned
    if not own:
        assert page.sections["Options"].startswith("None.")


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_page_mentions_only_registered_options(page: Page) -> None:
    registered = {option.name for option in OPTIONS}
    assert set(re.findall(OPTION_NAME, page.path.read_text(encoding="utf-8"))) <= registered


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_page(code: str) -> None:
    assert code in {page.code for page in PAGES}, f"docs/rules/{code}.md is missing"


@pytest.mark.parametrize("code", sorted(code for code, rule in RULES.items() if rule.off_by_default))
def test_off_by_default_rules_say_how_to_enable_them(code: str) -> None:
    text = (RULES_DIR / f"{code}.md").read_text(encoding="utf-8")
    assert "off by default" in text
    assert f"extend-select = {code}" in text
    assert f"extend-select = {code}" in CONFIGURATION.read_text(encoding="utf-8")


def _codes(option: Option) -> list[str]:
    """The rules an option affects, from the start of its help (``IMC901/IMC902: ...``)."""
    return re.findall(r"IMC\d{3}", option.help.partition(":")[0])


def _option_sections() -> dict[str, str]:
    text = CONFIGURATION.read_text(encoding="utf-8")
    headings = list(re.finditer(r"^### (import-cost-[\w-]+)$", text, re.MULTILINE))
    return {
        heading.group(1): text[heading.end():following.start() if following else len(text)]
        for heading, following in zip(headings, [*headings[1:], None])
    }


def test_every_option_is_documented_and_nothing_else() -> None:
    assert sorted(_option_sections()) == sorted(option.name for option in OPTIONS)


@pytest.mark.parametrize("option", OPTIONS, ids=[option.name for option in OPTIONS])
def test_option_section_states_flag_default_and_rules(option: Option) -> None:
    section = _option_sections()[option.name]
    assert f"- Command line: `--{option.name} {option.metavar}`" in section
    default = re.search(r"^- Default: (?:`([^`]*)`|none)(?: \(.*\))?$", section, re.MULTILINE)
    assert default is not None, f"{option.name}: no '- Default:' line"
    if default.group(1) is None:
        assert not getattr(Settings(), option.field)
    else:
        documented = from_namespace({option.name.replace("-", "_"): default.group(1)})
        assert getattr(documented, option.field) == getattr(Settings(), option.field)
    codes = _codes(option)
    assert "- Affects: " + ", ".join(f"[{code}](rules/{code}.md)" for code in codes) in section
    # Options of rules still to come say so, and stop saying so once the rules are registered.
    assert ("not active yet" in section) == any(code not in RULES for code in codes)


def test_configuration_covers_select_and_noqa() -> None:
    text = CONFIGURATION.read_text(encoding="utf-8")
    assert "select = E,F,W,IMC" in text
    assert "# noqa: IMC101" in text


@pytest.mark.parametrize("code", sorted(RULES))
def test_readme_links_every_rule_page(code: str) -> None:
    text = README.read_text(encoding="utf-8")
    assert f"[{code}](docs/rules/{code}.md)" in text
    assert "(docs/configuration.md)" in text


def test_readme_summarises_every_option() -> None:
    text = README.read_text(encoding="utf-8")
    for option in OPTIONS:
        assert f"`{option.name}`" in text


def test_readme_shows_what_the_rules_command_prints() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8_import_cost", "rules"], capture_output=True, text=True, check=True
    )
    shown = re.search(r"(?ms)^\$ flake8-import-cost rules\n(.*?)^```$", README.read_text(encoding="utf-8"))
    assert shown is not None, "README.md shows no `flake8-import-cost rules` output"
    assert shown.group(1) == result.stdout


class Selection(NamedTuple):
    """One row of configuration.md's "What each selection runs" table."""

    label: str
    config: list[str]
    arguments: list[str]
    expected: list[str]


def selection_table() -> list[Selection]:
    """The rows of the table: settings (``key = value`` for the config file,
    ``--option value`` for the command line) and the codes that must run."""
    text = CONFIGURATION.read_text(encoding="utf-8")
    section = re.search(r"(?ms)^### What each selection runs\n(.*?)(?=^#)", text)
    assert section is not None, "configuration.md has no 'What each selection runs' section"
    rows = [line for line in section.group(1).splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[0] == "configuration" and header[1:], header
    codes = header[1:]
    table: list[Selection] = []
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        settings = re.findall(r"`([^`]+)`", cells[0])
        assert settings or cells[0] == "none", f"unreadable configuration cell: {cells[0]!r}"
        assert set(cells[1:]) <= {"on", "off"}, f"expected on/off: {row!r}"
        table.append(
            Selection(
                label=" and ".join(settings) or "none",
                config=[item for item in settings if not item.startswith("--")],
                arguments=[word for item in settings if item.startswith("--") for word in item.split()],
                expected=[code for code, state in zip(codes, cells[1:]) if state == "on"],
            )
        )
    return table


# pytest needs the rows when it collects the tests, so they are read at import.
SELECTIONS = selection_table()  # noqa: IMC402


def test_selection_table_covers_the_cases_that_matter() -> None:
    by_label = {row.label: row.expected for row in SELECTIONS}
    assert by_label["none"] == ["IMC101"]
    assert by_label["select = E,F,W"] == []
    assert by_label["select = E,F,W,IMC"] == ["IMC101"]
    assert by_label["--select IMC"] == ["IMC101"]
    assert by_label["extend-select = IMC403"] == ["IMC101", "IMC403"]


@pytest.mark.parametrize("selection", SELECTIONS, ids=[row.label for row in SELECTIONS])
def test_selection_works_as_configuration_md_says(tmp_path: Path, selection: Selection) -> None:
    # numpy is listed as slow, so that IMC101 does not depend on the built-in table.
    config = ["import-cost-slow-modules = numpy", *selection.config]
    (tmp_path / "setup.cfg").write_text("[flake8]\n" + "\n".join(config) + "\n", encoding="utf-8")
    source = "import re\n\nimport numpy\n\nPATTERN = re.compile('x')\n\n\ndef mean(v):\n    return numpy.mean(v)\n"
    (tmp_path / "case.py").write_text(source, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", *selection.arguments, "case.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stderr == ""
    codes = [line.split()[1] for line in result.stdout.splitlines() if " IMC" in line]
    assert codes == selection.expected
