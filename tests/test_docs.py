"""The documentation stays true to the code: the settings table names every environment variable
the code reads (and nothing else), and every relative link in the docs leads to a file."""

import ast
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIGURATION = ROOT / "docs" / "configuration.md"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# The django-environ reader `env.db()` and `env.cache()` fall back to these names when given none.
ENVIRON_DEFAULT_NAMES = {"db": "DATABASE_URL", "db_url": "DATABASE_URL", "cache": "CACHE_URL"}
ENVIRON_NOT_READERS = {"read_env"}


def module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` assignments, so `os.environ.get(NAME)` can be resolved."""
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    constants[target.id] = node.value.value
    return constants


def is_os_environ(node: ast.expr) -> bool:
    """Whether ``node`` is ``os.environ``."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def reader_of(func: ast.expr) -> str | None:
    """The name of the environment reader a call calls (django-environ's ``env(...)`` and
    ``env.<type>(...)``, ``os.environ.get``, ``os.getenv``), or None for any other call."""
    if isinstance(func, ast.Name):
        return "env" if func.id == "env" else None
    if not isinstance(func, ast.Attribute):
        return None
    if isinstance(func.value, ast.Name) and func.value.id == "env":
        return None if func.attr in ENVIRON_NOT_READERS else func.attr
    if func.attr == "get" and is_os_environ(func.value):
        return "os.environ.get"
    if func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os":
        return "os.getenv"
    return None


def python_env_reads(path: Path) -> set[str]:
    """The environment variables a Python file reads: django-environ's ``env(...)`` and
    ``env.<type>(...)``, ``os.environ.get``/``os.getenv``, ``os.environ[...]`` and
    ``... in os.environ`` (writes to ``os.environ`` are not reads)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    constants = module_constants(tree)
    names: set[str] = set()

    def name_of(node: ast.expr, where: ast.AST) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name) and node.id in constants:
            return constants[node.id]
        pytest.fail(
            f"{path.relative_to(ROOT)}:{where.lineno}: an environment variable is read by a name "
            "this test cannot resolve; read it by a literal name (or a module constant)."
        )

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (reader := reader_of(node.func)) is not None:
            if node.args:
                names.add(name_of(node.args[0], node))
            elif reader in ENVIRON_DEFAULT_NAMES:
                names.add(ENVIRON_DEFAULT_NAMES[reader])
            else:
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno}: {reader}() without a name")
        elif (
            isinstance(node, ast.Subscript)
            and is_os_environ(node.value)
            and isinstance(node.ctx, ast.Load)
        ):
            names.add(name_of(node.slice, node))
        elif (
            isinstance(node, ast.Compare)
            and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
            and any(is_os_environ(right) for right in node.comparators)
        ):
            names.add(name_of(node.left, node))
    return names


def shell_env_reads(path: Path) -> set[str]:
    """The variables a shell script expands (`$NAME`, `${NAME}`, `${NAME:-default}`), its own
    positional and special parameters aside."""
    return set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", path.read_text()))


def envsubst_reads(path: Path) -> set[str]:
    """The variables envsubst fills in a template: `${NAME}` (nginx's own `$name` stays)."""
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", path.read_text()))


def multiprocess_reads(path: Path) -> set[str]:
    """eidguide/multiprocess.py: the metrics folder's variable, and not the marker it sets for
    itself next to a folder it made (EIDGUIDE_METRICS_DIR_OWNER is never set by operators)."""
    return python_env_reads(path) - {"EIDGUIDE_METRICS_DIR_OWNER"}


# Every file the table may name in its "read by" column, and how to find what that file reads.
READERS = {
    "eidguide/settings.py": python_env_reads,
    "gunicorn.conf.py": python_env_reads,
    "docker-entrypoint.sh": shell_env_reads,
    "eidguide/multiprocess.py": multiprocess_reads,
    "edge/default.conf.template": envsubst_reads,
}


def table_rows(path: Path) -> list[tuple[int, set[str], set[str]]]:
    """Every row of the tables in ``path`` whose header has "variable" and "read by" columns:
    (line number, the variables the row names, the files its "read by" cell names)."""
    rows = []
    columns = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.startswith("|"):
            columns = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if columns is None:
            header = [cell.lower() for cell in cells]
            columns = (
                (header.index("variable"), header.index("read by"))
                if {"variable", "read by"} <= set(header)
                else ()
            )
            continue
        if not columns or set(line) <= set("|-: "):
            continue
        variable, read_by = columns
        names = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[variable]))
        files = set(re.findall(r"`([^`]+)`", cells[read_by]))
        rows.append((number, names, files))
    return rows


def documented() -> dict[str, set[str]]:
    """For each file the configuration table names, the variables it says that file reads."""
    by_file: dict[str, set[str]] = {path: set() for path in READERS}
    for number, names, files in table_rows(CONFIGURATION):
        assert names, f"docs/configuration.md:{number}: a row names no variable in backticks"
        assert files, f"docs/configuration.md:{number}: a row names no file under 'read by'"
        for file in files:
            assert file in READERS, (
                f"docs/configuration.md:{number}: 'read by' names {file}, which this test does "
                f"not know how to read; known: {', '.join(READERS)}"
            )
            by_file[file] |= names
    return by_file


@pytest.mark.parametrize("reader", READERS)
def test_every_variable_read_is_in_the_configuration_table(reader):
    read = READERS[reader](ROOT / reader)
    missing = read - documented()[reader]
    assert not missing, (
        f"{reader} reads {', '.join(sorted(missing))} from the environment, but the table in "
        f"docs/configuration.md has no row for it with {reader} under 'read by'"
    )


@pytest.mark.parametrize("reader", READERS)
def test_every_variable_in_the_configuration_table_is_read(reader):
    read = READERS[reader](ROOT / reader)
    stale = documented()[reader] - read
    assert not stale, (
        f"docs/configuration.md says {reader} reads {', '.join(sorted(stale))}, but it does not: "
        "remove the row, or correct its 'read by'"
    )


def test_the_settings_module_reads_the_environment():
    """The parser finds the settings a reader of settings.py knows are there."""
    read = python_env_reads(ROOT / "eidguide" / "settings.py")
    assert {"ENV_FILE", "DEBUG", "SECRET_KEY", "DATABASE_URL"} <= read


LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|^\[[^\]]+\]:\s*(\S+)", re.M)


def relative_links(path: Path) -> list[str]:
    """The relative link targets in a Markdown file, code blocks and inline code left out."""
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    targets = [inline or reference for inline, reference in LINK.findall(text)]
    return [t for t in targets if not urlsplit(t).scheme and not t.startswith(("#", "//"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file(doc):
    broken = []
    for target in relative_links(doc):
        path = unquote(urlsplit(target).path)
        if not (doc.parent / path).exists():
            broken.append(target)
    assert not broken, (
        f"{doc.relative_to(ROOT)} links to files that do not exist: {', '.join(broken)}"
    )


def test_the_docs_exist():
    names = {path.name for path in DOCS}
    assert {"configuration.md", "deploy.md", "development.md", "architecture.md"} <= names
