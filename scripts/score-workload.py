#!/usr/bin/env python3
"""Scores the dedup stage against a generated workload's ground truth.

usage: scripts/score-workload.py WORKLOAD [--bin PATH]

Run after ingesting the workload's files in WORKLOAD (its channels.conf:
`complaint-gateway ingest` there; form posts count when they were posted to
`serve` there). Reads the feed, matches each complaint to its truth.jsonl line
by channel and key, and prints, per class, how many repeats the gateway marked
against the right group (precision) and how many it found (recall). A group's
first complaint in feed order is its original, as the gateway sees it.
Complaints of the truth that are not in the feed (not ingested) are left out.
"""
import collections, json, os, subprocess, sys

work = sys.argv[1]
bin = sys.argv[sys.argv.index("--bin") + 1] if "--bin" in sys.argv else "complaint-gateway"
bin = os.path.abspath(bin) if os.sep in bin else bin
truth = {}
for line in open(os.path.join(work, "truth.jsonl")):
    t = json.loads(line)
    truth[(t["channel"], t["key"])] = t


def key(c):
    """The truth key of a stored complaint: its source id as the channel writes it."""
    source = c["source_id"]
    name = c["channel"]["name"]
    if source.startswith("submission:"):
        source = source[len("submission:"):]
    elif name == "pbx":
        source = source.split("#")[0]  # Asterisk: uniqueid + digest of the row
    return (name, source.strip("<>"))


feed = subprocess.run([bin, "feed", "--limit", "1000000000"], cwd=work, capture_output=True, text=True, check=True).stdout
order, by_id, verdict = [], {}, {}
for line in feed.splitlines():
    e = json.loads(line)
    if e["type"] not in ("complaint.received", "complaint.duplicate"):
        continue
    c = e["data"]
    k = key(c)
    if k not in truth:
        continue
    order.append(k)
    by_id[c["id"]] = k
    verdict[k] = c.get("dedup", {})

groups = collections.defaultdict(list)
for k in order:
    groups[truth[k]["group"]].append(k)
expected = {}
for g, members in groups.items():
    first = members[0]
    for k in members[1:]:
        same = truth[k]["text"] == truth[first]["text"]
        expected[k] = ("duplicate" if same else "near_duplicate", g)


def right_group(k):
    of = by_id.get(verdict[k].get("of"))
    return of is not None and truth[of]["group"] == truth[k]["group"]


print(f"{len(order):,} complaints of the truth in the feed ({len(truth):,} in truth.jsonl), "
      f"{len(expected):,} repeats of an earlier complaint")
for cls in ("duplicate", "near_duplicate", None):
    marked = [k for k in order if (verdict[k].get("status") == cls if cls else verdict[k].get("status", "unique") != "unique")]
    right = [k for k in marked if k in expected and right_group(k) and (cls is None or expected[k][0] == cls)]
    want = [k for k in expected if cls is None or expected[k][0] == cls]
    found = [k for k in want if k in marked and right_group(k)]
    label = cls or "any repeat"
    print(f"{label:15s} precision {len(right) / max(1, len(marked)):.4f} ({len(right):,} of {len(marked):,})   "
          f"recall {len(found) / max(1, len(want)):.4f} ({len(found):,} of {len(want):,})")
cross = [k for k in expected if truth[k]["channel"] != truth[groups[expected[k][1]][0]]["channel"]]
found = [k for k in cross if verdict[k].get("status", "unique") != "unique" and right_group(k)]
print(f"cross-channel repeats: {len(found):,} of {len(cross):,} found")
# Repeats the gateway cannot tie to the same customer (a mail address and a
# phone number never seen together) are not marked, but should share the
# original's cluster.
cluster_of = {k: verdict[k].get("cluster") for k in order}
same_cluster = [k for k in expected if cluster_of[k] and cluster_of[k] == cluster_of[groups[expected[k][1]][0]]]
print(f"repeats in their original's cluster: {len(same_cluster):,} of {len(expected):,} "
      f"({len(same_cluster) / max(1, len(expected)):.4f})")
