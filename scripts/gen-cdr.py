#!/usr/bin/env python3
"""Writes a synthetic Asterisk Master.csv (cdr_csv layout) for benchmarks.

Seeded, so runs are comparable. Rows mix answered and unanswered calls,
Chinese and English notes (some quoted with commas, quotes and line breaks),
and queues, a third of them the complaints queue.

With --accountcodes K the accountcode column holds one of K trunk/tenant
codes, as multi-tenant PBXs and SIP trunks fill it (shared by every caller
on that trunk: not a customer identity).

usage: gen-cdr.py ROWS OUT.csv [--seed N] [--accountcodes K]
"""
import random
import sys
import time

NOTES = [
    "账单多扣了两次月费，要求退款",
    "宽带断网三天，\"客服\"一直没有回复，要求减免月租",
    "Router outage three days in a row, wants a refund",
    "Charged twice for order #{n}, asked for a callback",
    "信号差，通话经常中断\n已登记工单",
    "",
    "",
    "Meter reading wrong, bill 3x higher than usual, very angry",
]
QUEUES = ["complaints", "sales", "billing"]
DISPOSITIONS = ["ANSWERED", "ANSWERED", "ANSWERED", "NO ANSWER", "BUSY"]


def q(s):
    return '"' + s.replace('"', '""') + '"'


def main():
    rows = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 42
    codes = int(sys.argv[sys.argv.index("--accountcodes") + 1]) if "--accountcodes" in sys.argv else 0
    rnd = random.Random(seed)
    start = 1763600000
    with open(out, "w", encoding="utf-8", newline="") as f:
        for n in range(rows):
            t = start + n * 3
            caller = "1%d%09d" % (rnd.choice([3, 5, 8]), rnd.randrange(10**9))
            queue = rnd.choice(QUEUES)
            disp = rnd.choice(DISPOSITIONS)
            dur = rnd.randrange(5, 900)
            st = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
            an = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t + 5)) if disp == "ANSWERED" else None
            en = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t + dur))
            note = rnd.choice(NOTES).replace("{n}", str(n))
            account = "trunk-%02d" % (n % codes) if codes else ""
            fields = [q(account), q(caller), q("600"), q("from-pstn"), q('"Caller %d" <%s>' % (n, caller)),
                      q("SIP/trunk-%08x" % n), q("SIP/agent%d-%08x" % (n % 40, n)), q("Queue"),
                      q("%s,t,,,300" % queue), q(st), q(an) if an else "", q(en), str(dur),
                      str(max(0, dur - 5)), q(disp), q("DOCUMENTATION"), q("%d.%d" % (t, n)), q(note)]
            f.write(",".join(fields) + "\n")


if __name__ == "__main__":
    main()
