#!/usr/bin/env python3
"""Writes Tests/Fixtures/privacy/phone-numbers.tsv: valid phone numbers of the
regions PhoneNumberRules names, in every format libphonenumber writes them,
for PIIMaskCorpusTests (which adds the presentations: full width, dots,
spaced dashes, after a date or a time, inside Chinese text).

Needs `pip install phonenumbers` (Google's libphonenumber metadata, as Python).
Seeded: the same file every run.   scripts/gen-phone-corpus.py [PER_TYPE]
"""
import random
import sys

import phonenumbers
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

REGIONS = ["CN", "HK", "MO", "TW", "SG", "US", "CA", "GB"]
TYPES = {"mobile": T.MOBILE, "fixed_line": T.FIXED_LINE, "toll_free": T.TOLL_FREE}
FORMATS = {"e164": F.E164, "international": F.INTERNATIONAL, "national": F.NATIONAL, "rfc3966": F.RFC3966}


def numbers(region, kind, count, rng):
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return []
    nsn = str(example.national_number)
    found, tries = {nsn}, 0
    while len(found) < count and tries < count * 200:
        tries += 1
        keep = rng.randint(1, min(3, len(nsn) - 1))
        candidate = nsn[:keep] + "".join(rng.choice("0123456789") for _ in nsn[keep:])
        number = phonenumbers.parse("+%d%s" % (example.country_code, candidate))
        if phonenumbers.is_valid_number_for_region(number, region) and phonenumbers.number_type(number) in (kind, T.FIXED_LINE_OR_MOBILE):
            found.add(candidate)
    return [phonenumbers.parse("+%d%s" % (example.country_code, n)) for n in sorted(found)]


def main():
    per_type = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    rng = random.Random(44)
    out = ["# region\ttype\tformat\ttext\tnational_number  (scripts/gen-phone-corpus.py, phonenumbers %s)" % phonenumbers.__version__]
    for region in REGIONS:
        for kind_name, kind in TYPES.items():
            for number in numbers(region, kind, per_type, rng):
                for format_name, fmt in FORMATS.items():
                    text = phonenumbers.format_number(number, fmt)
                    out.append("\t".join([region, kind_name, format_name, text, str(number.national_number)]))
    with open("Tests/Fixtures/privacy/phone-numbers.tsv", "w") as f:
        f.write("\n".join(out) + "\n")
    print("%d numbers" % (len(out) - 1))


if __name__ == "__main__":
    main()
