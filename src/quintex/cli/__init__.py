"""The `quintex` command: the composition root that wires everything together."""
