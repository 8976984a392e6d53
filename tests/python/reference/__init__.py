"""Reference implementations the fast code is checked against (slow, plainly written)."""
