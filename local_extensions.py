"""Jinja settings that keep answers safe: filters for free text in Python and TOML files, and the sandbox.

Cookiecutter loads this module through `_extensions` in cookiecutter.json, while it creates the Jinja environment
and before it renders anything.
"""

import unicodedata

from jinja2.ext import Extension
from jinja2.sandbox import SandboxedEnvironment, safe_range

LINE_LENGTH = 120  # the generated project's ruff line-length
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def python_string(value: object) -> str:
    """Return `value` as a Python string literal, quoted the way `ruff format` would quote it.

    Answers such as `O'Connor`, `say "hi"` or a trailing backslash must give a literal that parses, keeps the
    text intact and is already formatted, so the generated project passes `ruff format --check` as baked.
    """
    text = str(value)
    # ruff prefers double quotes unless single quotes need fewer escapes.
    quote = "'" if text.count('"') > text.count("'") else '"'
    body = []
    for char in text:
        if char in _ESCAPES:
            body.append(_ESCAPES[char])
        elif char == quote:
            body.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F or char in "\u2028\u2029\x85":
            body.append(f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}")
        else:
            body.append(char)
    return quote + "".join(body) + quote


def toml_string(value: object) -> str:
    """`value` as a TOML basic string. Unlike JSON, TOML has no surrogate-pair escapes, so an emoji stays as is."""
    body = []
    for char in str(value):
        if char in '"\\':
            body.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            body.append(f"\\u{ord(char):04x}")
        else:
            body.append(char)
    return '"' + "".join(body) + '"'


def display_width(text: str) -> int:
    """Columns as ruff counts them: East Asian wide and full-width characters (CJK, emoji) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def python_assignment(value: object, name: str) -> str:
    """`NAME = "value"` laid out as `ruff format` would: in parentheses when only that makes the line fit."""
    literal = python_string(value)
    line = f"{name} = {literal}"
    if display_width(line) > LINE_LENGTH and display_width(literal) + 4 <= LINE_LENGTH:
        return f"{name} = (\n    {literal}\n)"
    return line


def sandbox(environment) -> None:
    """Make cookiecutter's environment a Jinja sandbox.

    With --no-input, cookiecutter renders the answers given on the command line as templates, so an answer such as
    `{{ self.__init__.__globals__ ... }}` could run code. In the sandbox, attribute access and calls are checked
    and such an answer stops with a SecurityError; the template's own files use nothing the sandbox forbids.
    """
    environment.__class__ = type(
        "Sandboxed" + type(environment).__name__, (type(environment), SandboxedEnvironment), {}
    )
    environment.globals["range"] = safe_range
    environment.binop_table = SandboxedEnvironment.default_binop_table.copy()
    environment.unop_table = SandboxedEnvironment.default_unop_table.copy()


class PythonStringExtension(Extension):
    """Adds the filters `pyassign` (`{{ cookiecutter.project_name | pyassign("NAME") }}`) and `tomlstr`, and puts
    rendering in the sandbox."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["pyassign"] = python_assignment
        environment.filters["tomlstr"] = toml_string
        sandbox(environment)
