#!/usr/bin/env python3
"""Generates a labelled corpus for the dedup stage: complaints across two
channels (web form posts as JSON files, call-centre exports as CSV), Chinese
and English, with known duplicate groups, near-duplicate groups, hard
negatives and incident clusters.

usage: scripts/gen-dedup-corpus.py OUT [--complaints N] [--days D] [--seed S]

Writes
  OUT/web/day-NNN/*.json   one form post per file, its mtime = when it was sent
  OUT/calls/day-NNN.csv    the call centre's export of that day (UTF-8)
  OUT/labels.jsonl         per complaint: channel, source id, group, relation, cluster
  OUT/channels.conf        a configuration that ingests both

Labels: "text" is a digest of the normalized text (equal digests: the same
text to the gateway). Relations in labels.jsonl:
  "unique"         a complaint of its own (hard negatives included: same customer
                   with another problem, one template with other facts)
  "duplicate"      the same text again (another channel, a re-send) after normalization
  "near_duplicate" a light edit of the group's first complaint (greeting, typo,
                   sign-off, punctuation, one word)
Every member of a group carries the group id; the first member's relation is
"unique". Incident clusters (many customers, one outage) carry a cluster id.
"""
import argparse, datetime, hashlib, json, os, random, re, unicodedata

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--complaints", type=int, default=30000)
ap.add_argument("--days", type=int, default=30)
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--calls-only", action="store_true", help="every complaint through the call centre (for large stores)")
ap.add_argument("--start", default="2026-09-01", help="first day (YYYY-MM-DD)")
ap.add_argument("--prefix", default="", help="prefix of source ids (to generate a second, disjoint set)")
ap.add_argument("--no-labels", action="store_true")
args = ap.parse_args()

import complaint_text
from complaint_text import *  # noqa: F401,F403  (texts, variants, names)
r = complaint_text.r = random.Random(args.seed)
TZ = datetime.timezone(datetime.timedelta(hours=8))
START = datetime.datetime.fromisoformat(args.start).replace(tzinfo=TZ)


records = []  # (time, channel, record dict, label dict)
source_seq = 0


def emit(t, customer, text, relation, group, cluster=None, channel=None, force_phone=False):
    global source_seq
    source_seq += 1
    channel = "calls" if args.calls_only else channel or ("web" if r.random() < 0.55 else "calls")
    rec = {"text": text, "customer": customer, "time": t}
    if channel == "web":
        rec["with_phone"] = force_phone or r.random() < 0.6
        if rec["with_phone"]:
            customer.linked = True
    rec["source"] = f"{args.prefix}{channel[0]}{source_seq:08d}"
    records.append((t, channel, rec, {"channel": channel, "source_id": rec["source"], "group": group,
                                      "relation": relation, "cluster": cluster, "lang": customer.lang,
                                      "text": hashlib.sha1(normalized(text).encode()).hexdigest()[:16]}))
    return channel


def random_time():
    return START + datetime.timedelta(seconds=r.randrange(0, args.days * 86400))


customers = [Customer() for _ in range(max(100, args.complaints // 2))]
group_seq = 0
count = 0
while count < args.complaints:
    group_seq += 1
    g = f"g{group_seq}"
    kind = r.random()
    c = r.choice(customers)
    t = random_time()
    text, (lang, topic) = zh_complaint(t) if c.lang == "zh" else en_complaint(t)
    if kind < 0.55:
        emit(t, c, text, "unique", g)
        count += 1
    elif kind < 0.70:
        # The same text again, 1-2 copies, within days; across channels the
        # copies are linkable (the first web post carries the phone).
        ch = emit(t, c, text, "unique", g, force_phone=True, channel="web")
        count += 1
        for _ in range(r.randrange(1, 3)):
            t2 = t + datetime.timedelta(minutes=r.randrange(5, 7 * 24 * 60))
            copy = exact_variant(text, lang)
            emit(t2, c, copy, copy_relation(copy, text), g)
            count += 1
    elif kind < 0.85:
        emit(t, c, text, "unique", g, force_phone=True, channel="web")
        count += 1
        for _ in range(r.randrange(1, 3)):
            t2 = t + datetime.timedelta(minutes=r.randrange(5, 7 * 24 * 60))
            copy = light_edit(text, lang)
            emit(t2, c, copy, copy_relation(copy, text), g)
            count += 1
    elif kind < 0.93:
        # Hard negatives from the same customer: another problem, or the same
        # template with other facts (another order, amount, date).
        emit(t, c, text, "unique", g, force_phone=True, channel="web")
        group_seq += 1
        t2 = t + datetime.timedelta(hours=r.randrange(1, 72))
        if r.random() < 0.5 and any(ch.isdigit() for ch in text):
            # The same template with other facts: every number changed (another
            # order, amount, date).
            other = re.sub(r"\d+", lambda m: str((int(m.group()) + r.randrange(1, 9)) % (10 ** len(m.group()))).zfill(len(m.group())), text)
        else:
            other, _ = zh_complaint(t2) if lang == "zh" else en_complaint(t2)
        emit(t2, c, other, "unique", f"g{group_seq}")
        count += 2
    elif kind < 0.994:
        emit(t, c, text, "unique", g)
        count += 1
    else:
        # An incident: many customers report one outage within an hour, each in
        # their own words around the same notice.
        area = r.choice(AREAS)
        cid = f"k{group_seq}"
        n = r.randrange(8, 40)
        core = f"{area}{r.randrange(1, 20)}号楼从{t.hour}点开始停电，到现在还没有恢复，也没有任何通知"
        tails = ["，请尽快处理。", "，请尽快抢修！", "，什么时候能来电？", "，冰箱里的东西都要坏了，请尽快处理。",
                 "，家里有老人，请尽快恢复供电。", "，已经打了几次电话都没人管。", "。", "，太影响生活了。"]
        for i in range(n):
            member = r.choice(customers)
            t2 = t + datetime.timedelta(minutes=r.randrange(0, 60))
            pre = r.choice(["", "", "你好，", "紧急！"])
            group_seq += 1
            emit(t2, member, pre + core + r.choice(tails), "unique", f"g{group_seq}", cluster=cid)
            count += 1

records.sort(key=lambda x: x[0])
out = args.out
os.makedirs(os.path.join(out, "web"), exist_ok=True)
os.makedirs(os.path.join(out, "calls"), exist_ok=True)
csv_files = {}
with open(os.path.join(out, "labels.jsonl"), "w") as labels:
    for t, channel, rec, label in records:
        day = (t - START).days
        c = rec["customer"]
        if channel == "web":
            folder = os.path.join(out, "web", f"day-{day:03d}")
            os.makedirs(folder, exist_ok=True)
            post = {"submission_id": rec["source"], "name": c.name, "email": c.email, "message": rec["text"]}
            if rec.get("with_phone"):
                post["phone"] = c.phone
            path = os.path.join(folder, rec["source"] + ".json")
            with open(path, "w") as f:
                json.dump(post, f, ensure_ascii=False)
            ts = t.timestamp()
            os.utime(path, (ts, ts))
        else:
            path = os.path.join(out, "calls", f"day-{day:03d}.csv")
            f = csv_files.get(path)
            if f is None:
                f = csv_files[path] = open(path, "w", newline="")
                f.write("工单号,主叫号码,客户姓名,开始时间,结束时间,技能组,通话小结\n")
            text = rec["text"].replace('"', '""')
            start = t.strftime("%Y-%m-%d %H:%M:%S")
            end = (t + datetime.timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S")
            f.write(f'{rec["source"]},{c.phone},{c.name},{start},{end},投诉,"{text}"\n')
        if not args.no_labels:
            labels.write(json.dumps(label, ensure_ascii=False) + "\n")
for f in csv_files.values():
    f.close()

with open(os.path.join(out, "channels.conf"), "w") as f:
    f.write("""[storage]
path = "state/complaints.sqlite"
[archive]
path = "state/archive"

[[channel]]
name = "calls"
type = "call_log"
format = "mapped"
time_zone = "Asia/Shanghai"
default_country = "CN"
columns = { id = "工单号", caller_number = "主叫号码", caller_name = "客户姓名", start = "开始时间", end = "结束时间", queue = "技能组", notes = "通话小结" }
match_queues = ["投诉"]

[[channel]]
name = "web"
type = "web_form"
content_type = "application/json"
submission_id_field = "submission_id"
default_country = "CN"
[channel.fields]
name    = { to = "customer.name" }
email   = { to = "customer.email" }
phone   = { to = "customer.phone" }
message = { to = "body" }
""")
print(f"{len(records)} complaints, {group_seq} groups, {Customer.n} customers -> {out}")
