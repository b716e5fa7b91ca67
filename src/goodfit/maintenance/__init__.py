"""Looking after a project as a whole: erasing a customer, backups and restores."""
