"""Configure the test site: an admin account, a queue and an 'organisation' custom field.

Run as ``python -m tests.connectors.helpdesk_site.bootstrap USER PASSWORD`` after migrate.
This is the site's configuration (done in django-helpdesk's admin by a real provider);
the data itself (tickets, follow-ups) is created through the REST API by the test.
"""

import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from helpdesk.models import CustomField, Queue  # noqa: E402

user, password = sys.argv[1], sys.argv[2]
get_user_model().objects.create_superuser(user, f"{user}@provider.example", password)
Queue.objects.create(title="Support", slug="support", allow_public_submission=False)
CustomField.objects.create(name="organisation", label="Organisation", data_type="varchar",
                           max_length=100, required=False, staff_only=False)
print("ok")
