SECTION = "Champions"
NAV = [
    ("Practice champions", "champions:index", "champions.view"),
    ("My volunteering", "champions:me", "champions.self"),
]
