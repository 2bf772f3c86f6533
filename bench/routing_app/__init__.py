"""Django pieces of bench/routing.py: one view served with and without tenant routing."""
