"""Obviously fictional names for the national data set: invented places, people and
organisations, each marked "(fictional)" where a page shows it."""

from __future__ import annotations

import random

PLACE_STARTS = ["Amber", "Bracken", "Cinder", "Dapple", "Elder", "Fern", "Gorse", "Heather",
                "Ivy", "Juniper", "Kestrel", "Larch", "Meadow", "Nettle", "Oak", "Pebble",
                "Quill", "Rowan", "Sorrel", "Thistle", "Umber", "Vale", "Willow", "Yarrow"]
PLACE_ENDS = ["shire", "ford", "moor", "dale", "wick", "combe"]
REGION_ENDS = ["Valley", "Downs", "Coast", "Marches", "Fells", "Wolds", "Levels", "Heath"]
FIRST_NAMES = ["Ada", "Bram", "Cleo", "Dev", "Edie", "Finn", "Gus", "Hana", "Ira", "Jude",
               "Kit", "Lena", "Milo", "Nia", "Otto", "Pip", "Quin", "Rae", "Sid", "Tess",
               "Uma", "Vic", "Wren", "Xan", "Yara", "Zac"]
SURNAMES = ["Placeholder", "Fakename", "Madeup", "Notreal", "Pretend", "Makebelieve",
            "Invented", "Imaginary", "Fictional", "Sample", "Example", "Dummy", "Standin",
            "Mockup", "Testcase", "Storybook"]
# Each partnership's own agencies, in the order they are made (and cycled through when a
# partnership has more than this): (name after the place, sector).
LOCAL_AGENCIES = [
    ("Children's Services", "la_childrens_services"),
    ("Hospitals NHS Trust", "health_provider"),
    ("Community Health: health visiting", "health_provider"),
    ("CAMHS", "health_provider"),
    ("Education Service", "education"),
    ("Probation Service", "probation"),
    ("Homes housing", "other"),
    ("Medical Practice", "health_provider"),
    ("Primary Academy", "education"),
    ("High School", "education"),
    ("Youth Justice Service", "other"),
    ("Family Support charity", "other"),
    ("Ambulance Service", "health_provider"),
    ("Adult Mental Health Service", "health_provider"),
    ("Early Years Nursery", "education"),
    ("Drug and Alcohol Service", "other"),
]
CONTACT_TYPES = ["Home visit", "Phone call", "Clinic appointment", "School meeting",
                 "Strategy discussion", "Hospital attendance", "Letter", "Missed appointment"]


def places(count: int) -> list[str]:
    """``count`` invented place names (up to 144), the same for the same count."""
    names = [f"{start}{end}" for end in PLACE_ENDS for start in PLACE_STARTS]
    if count > len(names):
        names += [f"{name} {n}" for n in range(2, count // len(names) + 2) for name in names]
    return names[:count]


def place_code(place: str) -> str:
    """A partnership code from its place: AMBSH for Ambershire (unique for ``places``)."""
    start = next(s for s in PLACE_STARTS if place.startswith(s))
    end = place[len(start):].split(" ")[0]
    number = place.split(" ")[1] if " " in place else ""
    return f"{start[:3]}{end[:2]}{number}".upper()


def regions(count: int) -> list[str]:
    names = [f"{start} {end}" for end in REGION_ENDS for start in PLACE_STARTS]
    return names[:count] + [f"{n} {i}" for i, n in enumerate(names, 2)][:max(0, count - len(names))]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
