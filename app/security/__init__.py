"""Security on the ground floor: the event log site admins read, and the site-wide
settings (second factor, how long things are kept) every domain may ask about."""
