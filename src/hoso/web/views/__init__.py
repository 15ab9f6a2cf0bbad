"""Pages: thin adapters that parse the request, call a selector through the gate, render."""
