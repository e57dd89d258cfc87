#!/usr/bin/env python3
"""Write N synthetic host schools into a site root, with a fixed seed.

usage: bench/synth.py N ROOT

ROOT gets content/site.toml and content/pages/ copied from the repository,
themes/ linked to the repository's, and N content/hosts/*.md entries with a
realistic field mix: every region, phase, type and focus area; 300-500 word
Markdown bodies with headings, lists and an internal link; 1-6 visits in the
2027/28 school year. The same N always gives the same files.
"""
import os
import datetime
import random
import shutil
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

REGIONS = {
    "north-east": [("Newcastle upon Tyne", "NE"), ("Sunderland", "SR"), ("Durham", "DH")],
    "north-west": [("Bolton", "BL"), ("Manchester", "M"), ("Preston", "PR")],
    "yorkshire-and-the-humber": [("Leeds", "LS"), ("Sheffield", "S"), ("Hull", "HU")],
    "east-midlands": [("Nottingham", "NG"), ("Leicester", "LE"), ("Derby", "DE")],
    "west-midlands": [("Birmingham", "B"), ("Coventry", "CV"), ("Wolverhampton", "WV")],
    "east-of-england": [("Norwich", "NR"), ("Ipswich", "IP"), ("Chelmsford", "CM")],
    "london": [("Lambeth", "SE"), ("Hackney", "E"), ("Ealing", "W")],
    "south-east": [("Brighton and Hove", "BN"), ("Reading", "RG"), ("Southampton", "SO")],
    "south-west": [("Bristol", "BS"), ("Plymouth", "PL"), ("Exeter", "EX")],
}
PHASES = ["nursery", "primary", "primary", "primary", "secondary", "secondary", "all-through", "post-16"]
TYPES = ["community", "voluntary-aided", "voluntary-controlled", "foundation", "academy", "free-school", "special", "alternative-provision"]
FOCUS = ["narrowing-the-gap", "sustainability", "assessment-data", "writing-ks2", "school-budgets"]
FIRST = ["Oak", "Brook", "Mill", "Church", "Hill", "Park", "River", "Castle", "Green", "Meadow", "Bridge", "Elm", "Ash", "Willow", "Station"]
SECOND = ["Lane", "Field", "Side", "View", "Road", "Vale", "Rise", "Gate", "End", "Wood"]
KIND = {"nursery": "Nursery School", "primary": "Primary School", "secondary": "Academy", "all-through": "School", "post-16": "Sixth Form College"}
AUDIENCES = ["Headteachers and senior leaders", "English leads and Year 5 and 6 teachers", "School business managers and governors",
             "Pupil premium leads", "Assessment leads and deputy headteachers", "Sustainability leads and teachers of any subject", None]
SENTENCES = [
    "Just over half of our pupils are eligible for the pupil premium, and many arrive with speech and language below what is typical for their age.",
    "What changed was consistency: every class follows the same sequence, taught from the front, with short daily practice.",
    "Teachers moderate together every half term, and the results of that moderation decide what we teach next.",
    "Our governors see the same evidence as leaders, and they ask hard questions about what the money buys.",
    "We stopped two interventions last year because they were not working, and we say so openly to visitors.",
    "Pupils rehearse sentences aloud before they write them, and each unit has a vocabulary list staff use in other lessons.",
    "The eco-council runs an energy audit each term and reports to the whole school in assembly.",
    "Question-level analysis takes a morning, not a week, because we only collect what we will act on.",
    "Budget planning starts from the curriculum we want, then the staffing that delivers it, then everything else.",
    "Visitors will watch lessons in small groups with a member of staff, then look at books across a full unit.",
    "Attendance work comes under the same heading: our family support worker phones home before half past nine.",
    "We keep groups small so that classes carry on as normal, and we ask visitors not to photograph pupils.",
    "The main building is on one level, with an accessible toilet near reception and parking for visitors.",
    "Our English lead will talk you through how the approach was introduced, which parts staff pushed back on, and what we dropped.",
    "Procurement is shared with three neighbouring schools, which saves money and, more importantly, time.",
]


def body(rng, region):
    words = 0
    target = rng.randint(300, 500)
    parts = []
    headings = ["What makes the practice work", "What visitors will see", "How the day runs", "Practical details"]
    h = 0
    para = []
    while words < target:
        s = rng.choice(SENTENCES)
        para.append(s)
        words += len(s.split())
        if len(para) >= rng.randint(3, 5):
            parts.append(" ".join(para))
            para = []
            if h < len(headings) and rng.random() < 0.5:
                parts.append("## " + headings[h])
                h += 1
    if para:
        parts.append(" ".join(para))
    parts.append("- 09:00 arrival and welcome\n- 09:20 lesson visits in small groups\n- 12:30 questions with leaders")
    parts.append(f"See [how visits work](/how-visits-work/) and other hosts in [this region](/regions/{region}/).")
    return "\n\n".join(parts) + "\n"


def host(rng, i):
    region = rng.choice(sorted(REGIONS))
    town, area = rng.choice(REGIONS[region])
    phase = rng.choice(PHASES)
    name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {KIND[phase]} {i}"
    slug = f"host-{i:05d}"
    urn = f"{200000 + i:06d}"
    postcode = f"{area}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    focus = sorted(rng.sample(FOCUS, rng.randint(1, 3)))
    lines = [
        "+++",
        f'name = "{name}"',
        f'urn = "{urn}"',
        f'phase = "{phase}"',
        f'school_type = "{rng.choice(TYPES)}"',
        f'region = "{region}"',
        f'local_authority = "{town}"',
        f'town = "{town}"',
        f'postcode = "{postcode}"',
    ]
    if rng.random() < 0.8:
        lines.append(f'website = "https://www.{slug}.example.sch.uk"')
    if rng.random() < 0.9:
        lines.append(f"pupils = {rng.randint(40, 1800)}")
    lines.append(f'summary = "{"An" if phase[0] in "aeiou" else "A"} {phase} school in {town} with strong practice in {focus[0].replace("-", " ")}."')
    lines.append("focus = [" + ", ".join(f'"{f}"' for f in focus) + "]")
    lines.append(f"added = 2026-{rng.randint(1, 8):02d}-{rng.randint(1, 28):02d}")
    days = sorted(rng.sample(range(0, 300), rng.randint(1, 6)))
    used = set()
    for d in days:
        # 2027-09-06 plus d days, moved off weekends and off dates taken
        # (two visits on one date and time would share a default id).
        date = datetime.date(2027, 9, 6) + datetime.timedelta(days=d)
        while date.weekday() >= 5 or date in used:
            date += datetime.timedelta(days=1)
        used.add(date)
        start = rng.choice(["09:00", "09:15", "09:30", "13:00"])
        end = "12:00" if start < "12:00" and rng.random() < 0.3 else "15:30"
        lines += ["", "[[visits]]", f"date = {date.isoformat()}", f'start = "{start}"', f'end = "{end}"', f"places = {rng.randint(4, 20)}"]
        if rng.random() < 0.5:
            lines.append(f'focus = ["{rng.choice(focus)}"]')
        aud = rng.choice(AUDIENCES)
        if aud:
            lines.append(f'audience = "{aud}"')
    lines.append("+++")
    lines.append("")
    return slug, "\n".join(lines) + "\n" + body(rng, region)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, root = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20271)
    hosts_dir = os.path.join(root, "content", "hosts")
    if os.path.exists(os.path.join(root, "content")):
        shutil.rmtree(os.path.join(root, "content"))
    os.makedirs(hosts_dir)
    shutil.copy(os.path.join(REPO, "content", "site.toml"), os.path.join(root, "content", "site.toml"))
    shutil.copytree(os.path.join(REPO, "content", "pages"), os.path.join(root, "content", "pages"))
    themes = os.path.join(root, "themes")
    if not os.path.exists(themes):
        os.symlink(os.path.join(REPO, "themes"), themes)
    for i in range(1, n + 1):
        slug, text = host(rng, i)
        # Visits on the same date would collide on their default ids.
        with open(os.path.join(hosts_dir, slug + ".md"), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
