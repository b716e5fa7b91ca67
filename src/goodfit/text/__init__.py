"""Reading ticket text: tone toward staff, resolution codes, knowledge-base matches, topics."""
