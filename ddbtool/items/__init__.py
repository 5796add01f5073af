"""Items of any table: keys typed by the table, single-item reads and writes, key queries, counts, PartiQL."""
