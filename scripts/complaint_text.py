"""Complaint texts for the synthetic workloads (scripts/gen-dedup-corpus.py,
scripts/gen-workload.py): Chinese and English complaints built from topic
templates and filler pools, the variants a repeat goes through (retyped:
width, case, punctuation; lightly edited: greeting, sign-off, typo), and an
approximation of the gateway's dedup normalization to label them.

Every function draws from the module's random generator `r`; a generator sets
it (`complaint_text.r = random.Random(seed)`) so its output follows its seed.
"""
import datetime, random, unicodedata

r = random.Random(7)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬鹏辉宇浩凯健俊帆"
EN_FIRST = ["Amy", "Ben", "Chloe", "David", "Emma", "Frank", "Grace", "Henry", "Ivy", "Jack", "Kate", "Leo", "Mia", "Noah", "Olivia", "Peter"]
EN_LAST = ["Smith", "Brown", "Wilson", "Taylor", "Lee", "Martin", "Clark", "Walker", "Young", "King", "Wright", "Green"]
AREAS = ["幸福小区", "阳光花园", "东湖新村", "金桥公寓", "南山苑", "锦绣家园", "翠园", "滨江城", "龙湖名苑", "紫薇花园", "和平里", "建设新村"]
PRODUCTS = ["手机", "路由器", "电视盒子", "洗衣机", "空调", "笔记本电脑", "电饭煲", "耳机"]
EN_PRODUCTS = ["phone", "router", "TV box", "washing machine", "air conditioner", "laptop", "rice cooker", "headphones"]
SERVICES = ["宽带", "4G 套餐", "5G 套餐", "固定电话", "IPTV", "家庭网络"]


def amount():
    return r.choice([r.randrange(10, 999), r.randrange(1000, 9999)]) + r.choice([0, 0, 0.5, 0.8])


def fmt_amount(a):
    return f"{a:.2f}" if a != int(a) else str(int(a))


def date_in(t):
    d = t - datetime.timedelta(days=r.randrange(1, 20))
    return d.strftime("%Y-%m-%d")


# Each topic yields (text, facts) from slots; several sentences are drawn from
# pools so two customers with one topic still write different complaints.
def zh_complaint(t):
    topic = r.randrange(8)
    order = r.randrange(10**9, 10**10)
    a = fmt_amount(amount())
    d = date_in(t)
    svc = r.choice(SERVICES)
    prod = r.choice(PRODUCTS)
    area = r.choice(AREAS)
    body = {
        0: [f"我的{svc}从{d}开始就经常断线，晚上几乎无法使用。", f"{svc}网速特别慢，测速只有办理时承诺的十分之一。", f"家里的{svc}隔三差五断网，影响孩子上网课。"],
        1: [f"{d}的话费账单多扣了{a}元，我没有订购过任何增值业务。", f"本月账单比平时多出{a}元，客服说是流量费，但我根本没用那么多流量。", f"我在{d}被扣了{a}元的会员费，从来没有开通过这个服务。"],
        2: [f"订单{order}买的{prod}收到时外包装破损，机器无法开机。", f"{d}下单的{prod}（订单号{order}）到现在还没发货，催了好几次都没结果。", f"订单{order}的{prod}申请退货已经两周，退款{a}元一直没有到账。"],
        3: [f"{area}这周已经第三次停电了，每次都没有提前通知。", f"{area}的电压一直不稳，家里的电器已经烧坏了一台。", f"{d}抄表后电费突然涨到{a}元，比上个月多了一倍。"],
        4: [f"我在{d}去营业厅办理业务，工作人员态度非常差，还让我排了两个小时的队。", f"客服热线打了五次都没人接，好不容易接通又被挂断。", f"营业厅的工作人员推销{svc}时承诺的优惠，办理后全都不算数。"],
        5: [f"信用卡在{d}被盗刷{a}元，我人在家里，卡也一直在身边。", f"我的账户在{d}被莫名扣款{a}元，银行说查不到原因。", f"申请提前还款已经一个月，贷款利息还在照常扣，共多扣了{a}元。"],
        6: [f"安装师傅约好{d}上门，结果等了一天没人来，也没有任何电话。", f"维修人员上门后只看了五分钟就说修不了，还收了{a}元上门费。", f"{prod}保修期内坏了，售后要求我自己承担{a}元的维修费。"],
        7: [f"我的号码在{d}被无故停机，我并没有欠费。", f"更换套餐后原来的{svc}优惠被取消了，每个月多交{a}元。", f"携号转网一直被拒绝，理由是有未结清的合约，但合约早已到期。"],
    }[topic]
    extra = [
        "这个问题已经反映过好几次了。", "希望你们认真对待用户的投诉。", "我是你们十几年的老用户了。",
        "请给我一个明确的处理时间。", "家里老人和孩子都受到了影响。", "如果再不解决我只能向监管部门反映。",
        "客服每次都说会尽快处理，但一直没有下文。", "我已经保留了所有的截图和记录。", "这严重影响了我的正常工作和生活。",
        "请尽快安排专人联系我。", "要求赔偿我的损失。", "对你们的服务非常失望。",
    ]
    request = ["请尽快处理。", "请给我一个合理的解释。", "要求退还多收的费用。", "请尽快派人维修。", "希望尽快给我答复。"]
    parts = [r.choice(body)] + r.sample(extra, r.randrange(1, 4)) + [r.choice(request)]
    return "".join(parts), ("zh", topic)


def en_complaint(t):
    topic = r.randrange(6)
    order = r.randrange(10**6, 10**7)
    a = fmt_amount(amount())
    d = date_in(t)
    prod = r.choice(EN_PRODUCTS)
    body = {
        0: [f"My broadband keeps dropping every evening since {d} and is unusable for video calls.", f"Internet speed has been a fraction of what I pay for since {d}."],
        1: [f"My bill dated {d} charged me {a} for a roaming package I never ordered.", f"I was charged {a} twice for the same month, see the bill of {d}."],
        2: [f"Order {order} arrived on {d} with a cracked {prod} and the box crushed.", f"I returned the {prod} from order {order} on {d} and the refund of {a} never arrived."],
        3: [f"The technician booked for {d} never showed up and nobody called.", f"The repair visit on {d} cost me {a} and the {prod} still does not work."],
        4: [f"My card was charged {a} on {d} by a merchant I have never used.", f"The early repayment I made on {d} was not applied and interest of {a} was taken."],
        5: [f"Your hotline put me on hold for an hour on {d} and then hung up.", f"The staff at your store on {d} were rude and refused to help with my {prod}."],
    }[topic]
    extra = [
        "This is the third time I am reporting this.", "I have been a customer for over ten years.",
        "Nobody has called me back despite promises.", "I have kept all receipts and screenshots.",
        "This is affecting my work from home.", "I expect compensation for the trouble.",
        "Please escalate this to a manager.", "Your chat agent could not help at all.",
    ]
    request = ["Please fix this as soon as possible.", "I want a full refund.", "Please call me back today.", "I expect a written answer."]
    parts = [r.choice(body)] + r.sample(extra, r.randrange(1, 3)) + [r.choice(request)]
    return " ".join(parts), ("en", topic)


GREETINGS_ZH = ["您好，", "你好，", "客服您好：", "尊敬的客服，"]
SIGNOFF_ZH = ["谢谢！", "谢谢。", "麻烦了。", "盼复。"]
GREETINGS_EN = ["Hello, ", "Hi, ", "Dear support, ", "Good morning, "]
SIGNOFF_EN = [" Thanks.", " Thank you.", " Regards.", " Best regards."]
PUNCT_ZH = {"，": ",", "。": ".", "！": "!", "：": ":"}


def normalized(text):
    """What the gateway compares (DedupText.normalize, without quote trimming):
    NFKC, lower case, punctuation and symbols dropped, whitespace collapsed."""
    out, space = [], False
    for ch in unicodedata.normalize("NFKC", text).lower():
        if ch.isspace() or unicodedata.category(ch)[0] in "PS":
            space = bool(out)
            continue
        if space:
            out.append(" ")
            space = False
        out.append(ch)
    return "".join(out)


def copy_relation(copy, original):
    """A copy that normalizes to the original's text is a duplicate, else a near-duplicate."""
    return "duplicate" if normalized(copy) == normalized(original) else "near_duplicate"


def exact_variant(text, lang):
    """What changes between copies of one text without changing it: width,
    case, punctuation, spacing (the call centre retypes, a form strips)."""
    out = text
    if lang == "zh":
        if r.random() < 0.5:
            out = "".join(PUNCT_ZH.get(c, c) for c in out)
        if r.random() < 0.3:
            out = out.replace("。", "。 ")
    else:
        if r.random() < 0.4:
            out = out.upper() if r.random() < 0.2 else out.lower()
        if r.random() < 0.5:
            out = out.replace(". ", ".  ").replace(",", " ,")
    return out


def light_edit(text, lang):
    """A customer re-writing their complaint: one or two small edits."""
    out = text
    edits = r.sample(["greet", "sign", "typo", "drop", "punct"], r.randrange(1, 3))
    for e in edits:
        if e == "greet":
            out = (r.choice(GREETINGS_ZH) if lang == "zh" else r.choice(GREETINGS_EN)) + out
        elif e == "sign":
            out = out + (r.choice(SIGNOFF_ZH) if lang == "zh" else r.choice(SIGNOFF_EN))
        elif e == "typo":
            letters = [i for i, c in enumerate(out) if (c.isalpha() and not c.isascii()) or c.isalpha()]
            i = r.choice(letters)
            if lang == "zh":
                out = out[:i] + r.choice("的了是在我有他这中大来上") + out[i + 1:]
            else:
                out = out[:i] + out[i + 1:i + 2] + out[i:i + 1] + out[i + 2:]
        elif e == "drop":
            # Drop a short phrase (a filler the customer left out this time).
            for filler in ["已经", "一直", "非常", "really ", "still ", "all "]:
                if filler in out:
                    out = out.replace(filler, "", 1)
                    break
        elif e == "punct":
            out = out.replace("，", "、", 1) if lang == "zh" else out.replace(", ", " - ", 1)
    return out if out != text else out + ("谢谢" if lang == "zh" else " Thanks")


class Customer:
    """A customer: language, name, phone and mail address, drawn from `r`."""
    n = 0

    def __init__(self):
        Customer.n += 1
        self.id = Customer.n
        self.lang = "zh" if r.random() < 0.75 else "en"
        if self.lang == "zh":
            self.name = r.choice(SURNAMES) + "".join(r.sample(GIVEN, r.randrange(1, 3)))
        else:
            self.name = r.choice(EN_FIRST) + " " + r.choice(EN_LAST)
        self.phone = "1" + r.choice("3578") + "".join(r.choice("0123456789") for _ in range(9))
        self.email = f"user{self.id:07d}@example.{r.choice(['com', 'cn', 'net'])}"
        self.handle = f"user{self.id:07d}"
        self.linked = False  # has a web post carrying both email and phone
