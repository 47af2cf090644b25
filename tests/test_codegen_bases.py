"""IMC501 counts models whose pydantic base is a class of another module of the project."""

from __future__ import annotations

from pathlib import Path

from conftest import imc_only, run_flake8


MODELS = "".join(f"class M{index}({{base}}):\n    name: str\n\n\n" for index in range(40))


def found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    result = run_flake8(tmp_path, files, "--select", "IMC501")
    assert result.stderr == "", result.stderr
    return [(f.path, f.line, f.message) for f in imc_only(result)]


def test_a_base_model_of_another_module_is_a_pydantic_model(tmp_path: Path) -> None:
    base = (
        "from pydantic import BaseModel as PydanticBaseModel\n\n\n"
        "class BaseModel(PydanticBaseModel):\n    pass\n\n\nclass StrictBaseModel(BaseModel):\n    pass\n"
    )
    message = (
        "generated classes cost ~6.6 ms at import (40 pydantic models); use plain classes"
        " where the generated methods are not needed, or split the module"
    )
    assert found(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": base,
        "app/api/__init__.py": "",
        "app/api/models.py": "from ..base import StrictBaseModel\n\n\n" + MODELS.format(base="StrictBaseModel"),
        "app/api/more.py": "from app import base\n\n\n" + MODELS.format(base="base.BaseModel"),
    }) == [("app/api/models.py", 124, message), ("app/api/more.py", 124, message)]  # fmt: skip


def test_bases_that_are_not_models_stay_silent(tmp_path: Path) -> None:
    assert found(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": "class BaseModel:\n    pass\n",
        "app/models.py": "from app.base import BaseModel\n\n\n" + MODELS.format(base="BaseModel"),
        "app/missing.py": "from app.nowhere import BaseModel\n\n\n" + MODELS.format(base="BaseModel"),
        "app/installed.py": "from json import JSONEncoder as BaseModel\n\n\n" + MODELS.format(base="BaseModel"),
    }) == []  # fmt: skip
