"""The database triggers that bump the content version (``ContentVersion``) in the same
transaction as any write to a content table, whatever makes it. Migrations call ``install`` for
each new content table: keep these functions compatible with the migrations that call them.
"""

from django.core.exceptions import ImproperlyConfigured

VERSION_TABLE = "guidance_contentversion"
EVENTS = ("INSERT", "UPDATE", "DELETE")
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION guidance_content_changed() RETURNS trigger AS $$
BEGIN
    INSERT INTO guidance_contentversion (id, number, changed_at) VALUES (1, 1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE
        SET number = guidance_contentversion.number + 1, changed_at = clock_timestamp();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def trigger_names(table: str) -> list[str]:
    """The SQLite triggers that guard ``table``, one for each of EVENTS."""
    return [f"{table}_content_{event.lower()}" for event in EVENTS]


def install(schema_editor, tables: list[str]) -> None:
    """Create the version triggers on ``tables`` (SQLite: a row each; PostgreSQL: a statement)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, None)
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_content_changed AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION guidance_content_changed()",
                None,
            )
    elif vendor == "sqlite":
        for table in tables:
            for name, event in zip(trigger_names(table), EVENTS, strict=True):
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "  # noqa: S608
                    f"INSERT INTO {VERSION_TABLE} (id, number, changed_at) "
                    f"VALUES (1, 1, {SQLITE_NOW}) ON CONFLICT (id) DO UPDATE "
                    f"SET number = number + 1, changed_at = {SQLITE_NOW}; END",
                    None,  # no parameters: the % in strftime's format is not a placeholder
                )
    else:
        raise ImproperlyConfigured(
            "eID guide keeps its content version with database triggers, written for PostgreSQL "
            f"and SQLite; {vendor} is not supported. Set DATABASE_URL to a PostgreSQL or SQLite "
            "database."
        )


def uninstall(schema_editor, tables: list[str]) -> None:
    """Drop the version triggers from ``tables``."""
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            name = f"{table}_content_changed"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", None)
        else:
            for name in trigger_names(table):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", None)


def guarded_tables(connection) -> set[str]:
    """The tables that have a content-version trigger, as the database reports them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s",
                ["%_content_changed"],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        found = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
        return {table for table, names in found.items() if set(trigger_names(table)) <= names}
