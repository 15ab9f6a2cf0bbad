"""The pages' forms, one module per area: they parse input and say in Vietnamese what is wrong."""
