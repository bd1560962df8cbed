SECTION = "MDT"
NAV = [
    ("MDT meetings", "mdt:meetings", "mdt.view"),
    ("Put a case forward", "mdt:put_forward", "mdt.put_forward"),
    ("My MDT actions", "mdt:my_actions", "mdt.view"),
]
