SECTION = "Learning and CPD"
NAV = [
    ("Learning library", "learning:library", "learning.view"),
    ("My CPD record", "learning:cpd", "learning.view"),
]
