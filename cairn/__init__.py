"""Cairn: fixed-price contracts, milestones and escrow in the terminal."""
