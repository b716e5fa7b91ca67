"""Record a customer's e-mailed reply, as django-helpdesk's e-mail importer does.

``python -m tests.connectors.helpdesk_site.customer_reply TICKET_ID TEXT`` prints the
follow-up's id and date. The REST API cannot do this: it attributes every follow-up to
the staff account that calls it.
"""

import sys

import django

django.setup()

from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Ticket  # noqa: E402

ticket = Ticket.objects.get(id=int(sys.argv[1]))
f = FollowUp.objects.create(ticket=ticket, date=timezone.now(), comment=sys.argv[2],
                            public=True, title="E-Mail Received from " + ticket.submitter_email)
print(f.id, f.date.isoformat())
