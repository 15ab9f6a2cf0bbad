"""The national population database: its connector and a simulator of it (R-POPULATION)."""
