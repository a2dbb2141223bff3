"""The post-event report for the organiser: one list of section builders, as a page and a PDF."""
