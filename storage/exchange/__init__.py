"""``cairn export`` and ``cairn import``: the JSON dump and restore, and the CSV and ICS views."""
