SECTION = "Feedback"
NAV = [
    ("Family feedback", "feedback:overview", "feedback.view"),
    ("Comments to approve", "feedback:comments", "feedback.moderate"),
    ("MDT ratings", "feedback:meetings", "feedback.view"),
]
