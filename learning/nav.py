from hubs.access import may_keep_record

SECTION = "Learning"
NAV = [
    ("Learning library", "learning:library", "learning.view"),
    ("My CPD record", "learning:cpd", may_keep_record),
]
