#!/usr/bin/env python3
"""Writes a seeded synthetic workload for every channel, with its ground truth.

usage: scripts/gen-workload.py OUT [--seed S] [--eml N] [--mbox-bytes B]
           [--forms N] [--feed-docs N] [--feed-items K] [--cdr-rows N]
           [--export-rows N] [--days D] [--start YYYY-MM-DD]

Complaints are generated as stories (75 % Chinese, 25 % English; the texts of
scripts/complaint_text.py) and each report of a story goes to a channel drawn
by how much of each channel's quota is left, so repeats cross channels the way
real ones do (a customer mails, then calls). Story kinds: single complaints;
exact repeats (retyped: width, case, punctuation, spacing); light edits
(greeting, sign-off, typo, a dropped word); hard negatives from the same
customer (another problem, or the same template with other numbers); incidents
(8-40 customers reporting one outage within an hour).

Writes
  OUT/mail/NNNNNN.eml         one message per file
  OUT/mbox/inbox.mbox         an mbox (mboxrd) of about --mbox-bytes
      Mail mixes UTF-8, GB2312, GBK, GB18030 and Big5 (single reports only:
      Big5 text is traditional, so it is not the same text as a repeat),
      US-ASCII and ISO-8859-1; base64 and quoted-printable; plain, HTML-only
      and multipart/alternative; quoted replies; a fifth with an attachment.
  OUT/forms/posts.jsonl       form posts in sending order, one JSON object per
      line: {"content_type", "body"}; URL-encoded UTF-8 (60 %), URL-encoded GBK
      with a charset parameter (15 %), JSON (25 %); 2 % are sent twice (a
      double click: same submission_id).
  OUT/feeds/NNNNN-FEED.xml|json  snapshots of 12 feeds (RSS 2.0, Atom 1.0,
      JSON Feed 1.1), --feed-items new items each plus the last 3 items of the
      feed's previous snapshot (a polled feed repeats items).
  OUT/calls/pbx/Master.csv    Asterisk cdr_csv: --cdr-rows rows in time order,
      about a third in the complaints queue (the stories), the rest sales and
      billing calls; notes quoted, some with quotes and line breaks.
  OUT/calls/export/day-NNN.csv  a call centre's daily exports (header-mapped,
      GBK as Excel writes them); 10 % of rows are enquiries, not complaints.
  OUT/truth.jsonl             one line per complaint: channel, key (Message-ID,
      submission_id, feed item id, Asterisk uniqueid, 工单号), group, relation
      ("unique" | "duplicate" | "near_duplicate", against the group's first
      report), cluster (incidents), lang, text (digest of the normalized text).
  OUT/channels.conf           a configuration that ingests all of it (SQLite).
"""
import argparse, base64, datetime, email.utils, hashlib, importlib.util, json, os, random, re
from urllib.parse import quote_plus
from xml.sax.saxutils import escape

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=11)
ap.add_argument("--eml", type=int, default=10000, help=".eml files (default 10000)")
ap.add_argument("--mbox-bytes", type=int, default=64 << 20, help="approximate mbox size (default 64 MiB)")
ap.add_argument("--forms", type=int, default=20000, help="form posts (default 20000)")
ap.add_argument("--feed-docs", type=int, default=2000, help="feed documents (default 2000)")
ap.add_argument("--feed-items", type=int, default=10, help="new items per feed document (default 10)")
ap.add_argument("--cdr-rows", type=int, default=100000, help="Asterisk CDR rows (default 100000)")
ap.add_argument("--export-rows", type=int, default=20000, help="call-centre export rows (default 20000)")
ap.add_argument("--days", type=int, default=30)
ap.add_argument("--start", default="2026-10-01")
args = ap.parse_args()

here = os.path.dirname(os.path.abspath(__file__))
import sys
sys.path.insert(0, here)
import complaint_text as ct  # noqa: E402
from complaint_text import AREAS, Customer  # noqa: E402

spec = importlib.util.spec_from_file_location("gen_mail", os.path.join(here, "gen-mail.py"))
gen_mail = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_mail)

r = ct.r = random.Random(args.seed)
TZ = datetime.timezone(datetime.timedelta(hours=8))
START = datetime.datetime.fromisoformat(args.start).replace(tzinfo=TZ)
# An mbox message of a story averages about this many bytes (headers, one
# complaint, a third with quoted replies, a fifth with a 1-40 KB attachment).
MBOX_BYTES_PER_MESSAGE = 6590
PBX_COMPLAINT_SHARE = 1 / 3
EXPORT_COMPLAINT_SHARE = 0.9

quota = {
    "mail_eml": args.eml,
    "mailbox": args.mbox_bytes // MBOX_BYTES_PER_MESSAGE,
    "web": args.forms,
    "social": args.feed_docs * args.feed_items,
    "pbx": int(args.cdr_rows * PBX_COMPLAINT_SHARE),
    "callcentre": int(args.export_rows * EXPORT_COMPLAINT_SHARE),
}
reports = {c: [] for c in quota}  # channel -> [(time, customer, text, label)]


def pick_channel():
    left = sum(quota.values())
    x = r.randrange(left)
    for c, n in quota.items():
        if x < n:
            return c
        x -= n
    raise AssertionError("no quota left")


def emit(t, customer, text, relation, group, cluster=None, single=False):
    c = pick_channel()
    quota[c] -= 1
    label = {"channel": c, "group": group, "relation": relation, "cluster": cluster, "lang": customer.lang,
             "text": hashlib.sha1(ct.normalized(text).encode()).hexdigest()[:16], "single": single}
    reports[c].append((t, customer, text, label))


def random_time():
    return START + datetime.timedelta(seconds=r.randrange(0, args.days * 86400))


def later(t, lo_minutes, hi_minutes):
    return t + datetime.timedelta(minutes=r.randrange(lo_minutes, hi_minutes))


customers = [Customer() for _ in range(max(200, sum(quota.values()) // 2))]
group_seq = 0
while sum(quota.values()) > 0:
    group_seq += 1
    g = f"g{group_seq}"
    kind = r.random()
    c = r.choice(customers)
    t = random_time()
    text, (lang, _) = ct.zh_complaint(t) if c.lang == "zh" else ct.en_complaint(t)
    if kind < 0.55 or sum(quota.values()) < 3:
        emit(t, c, text, "unique", g, single=True)
    elif kind < 0.85:
        # Repeats: retyped (exact after normalization) or lightly edited.
        variant = ct.exact_variant if kind < 0.70 else ct.light_edit
        emit(t, c, text, "unique", g)
        for _ in range(r.randrange(1, 3)):
            if sum(quota.values()) == 0:
                break
            copy = variant(text, lang)
            emit(later(t, 5, 7 * 24 * 60), c, copy, ct.copy_relation(copy, text), g)
    elif kind < 0.93:
        emit(t, c, text, "unique", g)
        group_seq += 1
        t2 = later(t, 60, 72 * 60)
        if r.random() < 0.5 and any(ch.isdigit() for ch in text):
            other = re.sub(r"\d+", lambda m: str((int(m.group()) + r.randrange(1, 9)) % (10 ** len(m.group()))).zfill(len(m.group())), text)
        else:
            other, _ = ct.zh_complaint(t2) if lang == "zh" else ct.en_complaint(t2)
        emit(t2, c, other, "unique", f"g{group_seq}")
    else:
        area = r.choice(AREAS)
        cid = f"k{group_seq}"
        core = f"{area}{r.randrange(1, 20)}号楼从{t.hour}点开始停电，到现在还没有恢复，也没有任何通知"
        tails = ["，请尽快处理。", "，请尽快抢修！", "，什么时候能来电？", "，冰箱里的东西都要坏了，请尽快处理。",
                 "，家里有老人，请尽快恢复供电。", "，已经打了几次电话都没人管。", "。", "，太影响生活了。"]
        for _ in range(min(r.randrange(8, 40), sum(quota.values()))):
            group_seq += 1
            member = r.choice(customers)
            emit(later(t, 0, 60), member, r.choice(["", "", "你好，", "紧急！"]) + core + r.choice(tails),
                 "unique", f"g{group_seq}", cluster=cid)

out = args.out
os.makedirs(out, exist_ok=True)
truth = open(os.path.join(out, "truth.jsonl"), "w")


def record_truth(label, key):
    label = dict(label, key=key)
    del label["single"]
    if label["channel"] == "mail_eml":
        label["channel"] = "mail"
    truth.write(json.dumps(label, ensure_ascii=False) + "\n")


def local(t, fmt="%Y-%m-%d %H:%M:%S"):
    return t.astimezone(TZ).strftime(fmt)


# --- mail: .eml files and an mbox -------------------------------------------
mail_rng = random.Random(args.seed + 1)


def mail_bytes(i, t, customer, text, label):
    message_id = f"wl-{args.seed}-{i}@mail.example"
    story = {"lang": customer.lang, "text": text, "name": customer.name, "email": customer.email,
             "message_id": message_id, "date": email.utils.format_datetime(t),
             # Big5 text is traditional Chinese: another text than a simplified repeat.
             "charsets": gen_mail.CHARSETS_ZH if label["single"] else [c for c in gen_mail.CHARSETS_ZH if c != "big5"]}
    record_truth(label, message_id)
    return gen_mail.message(mail_rng, i, story)


sizes = {}
os.makedirs(os.path.join(out, "mail"), exist_ok=True)
n_mail = 0
size = 0
for i, (t, c, text, label) in enumerate(sorted(reports["mail_eml"], key=lambda x: x[0])):
    m = mail_bytes(n_mail, t, c, text, label)
    n_mail += 1
    size += len(m)
    with open(os.path.join(out, "mail", f"{i:06d}.eml"), "wb") as f:
        f.write(m)
sizes["eml"] = (len(reports["mail_eml"]), size)
size = 0
os.makedirs(os.path.join(out, "mbox"), exist_ok=True)
with open(os.path.join(out, "mbox", "inbox.mbox"), "wb") as f:
    for t, c, text, label in sorted(reports["mailbox"], key=lambda x: x[0]):
        m = mail_bytes(n_mail, t, c, text, label).replace(b"\r\n", b"\n")
        n_mail += 1
        m = b"\n".join(b">" + line if line.lstrip(b">").startswith(b"From ") else line for line in m.split(b"\n"))
        chunk = b"From " + c.email.encode() + b" " + t.strftime("%a %b %d %H:%M:%S %Y").encode() + b"\n" + m + b"\n"
        f.write(chunk)
        size += len(chunk)
sizes["mbox"] = (len(reports["mailbox"]), size)

# --- web forms ---------------------------------------------------------------
os.makedirs(os.path.join(out, "forms"), exist_ok=True)
posts = []
for i, (t, c, text, label) in enumerate(sorted(reports["web"], key=lambda x: x[0])):
    sid = f"wl{args.seed}-f{i:07d}"
    record_truth(label, sid)
    fields = {"submission_id": sid, "name": c.name, "email": c.email, "message": text}
    if r.random() < 0.6:
        fields["phone"] = c.phone
    kind = r.random()
    if kind < 0.60:
        post = {"content_type": "application/x-www-form-urlencoded",
                "body": "&".join(f"{k}={quote_plus(v)}" for k, v in fields.items())}
    elif kind < 0.75:
        post = {"content_type": "application/x-www-form-urlencoded; charset=gbk",
                "body": "&".join(f"{k}={quote_plus(v, encoding='gbk', errors='replace')}" for k, v in fields.items())}
    else:
        post = {"content_type": "application/json", "body": json.dumps(fields, ensure_ascii=False)}
    posts.append(post)
    if r.random() < 0.02:
        posts.append(post)  # a double click: the same submission again
with open(os.path.join(out, "forms", "posts.jsonl"), "w") as f:
    for post in posts:
        f.write(json.dumps(post, ensure_ascii=False) + "\n")
sizes["forms"] = (len(posts), os.path.getsize(os.path.join(out, "forms", "posts.jsonl")))

# --- social feeds: snapshots of 12 feeds -------------------------------------
FEEDS = [(f"{site}-{fmt}", fmt) for site in ("weibo", "forum", "tieba", "news") for fmt in ("rss", "atom", "json")]
os.makedirs(os.path.join(out, "feeds"), exist_ok=True)
items = []
for i, (t, c, text, label) in enumerate(sorted(reports["social"], key=lambda x: x[0])):
    feed = FEEDS[i % len(FEEDS)][0]
    key = f"tag:{feed}.example.com,2026:{i}"
    record_truth(label, key)
    items.append((feed, {"id": key, "link": f"https://{feed}.example.com/p/{i}", "time": t, "title": text[:20],
                         "text": text, "name": c.name, "handle": c.handle}))
by_feed = {name: [it for f, it in items if f == name] for name, _ in FEEDS}


def rss(feed, entries):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>{feed} mentions</title><link>https://{feed}.example.com/</link>\n']
    for e in entries:
        out.append(f'<item><title>{escape(e["title"])}</title><link>{e["link"]}</link><guid isPermaLink="false">{e["id"]}</guid>'
                   f'<pubDate>{email.utils.format_datetime(e["time"])}</pubDate><dc:creator>@{e["handle"]}</dc:creator>'
                   f'<description>{escape(e["text"])}</description><content:encoded><![CDATA[<p>{e["text"]}</p>]]></content:encoded>'
                   '<category>mention</category></item>\n')
    out.append("</channel></rss>\n")
    return "".join(out)


def atom(feed, entries):
    out = [f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://{feed}.example.com/">'
           f'<title>{feed}</title><id>tag:{feed}.example.com,2026:feed</id><updated>{entries[-1]["time"].isoformat()}</updated>\n']
    for e in entries:
        out.append(f'<entry><id>{e["id"]}</id><title type="html">{escape(escape(e["title"]))}</title><link href="{e["link"]}"/>'
                   f'<published>{e["time"].isoformat()}</published><updated>{e["time"].isoformat()}</updated>'
                   f'<author><name>{escape(e["name"])}</name><uri>https://{feed}.example.com/u/{e["handle"]}</uri></author>'
                   f'<content type="html">{escape("<p>" + e["text"] + "</p>")}</content></entry>\n')
    out.append("</feed>\n")
    return "".join(out)


def json_feed(feed, entries):
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": feed, "home_page_url": f"https://{feed}.example.com/",
                       "items": [{"id": e["id"], "url": e["link"], "title": e["title"], "content_html": f"<p>{e['text']}</p>",
                                  "date_published": e["time"].isoformat(),
                                  "authors": [{"name": e["name"], "url": f"https://{feed}.example.com/u/{e['handle']}"}]}
                                 for e in entries]}, ensure_ascii=False, indent=1)


docs = 0
size = 0
cursor = {name: 0 for name, _ in FEEDS}
while docs < args.feed_docs and any(cursor[n] < len(by_feed[n]) for n, _ in FEEDS):
    for name, fmt in FEEDS:
        entries = by_feed[name]
        if cursor[name] >= len(entries) or docs >= args.feed_docs:
            continue
        lo, hi = cursor[name], min(len(entries), cursor[name] + args.feed_items)
        snapshot = entries[max(0, lo - 3):hi]  # newest items and the last 3 of the previous snapshot
        cursor[name] = hi
        doc = {"rss": rss, "atom": atom, "json": json_feed}[fmt](name, snapshot)
        path = os.path.join(out, "feeds", f"{docs:05d}-{name}.{'json' if fmt == 'json' else 'xml'}")
        with open(path, "w") as f:
            f.write(doc)
        size += os.path.getsize(path)
        docs += 1
sizes["feeds"] = (docs, size)

# --- call logs: Asterisk Master.csv and GBK call-centre exports --------------
def q(s):
    return '"' + s.replace('"', '""') + '"'


os.makedirs(os.path.join(out, "calls", "export"), exist_ok=True)
os.makedirs(os.path.join(out, "calls", "pbx"), exist_ok=True)
stories = sorted(reports["pbx"], key=lambda x: x[0])
FILLER_NOTES = ["", "", "", "咨询套餐资费", "Asked about the new plan", "要求开具发票\n已处理", 'Customer said "thanks"']
total, left_story = args.cdr_rows, len(stories)
t_prev = START
n = 0
with open(os.path.join(out, "calls", "pbx", "Master.csv"), "w", encoding="utf-8", newline="") as f:
    for row in range(total):
        if left_story and r.randrange(total - row) < left_story:
            t, c, text, label = stories[len(stories) - left_story]
            left_story -= 1
            queue, caller, name, note, disp = "complaints", c.phone, c.name, text, "ANSWERED"
            if r.random() < 0.05:
                note += "\n已登记工单，等待回访"  # a line break inside a quoted field
        else:
            label = None
            t = t_prev + datetime.timedelta(seconds=r.randrange(0, 30))
            queue, caller, name, note = r.choice(["sales", "billing"]), "1%d%09d" % (r.choice([3, 5, 8]), r.randrange(10**9)), "", r.choice(FILLER_NOTES)
            disp = r.choice(["ANSWERED", "ANSWERED", "NO ANSWER", "BUSY"])
        t_prev = max(t_prev, t)
        dur = r.randrange(5, 900)
        uniqueid = f"{int(t.timestamp())}.{row}"
        if label:
            record_truth(label, uniqueid)
        clid = f'"{name}" <{caller}>' if name else caller
        fields = [q(""), q(caller), q("600"), q("from-pstn"), q(clid), q(f"SIP/trunk-{row:08x}"),
                  q(f"SIP/agent{row % 40}-{row:08x}"), q("Queue"), q(f"{queue},t,,,300"), q(local(t)),
                  q(local(t + datetime.timedelta(seconds=5))) if disp == "ANSWERED" else "",
                  q(local(t + datetime.timedelta(seconds=dur))), str(dur), str(max(0, dur - 5)), q(disp),
                  q("DOCUMENTATION"), q(uniqueid), q(note)]
        f.write(",".join(fields) + "\n")
sizes["cdr"] = (total, os.path.getsize(os.path.join(out, "calls", "pbx", "Master.csv")))

export = sorted(reports["callcentre"], key=lambda x: x[0])
files = {}
size = 0
rows = 0
for i, (t, c, text, label) in enumerate(export):
    day = (t - START).days
    f = files.get(day)
    if f is None:
        f = files[day] = open(os.path.join(out, "calls", "export", f"day-{day:03d}.csv"), "w", encoding="gbk", errors="replace", newline="")
        f.write("工单号,主叫号码,客户姓名,开始时间,结束时间,技能组,通话小结\r\n")
    ticket = f"GD{args.seed}{i:08d}"
    record_truth(label, ticket)
    end = local(t + datetime.timedelta(minutes=r.randrange(1, 15)), "%Y/%m/%d %H:%M")
    f.write(f'{ticket},{c.phone},{c.name},{local(t, "%Y/%m/%d %H:%M")},{end},投诉,{q(text)}\r\n')
    rows += 1
    if r.random() < (1 - EXPORT_COMPLAINT_SHARE) / EXPORT_COMPLAINT_SHARE:
        other = r.choice(customers)
        f.write(f'ZX{args.seed}{i:08d},{other.phone},{other.name},{local(t, "%Y/%m/%d %H:%M")},{end},咨询,{q("咨询宽带升级")}\r\n')
        rows += 1
for f in files.values():
    f.close()
    size += os.path.getsize(f.name)
sizes["export"] = (rows, size)
truth.close()

with open(os.path.join(out, "channels.conf"), "w") as f:
    f.write(f"""# Generated by scripts/gen-workload.py (seed {args.seed}): every channel of the workload.
[storage]
path = "state/complaints.sqlite"
[archive]
path = "state/archive"

[[channel]]
name = "mail"
type = "email"
drop_folder = "mail"

[[channel]]
name = "mailbox"
type = "email"
drop_folder = "mbox"

[[channel]]
name = "web"
type = "web_form"
submission_id_field = "submission_id"
rate_limit_per_client = "1000000/second"
[channel.fields]
name    = {{ to = "customer.name" }}
email   = {{ to = "customer.email" }}
phone   = {{ to = "customer.phone" }}
message = {{ to = "body" }}

[[channel]]
name = "social"
type = "social_feed"
drop_folder = "feeds"

[[channel]]
name = "pbx"
type = "call_log"
format = "asterisk"
time_zone = "Asia/Shanghai"
match_queues = ["complaints"]
drop_folder = "calls/pbx"

[[channel]]
name = "callcentre"
type = "call_log"
format = "mapped"
encoding = "gbk"
time_zone = "Asia/Shanghai"
columns = {{ id = "工单号", caller_number = "主叫号码", caller_name = "客户姓名", start = "开始时间", end = "结束时间", queue = "技能组", notes = "通话小结" }}
match_queues = ["投诉"]
drop_folder = "calls/export"
""")

summary = {k: {"items": n, "bytes": b} for k, (n, b) in sizes.items()}
summary["complaints"] = sum(len(v) for v in reports.values())
summary["groups"] = group_seq
summary["customers"] = Customer.n
with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump(summary, f, indent=1)
print(json.dumps(summary))
