"""The workbench's exception types, defined once and re-exported where users meet them.

:class:`SchemaError` and :class:`LoadError` are re-exported by :mod:`workbench.schema`
(``workbench.schema.SchemaError`` is this class); :class:`AnnotationStoreError` by
:mod:`workbench.annotations`. All derive from :class:`ValueError`, so code written
against the first release (``except ValueError``) keeps working.
:class:`CacheWarning` (a :class:`UserWarning`) says a regenerable cache was found damaged
and rebuilt (:mod:`workbench.loaders.parsed_cache`).
"""

from __future__ import annotations

__all__ = ["AnnotationStoreError", "CacheWarning", "LoadError", "SchemaError"]


class SchemaError(ValueError):
    """A tidy table breaks the schema; the message names dataset, row and field."""


class LoadError(ValueError):
    """A raw file cannot be parsed; the message names the file, the record and the field.

    Parameters
    ----------
    file : str
        Path of the raw file (as staged, relative to the dataset folder).
    record : object
        Record locator: line number, list index, CSV row or item id.
    field : str
        Field (column / JSON key) at fault.
    problem : str
        What is wrong, including the value seen.
    """

    def __init__(self, file: str, record: object, field: str, problem: str):
        self.file, self.record, self.field, self.problem = str(file), record, field, problem
        super().__init__(f"{file}: record {record}: field {field!r}: {problem}")


class CacheWarning(UserWarning):
    """A regenerable cache file (a parsed parquet table) failed its checksum and is rebuilt;
    the message names the file."""


class AnnotationStoreError(ValueError):
    """The annotation store cannot be opened, read or written; the message names the path
    and what to do."""


# Shown (and pickled) under the public module where users meet them.
SchemaError.__module__ = LoadError.__module__ = "workbench.schema"
AnnotationStoreError.__module__ = "workbench.annotations"
