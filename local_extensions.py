"""Jinja filters the template uses to put free-text answers into generated source files safely.

Cookiecutter loads this module through `_extensions` in cookiecutter.json.
"""

from jinja2.ext import Extension

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


class PythonStringExtension(Extension):
    """Adds the `pystr` filter: `{{ cookiecutter.project_name | pystr }}`."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["pystr"] = python_string
