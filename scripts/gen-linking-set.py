#!/usr/bin/env python3
"""Generates a labelled identity-linking set: which complaints are one person.

usage: scripts/gen-linking-set.py OUT [--persons N] [--seed S]

Customers complain by email (.eml as real clients write them: GB2312 and
UTF-8 bodies, RFC 2047 subjects, signatures with the mobile spelled
138-0013-8000, +86 138 0013 8000, (0086)13800138000 or in full-width
digits), through the web form (JSON posts: email and/or phone, an account
number now and then) and on the phone (the call centre's GBK CSV export).

Distractors, each a way two customers used to be made one:
  - a company switchboard (010-6552 8888) in every employee's signature, and
    some employees calling from it;
  - a department's duty mobile in several colleagues' signatures;
  - "请联系我同事 … 139…" / "my colleague … at …": another customer's number;
  - a family's shared account number on two members' forms;
  - form placeholders (00000000000, 12345678901);
  - the same name for different people.
And true links that are hard: a customer writing once from a second address
with the same signature mobile.

Writes
  OUT/mail/*.eml           one message per file
  OUT/web/*.json           one form post per file
  OUT/calls/calls.csv      the call centre's export (GBK)
  OUT/truth.jsonl          per complaint: channel, native id, person, and the
                           customer's own identities it carries (own_keys: a
                           pair of one person's complaints is linkable when
                           they are connected through them)
  OUT/channels.conf        a configuration that ingests all three
"""
import argparse, csv, json, os, random, time
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate

ap = argparse.ArgumentParser(usage=__doc__)
ap.add_argument("out")
ap.add_argument("--persons", type=int, default=400)
ap.add_argument("--seed", type=int, default=7)
args = ap.parse_args()
rnd = random.Random(args.seed)
out = args.out
for sub in ["mail", "web", "calls"]:
    os.makedirs(os.path.join(out, sub), exist_ok=True)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂英", "建华", "晓东"]
EN_NAMES = ["Jane Smith", "John Chen", "Mary Wong", "David Lee", "Susan Lau", "Peter Ho", "Grace Lin", "Kevin Zhang"]
TEXTS_ZH = [
    "宽带从前天开始每天晚上断线，重启光猫也没有用，请尽快派人检修。",
    "这个月的话费账单多扣了{n}元，我没有办理过任何增值业务，请核实并退款。",
    "家里停电已经三个小时了，冰箱里的东西都坏了，什么时候能恢复？",
    "营业厅工作人员态度很差，办理销户等了两个小时还没有办完。",
    "信用卡被重复扣款{n}元，客服电话一直打不通。",
    "网上订单{n}号的商品收到时已经损坏，申请退货一直没有人处理。",
    "手机信号在家里完全没有，打电话经常掉线，已经反映过多次。",
    "电表读数明显不对，这个月电费是平时的三倍。",
]
TEXTS_EN = [
    "My broadband drops every evening since Monday. Please send a technician.",
    "I was charged twice for order {n}. Please refund the second payment.",
    "The power has been off for three hours and nobody answers the hotline.",
    "My credit card statement shows a fee of {n} that I never agreed to.",
]
COMPANIES = [("example-energy.cn", "+86 10 6552 8888", "010-6552 8888"),
             ("bigcorp.example.cn", "+86 21 5080 1234", "021-5080 1234"),
             ("factory.example.com", "+86 755 8888 6666", "0755-8888 6666")]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def mobile():
    return "1" + rnd.choice("3589") + "".join(rnd.choice("0123456789") for _ in range(9))


def spell(m):
    """A mobile as people write it in a signature."""
    return rnd.choice([
        m, f"{m[:3]}-{m[3:7]}-{m[7:]}", f"+86 {m[:3]} {m[3:7]} {m[7:]}", f"(0086){m}", f"{m[:3]} {m[3:7]} {m[7:]}",
        m.translate(FULLWIDTH), f"+86-{m}"])


used = set()


def unique(make):
    while True:
        v = make()
        if v not in used:
            used.add(v)
            return v


class Person:
    def __init__(self, pid):
        self.id = pid
        self.zh = rnd.random() < 0.75
        self.name = (rnd.choice(SURNAMES) + rnd.choice(GIVEN)) if self.zh else rnd.choice(EN_NAMES)  # names repeat: distractor
        self.mobile = unique(mobile)
        self.company = rnd.choice(COMPANIES) if rnd.random() < 0.35 else None
        domain = self.company[0] if self.company else rnd.choice(["163.com", "qq.com", "126.com", "gmail.com", "outlook.com"])
        self.email = unique(lambda: f"u{pid}.{rnd.randrange(10**6)}@{domain}")
        self.second_email = unique(lambda: f"home{pid}.{rnd.randrange(10**6)}@sina.com") if rnd.random() < 0.03 else None
        self.account = unique(lambda: "6222" + "".join(rnd.choice("0123456789") for _ in range(12))) if rnd.random() < 0.3 else None
        self.duty = None  # a department's duty mobile, shared with colleagues
        self.family = None  # another person sharing this one's account


persons = [Person(i) for i in range(args.persons)]
# Departments sharing one duty mobile in their signatures.
for company in COMPANIES:
    staff = [p for p in persons if p.company == company]
    for k in range(0, min(len(staff), 9), 3):
        duty = unique(mobile)
        for p in staff[k:k + 3]:
            p.duty = duty
# Families sharing one account number.
singles = [p for p in persons if p.account]
for a, b in zip(singles[0::10], singles[1::10]):
    b.account = a.account
    a.family, b.family = b, a

truth = open(os.path.join(out, "truth.jsonl"), "w")
csv_rows = []
base = 1_795_000_000
seq = 0


def text_of(p, n):
    return rnd.choice(TEXTS_ZH if p.zh else TEXTS_EN).replace("{n}", str(100 + n % 900))


def colleague_note(p):
    other = rnd.choice(persons)
    if other is p:
        return ""
    if p.zh:
        return f"\n如果联系不上我，请联系我同事{other.name}，电话 {spell(other.mobile)}。"
    return f"\nIf I am not available, please call my colleague {other.name} at {spell(other.mobile)}."


for p in persons:
    for k in range(rnd.choice([1, 2, 2, 3, 3, 4])):
        seq += 1
        at = base + seq * 37
        channel = rnd.choice(["mail", "mail", "web", "calls"])
        body = text_of(p, seq)
        own_keys = []  # the customer's own identities this complaint carries (what could link it)
        if channel == "mail":
            sender = p.second_email if (p.second_email and k == 1) else p.email
            lines = [body + (colleague_note(p) if rnd.random() < 0.1 else ""), "", "-- ", p.name]
            own = p.duty if (p.duty and rnd.random() < 0.7) else p.mobile
            own_keys.append("email:" + sender)
            if rnd.random() < 0.85:
                lines.append(("手机：" if p.zh else "Mobile: ") + spell(own))
                if own == p.mobile:
                    own_keys.append("phone:+86" + p.mobile)
            if p.company:
                lines.append(("总机：" if p.zh else "Switchboard: ") + p.company[2])
            charset = "gb2312" if p.zh and rnd.random() < 0.5 else "utf-8"
            msg = MIMEText("\n".join(lines) + "\n", "plain", charset)
            msg["Subject"] = Header(("投诉：" if p.zh else "Complaint: ") + body[:12], charset)
            msg["From"] = formataddr((str(Header(p.name, charset)), sender))
            msg["To"] = "service@isp.example.cn"
            msg["Date"] = formatdate(at, localtime=False)
            native = f"lk-{seq}@bench.example"
            msg["Message-ID"] = f"<{native}>"
            path = os.path.join(out, "mail", f"{seq:05d}.eml")
            with open(path, "wb") as f:
                f.write(msg.as_bytes())
            os.utime(path, (at, at))
        elif channel == "web":
            native = f"lk{seq}"
            post = {"submission_id": native, "name": p.name, "message": body}
            r = rnd.random()
            if r < 0.55:
                post["email"], post["phone"] = p.email, p.mobile
            elif r < 0.8:
                post["email"] = p.email
            else:
                post["phone"] = p.mobile
            if "phone" not in post and rnd.random() < 0.4:
                post["phone"] = rnd.choice(["00000000000", "12345678901", "11111111111"])
            if p.account and rnd.random() < 0.5:
                post["account"] = p.account
            own_keys += ["email:" + post["email"]] if "email" in post else []
            own_keys += ["phone:+86" + p.mobile] if post.get("phone") == p.mobile else []
            own_keys += ["account:" + p.account] if "account" in post and p.family is None else []
            path = os.path.join(out, "web", f"{seq:05d}.json")
            with open(path, "w") as f:
                json.dump(post, f, ensure_ascii=False)
            os.utime(path, (at, at))
        else:
            native = f"GD{seq:06d}"
            number = p.company[1].replace(" ", "") if (p.company and rnd.random() < 0.1) else p.mobile
            start = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at + 8 * 3600))
            csv_rows.append([native, number, p.name, "投诉", start, start, body])
            own_keys += ["phone:+86" + p.mobile] if number == p.mobile else []
        truth.write(json.dumps({"channel": channel, "id": native, "person": p.id, "own_keys": own_keys}, ensure_ascii=False) + "\n")
truth.close()

with open(os.path.join(out, "calls", "calls.csv"), "w", newline="", encoding="gbk", errors="replace") as f:
    w = csv.writer(f)
    w.writerow(["工单号", "主叫号码", "客户姓名", "技能组", "开始时间", "结束时间", "通话小结"])
    w.writerows(csv_rows)

with open(os.path.join(out, "channels.conf"), "w") as f:
    f.write("""[storage]
path = "state/complaints.sqlite"
[archive]
path = "state/archive"

[identity]
own_identities = ["+86 10 6552 8888", "@isp.example.cn"]

[[channel]]
name = "mail"
type = "email"
default_charset = "gb18030"

[[channel]]
name = "calls"
type = "call_log"
format = "mapped"
encoding = "gbk"
time_zone = "Asia/Shanghai"
default_country = "CN"
columns = { id = "工单号", caller_number = "主叫号码", caller_name = "客户姓名", start = "开始时间", end = "结束时间", queue = "技能组", notes = "通话小结" }

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
account = { to = "customer.account_id" }
message = { to = "body" }
""")
print(f"{seq} complaints of {len(persons)} persons -> {out}")
