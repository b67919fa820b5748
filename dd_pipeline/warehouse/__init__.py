"""DuckDB: connection, DDL, and the named queries in sql/."""
