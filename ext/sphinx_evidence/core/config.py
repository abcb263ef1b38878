"""Configuration as validated dataclasses, registered as prefixed ``conf.py`` values.

Each feature declares a frozen dataclass whose fields carry ``metadata={"help": ...}``.
:func:`register` adds one config value per field (``<prefix>_<field>``) with real
``types=``, and :func:`read` builds the dataclass from ``app.config`` at
``config-inited``, raising :class:`~sphinx.errors.ConfigError` with a clear message when a
value is unusable. The docs' page of options is generated from the same dataclasses.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Literal, TypeVar

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

T = TypeVar("T")


def _types_of(annotation: Any) -> tuple[type, ...]:
    origin = typing.get_origin(annotation) or annotation
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        found: list[type] = []
        for arg in typing.get_args(annotation):
            found.extend(_types_of(arg))
        return tuple(found)
    if origin is typing.Literal:
        return tuple({type(arg) for arg in typing.get_args(annotation)})
    return (origin,) if isinstance(origin, type) else ()


def register(
    app: Sphinx, prefix: str, cls: type, rebuild: Literal["", "env", "html"] = "env"
) -> None:
    """Register one config value ``<prefix>_<name>`` per field of dataclass ``cls``."""
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:  # pragma: no cover - every config field has a default
            raise TypeError(f"{cls.__name__}.{field.name} needs a default")
        app.add_config_value(
            f"{prefix}_{field.name}",
            default,
            rebuild,
            types=_types_of(hints[field.name]) or (object,),
            description=field.metadata.get("help", ""),
        )


def read(config: Config, prefix: str, cls: type[T]) -> T:
    """Build ``cls`` from the prefixed values in ``config``; ``ConfigError`` if unusable."""
    values = {f.name: getattr(config, f"{prefix}_{f.name}") for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    try:
        return cls(**values)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"{prefix}: {err}") from err


def options_table(prefix: str, cls: type) -> list[tuple[str, str, str]]:
    """Rows of (name, default, help) for the documentation of ``cls``."""
    rows = []
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            default = repr(field.default)
        elif field.default_factory is not dataclasses.MISSING:
            default = repr(field.default_factory())
        else:  # pragma: no cover
            default = ""
        rows.append((f"{prefix}_{field.name}", default, field.metadata.get("help", "")))
    return rows
