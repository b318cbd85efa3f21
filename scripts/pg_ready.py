"""Exit 0 if the PostgreSQL server of the given URL answers, 1 otherwise (used by `make test`)."""

import sys

import psycopg

url = sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/postgres"
base, _, _name = url.rpartition("/")
try:
    psycopg.connect(f"{base}/postgres", connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
