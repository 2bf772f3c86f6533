"""Schools, school years and classes of a commune, and who belongs to them."""
