SECTION = "Advice"
NAV = [
    ("Advice queue", "advice:queue", "advice.answer"),
    ("Ask for advice", "advice:ask", "advice.ask"),
    ("My advice requests", "advice:mine", "advice.ask"),
    ("Advice rota", "advice:rota", "advice.view"),
]
