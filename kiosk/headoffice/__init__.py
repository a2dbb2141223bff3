"""Head office: many events and their venues in one database."""
