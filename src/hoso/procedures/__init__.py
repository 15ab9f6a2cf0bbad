"""Personnel procedures as data-defined workflows, each step signed and clocked (R-ONLINE-100)."""
