"""The complaint pages of the complaints app (filing, the reporter's pages, the staff pages); the public list,
map and statistics live in ``balai.complaints.public``."""
