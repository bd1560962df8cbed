SECTION = "Reports"
NAV = [("Evaluation reports", "evaluation:list", "report.view")]
