"""The Alliance Management Maturity Model: its six areas and four levels (assets/framework/maturity.yaml),
the maturity.csv answers of a deal, and each side's profile."""
