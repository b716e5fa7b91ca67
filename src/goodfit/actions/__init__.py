"""Actions with a person in the loop: goodfit drafts, people approve, goodfit executes."""
