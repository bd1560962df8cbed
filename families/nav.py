SECTION = "Families"
NAV = [
    ("Family replies", "families:replies", "family.messages"),
    ("Messages to families", "families:outbox", "family.messages"),
]
