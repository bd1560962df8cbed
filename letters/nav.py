SECTION = "Letters"
NAV = [
    ("Letters not sent", "letters:not_sent", "letters.manage"),
]
