"""League organisation: branches, membership, organisations contacted, meetings, the 22 measures."""
