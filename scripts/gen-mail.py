#!/usr/bin/env python3
"""Writes a seeded, realistic mail workload for the email channel.

    scripts/gen-mail.py mbox OUT.mbox --bytes N      an mbox of about N bytes
    scripts/gen-mail.py eml OUTDIR --count N          N .eml files

Messages mix Chinese and English complaints in UTF-8, GB2312, GBK, GB18030
and Big5; base64, quoted-printable and 8bit bodies; RFC 2047 subjects and
names; plain, HTML-only and multipart/alternative bodies; replies with
quoted text; and about one in five with a binary attachment (1-40 KB).
"""
import base64, quopri, random, sys, os

ZH = ["我家的宽带从昨天晚上开始一直断线，工单号{n}，请尽快派人维修。",
      "本月电费账单金额{n}元，比上个月高出三倍，请核实电表读数。",
      "银行卡在超市被冻结，客服电话一直打不通，订单号{n}。",
      "快递显示已签收但我没有收到包裹，运单号{n}，要求退款。",
      "小区停水已经两天，物业说是供水公司的问题，户号{n}。"]
EN = ["My broadband has been dropping every evening since Monday, ticket {n}. Please send an engineer.",
      "This month's bill is {n} dollars, three times the usual amount. Please check the meter reading.",
      "My card was blocked at the supermarket again and nobody answers the phone, reference {n}.",
      "The parcel {n} is marked delivered but I never received it. I want a refund.",
      "There has been no water in our building for two days, account {n}."]
CHARSETS_ZH = ["utf-8", "gb2312", "gbk", "gb18030", "big5"]
NAMES_ZH = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]
NAMES_EN = ["Alice Brown", "Bob Smith", "Carol White", "David Green"]

def encoded_word(text, charset):
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset_codec(charset), errors="replace")).decode())

def charset_codec(c):
    return {"gb2312": "gbk", "big5": "big5"}.get(c, c)

def to_charset_text(text, charset):
    if charset == "big5":
        # Big5 has traditional characters; convert the few we use.
        table = str.maketrans("宽带从开线单请尽派维修电账额岁比个读数银卡冻结话订显签没运号区停两说题户为们费这时间过里应该钱后发现问态务对处理陈杨刘伟张静诉递", "寬帶從開線單請盡派維修電賬額歲比個讀數銀卡凍結話訂顯簽沒運號區停兩說題戶為們費這時間過裡應該錢後發現問態務對處理陳楊劉偉張靜訴遞")
        return text.translate(table)
    return text

def message(rng, i, story=None):
    """One message. With `story` (lang, text, name, email, message_id, date),
    the complaint is that text from that sender; otherwise a random one."""
    zh = story["lang"] == "zh" if story else rng.random() < 0.6
    n = rng.randint(10000, 99999999)
    if zh:
        charset = rng.choice(story.get("charsets", CHARSETS_ZH) if story else CHARSETS_ZH)
        text = to_charset_text(story["text"] if story else rng.choice(ZH).format(n=n), charset)
        name = to_charset_text(story["name"] if story else rng.choice(NAMES_ZH), charset)
        subject = to_charset_text("投诉：" + text[:12], charset)
        paragraphs = [text] + ([] if story else [to_charset_text(rng.choice(ZH).format(n=rng.randint(1, 999999)), charset) for _ in range(rng.randint(2, 12))])
    else:
        charset = rng.choice(["utf-8", "us-ascii", "iso-8859-1"])
        text = story["text"] if story else rng.choice(EN).format(n=n)
        name = story["name"] if story else rng.choice(NAMES_EN)
        subject = "Complaint: " + text[:30]
        paragraphs = [text] + ([] if story else [rng.choice(EN).format(n=rng.randint(1, 999999)) for _ in range(rng.randint(2, 12))])
    codec = charset_codec(charset) if charset not in ("us-ascii",) else "ascii"
    body = "\r\n\r\n".join(paragraphs)
    if rng.random() < 0.3:
        body += "\r\n\r\n-----Original Message-----\r\nFrom: support@example.com\r\nSent: Monday\r\nSubject: RE: ticket\r\n\r\n" + "> We received your request.\r\n" * rng.randint(2, 20)
    email = story["email"] if story else "customer%d@example.%s" % (rng.randint(1, 50000), "cn" if zh else "com")
    headers = [
        "From: %s <%s>" % (encoded_word(name, charset) if zh else '"%s"' % name, email),
        "To: complaints@company.example",
        "Subject: %s" % (encoded_word(subject, charset) if zh else subject),
        "Date: %s" % story["date"] if story else "Date: %s, %02d Nov 2026 %02d:%02d:%02d +0800" % (rng.choice(["Mon", "Tue", "Wed"]), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
        "Message-ID: <%s>" % story["message_id"] if story else "Message-ID: <gen-%d-%d@mail.example>" % (i, n),
        "MIME-Version: 1.0",
    ]
    def text_part(content_type, text):
        raw = text.encode(codec, errors="replace")
        if rng.random() < 0.5:
            enc, payload = "base64", base64.encodebytes(raw).replace(b"\n", b"\r\n")
        else:
            enc, payload = "quoted-printable", quopri.encodestring(raw).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        head = "Content-Type: %s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n" % (content_type, charset, enc)
        return head.encode() + payload
    html = "<html><body>" + "".join("<p>%s</p>" % p for p in body.split("\r\n\r\n")) + "</body></html>"
    kind = rng.random()
    if kind < 0.5:
        main = text_part("text/plain", body)
    elif kind < 0.65:
        main = text_part("text/html", html)
    else:
        main = (b"Content-Type: multipart/alternative; boundary=\"alt-%d\"\r\n\r\n--alt-%d\r\n" % (i, i) + text_part("text/plain", body)
                + b"\r\n--alt-%d\r\n" % i + text_part("text/html", html) + b"\r\n--alt-%d--\r\n" % i)
    if rng.random() < 0.2:
        attachment = rng.randbytes(rng.randint(1000, 40000))
        filename = encoded_word("照片%d.jpg" % i, "utf-8") if zh else "photo%d.jpg" % i
        mixed = (b"Content-Type: multipart/mixed; boundary=\"mix-%d\"\r\n\r\n--mix-%d\r\n" % (i, i) + main
                 + b"\r\n--mix-%d\r\nContent-Type: image/jpeg; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" % (i, filename.encode(), filename.encode())
                 + base64.encodebytes(attachment).replace(b"\n", b"\r\n") + b"--mix-%d--\r\n" % i)
        main = mixed
    return ("\r\n".join(headers) + "\r\n").encode() + main

def main():
    mode, out = sys.argv[1], sys.argv[2]
    args = dict(zip(sys.argv[3::2], sys.argv[4::2]))
    rng = random.Random(int(args.get("--seed", "7")))
    if mode == "mbox":
        limit = int(args.get("--bytes", str(50 << 20)))
        written = count = 0
        with open(out, "wb") as f:
            while written < limit:
                m = message(rng, count).replace(b"\r\n", b"\n")
                # mboxrd: escape From lines in the body.
                m = b"\n".join(b">" + line if line.lstrip(b">").startswith(b"From ") else line for line in m.split(b"\n"))
                chunk = b"From customer@example.com Mon Nov  2 10:00:00 2026\n" + m + b"\n"
                f.write(chunk)
                written += len(chunk)
                count += 1
        print(f"{count} messages, {written / 2**20:.1f} MiB -> {out}")
    else:
        n = int(args.get("--count", "10000"))
        os.makedirs(out, exist_ok=True)
        total = 0
        for i in range(n):
            m = message(rng, i)
            total += len(m)
            with open(os.path.join(out, "%06d.eml" % i), "wb") as f:
                f.write(m)
        print(f"{n} messages, {total / 2**20:.1f} MiB -> {out}")

if __name__ == "__main__":
    main()
