SECTION = "Clinics"
NAV = [
    ("Outreach clinics", "clinics:session_list", "clinic.view"),
    ("Clinic waiting list", "clinics:waiting_list", "clinic.view"),
    ("Not-brought follow-ups", "clinics:follow_up_list", "clinic.view"),
]
