#!/usr/bin/env python3
"""The reference a user would write instead of the gateway for call logs: read an
Asterisk Master.csv with Python's csv module and store the complaint calls in
SQLite (WAL, synchronous = FULL, one transaction per 2,000 rows, the uniqueid as
key so a re-read stores nothing twice). No archive, no normalization, no dedup.

usage: scripts/ref-cdr-sqlite.py MASTER.CSV DB [QUEUE] [--all]
Prints "rows N stored M seconds S".  --all stores every row (not only QUEUE's).
"""
import csv, sqlite3, sys, time

path, db_path = sys.argv[1], sys.argv[2]
queue = next((a for a in sys.argv[3:] if not a.startswith("--")), "complaints")
store_all = "--all" in sys.argv
t0 = time.monotonic()
db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = FULL")
db.execute("""CREATE TABLE IF NOT EXISTS calls (uniqueid TEXT PRIMARY KEY, caller TEXT, started TEXT,
              ended TEXT, duration INTEGER, disposition TEXT, note TEXT)""")
rows = stored = 0
batch = []
with open(path, newline="", encoding="utf-8", errors="replace") as f:
    for r in csv.reader(f):
        rows += 1
        if len(r) < 18 or not (store_all or r[8].split(",")[0] == queue):
            continue
        batch.append((r[16], r[1], r[9], r[11], int(r[12] or 0), r[14], r[17]))
        if len(batch) == 2000:
            stored += db.executemany("INSERT OR IGNORE INTO calls VALUES (?, ?, ?, ?, ?, ?, ?)", batch).rowcount
            db.commit()
            batch = []
stored += db.executemany("INSERT OR IGNORE INTO calls VALUES (?, ?, ?, ?, ?, ?, ?)", batch).rowcount
db.commit()
print(f"rows {rows} stored {stored} seconds {time.monotonic() - t0:.3f}")
