"""CCHC: one-stop administrative procedures and administrative-reform steering."""
