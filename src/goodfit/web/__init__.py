"""The team's web app (goodfit serve): pages and a JSON API over the Project services."""
