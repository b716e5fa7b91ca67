"""The synthetic provider's knowledge base, and the questions each article answers.

Hand-holder tickets paraphrase one of an article's questions, so a matcher can be scored
against ground truth: the article that answers a documentation ticket is known.
"""

from __future__ import annotations

from dataclasses import dataclass

KB_URL = "https://help.examplehost.net/kb/"


@dataclass(frozen=True)
class Article:
    article_id: str
    title: str
    body: str
    tags: str
    questions: tuple[str, ...]  # how customers ask what the article answers


# (title, tags, steps, questions). "{product}" is filled per product family below.
_TOPICS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("How to reset the root password of your {product}", "password,root,login",
     ("Open the control panel and choose your {product}.",
      "Under Access, click Reset root password and confirm.",
      "The new password is e-mailed to the technical contact; log in over SSH and change it."),
     ("I forgot the root password for my {product}, how do I reset it?",
      "cant log in as root on the {product} anymore, lost the password",
      "how can I get a new root password for my {product}")),
    ("Reinstalling the operating system on your {product}", "reinstall,os,image",
     ("Back up your data first: a reinstall erases the disk.",
      "In the control panel open Rebuild, pick an image (Debian, Ubuntu, AlmaLinux, Windows).",
      "The reinstall takes about ten minutes; the root password is e-mailed when it is done."),
     ("how do I reinstall the OS on my {product}? want a clean ubuntu",
      "Can you wipe my {product} and put a fresh operating system on it?",
      "I'd like to switch my {product} from centos to debian, how do I rebuild it")),
    ("Connecting to your {product} with SSH", "ssh,login,keys",
     ("Use ssh root@your-ip from a terminal, or PuTTY on Windows.",
      "Add your public key under Access > SSH keys to log in without a password.",
      "If the connection times out, check the firewall rules for port 22."),
     ("How do I connect to my {product} over ssh? putty says connection refused",
      "what's the way to log into the {product} from windows",
      "where do I add my ssh public key for the {product}")),
    ("Upgrading or resizing your {product}", "upgrade,resize,plan",
     ("Open Billing > Upgrade and choose the new size.",
      "Disk resizes need a reboot; memory and CPU apply at the next restart.",
      "You are billed pro rata for the rest of the month."),
     ("How do I upgrade my {product} to a bigger plan?",
      "need more RAM on the {product}, can I resize it myself",
      "is it possible to move my {product} to a larger size without losing data")),
    ("Taking and restoring snapshots of your {product}", "snapshot,backup,restore",
     ("Open Snapshots and click Take snapshot; it is crash-consistent.",
      "To roll back, choose a snapshot and click Restore: the disk returns to that point.",
      "Snapshots are kept for 14 days."),
     ("how do I make a snapshot of my {product} before updating?",
      "Can I restore my {product} to how it was yesterday?",
      "where are the backups/snapshots of the {product}, need to roll back")),
    ("Rebooting a {product} that does not respond", "reboot,console,hang",
     ("Try a soft reboot from the control panel first.",
      "If it hangs, use Power > Hard reset.",
      "Open the web console to see boot messages if it still does not come up."),
     ("my {product} is frozen, how can I restart it myself?",
      "how do I do a hard reboot of the {product} from the panel",
      "is there a console to see why my {product} won't boot")),
    ("Setting up a firewall on your {product}", "firewall,security,ports",
     ("Open Network > Firewall and create a rule set.",
      "Allow ports 22, 80 and 443 and deny the rest; attach the set to your {product}.",
      "Rules apply within a minute."),
     ("how do I open port 443 on my {product}?",
      "Can I block all ports except ssh and web on the {product}",
      "where do I configure firewall rules for the {product}")),
    ("Pointing your domain to our name servers", "dns,nameservers,domain",
     ("At your registrar, replace the name servers with ns1.examplehost.net and "
      "ns2.examplehost.net.", "Changes take up to 24 hours to reach every resolver.",
      "Add the zone in DNS > Zones so we answer for it."),
     ("what nameservers do I set at my registrar for my domain?",
      "How do I point my domain to you, it still shows the old site",
      "I moved my domain, where do I change the name servers")),
    ("Adding an A, CNAME or MX record", "dns,records,a-record",
     ("Open DNS > Zones and choose the domain.",
      "Click Add record, pick the type (A, AAAA, CNAME, MX, TXT) and enter the value.",
      "Lower the TTL before a move so changes spread faster."),
     ("how do I add an A record for a subdomain?",
      "Need to create a CNAME for www, where is that in the panel",
      "how to change the MX record so mail goes to google")),
    ("Setting reverse DNS (PTR) for your IP address", "dns,rdns,ptr",
     ("Open Network > IP addresses and click the pencil next to the address.",
      "Enter the host name; it must resolve forward to the same IP.",
      "PTR changes are live within an hour."),
     ("how can I set the reverse DNS of my IP so mail isn't rejected?",
      "Please how do I change the PTR record for my server ip",
      "where do I set rDNS on my address")),
    ("Setting up SPF, DKIM and DMARC for your domain", "email,spf,dkim,dmarc",
     ("Add a TXT record v=spf1 include:_spf.examplehost.net ~all.",
      "Enable DKIM under Mail > Domains and publish the key it shows.",
      "Start DMARC with p=none and tighten it once reports look clean."),
     ("my emails land in spam, how do I set up SPF and DKIM?",
      "gmail says my mail is not authenticated, what DNS records do I need",
      "How do I add a DMARC record for my domain")),
    ("Configuring your e-mail client (IMAP and SMTP settings)", "email,imap,smtp,outlook",
     ("Incoming: IMAP mail.examplehost.net port 993 SSL.",
      "Outgoing: SMTP mail.examplehost.net port 587 STARTTLS with your full address as user.",
      "Use the mailbox password, not the control-panel password."),
     ("what are the imap and smtp settings for outlook?",
      "How do I set up my mailbox on my iphone, which server and port",
      "thunderbird won't send mail, what smtp port should I use")),
    ("Creating a mailbox and a forwarder", "email,mailbox,forwarder",
     ("Open Mail > Mailboxes and click New mailbox.",
      "For an alias, use Forwarders and enter the target address.",
      "Quota can be changed any time up to the plan limit."),
     ("how do I create a new email address for a new employee?",
      "Can I forward info@ to my gmail, how",
      "where do I add another mailbox on my hosting")),
    ("Mailbox full: raising the quota and cleaning up", "email,quota,storage",
     ("Open Mail > Mailboxes and raise the quota of the mailbox.",
      "Empty Trash and Spam, which count against the quota.",
      "Old mail can be archived with the export tool."),
     ("my mailbox says it is full, how do I get more space?",
      "Emails bounce with quota exceeded, what do I do",
      "how to increase the email quota")),
    ("Installing a free SSL certificate (Let's Encrypt)", "ssl,https,certificate",
     ("Open Websites > SSL and click Issue free certificate.",
      "The domain must already point to us; the certificate renews itself every 60 days.",
      "Turn on Force HTTPS to redirect visitors."),
     ("how do I get https / an ssl certificate on my site?",
      "browser says my website is not secure, how do I install a certificate",
      "is lets encrypt available and how do I switch it on")),
    ("Installing WordPress with one click", "wordpress,hosting,installer",
     ("Open Websites > Apps and choose WordPress.",
      "Pick the domain and folder; the installer creates the database for you.",
      "Log in at yourdomain/wp-admin with the details shown."),
     ("how can I install wordpress on my hosting?",
      "Is there an easy way to put WordPress on my domain",
      "where is the wordpress installer")),
    ("Creating a MySQL database and user", "database,mysql,hosting",
     ("Open Databases and click New database.",
      "Create a user, give it a password and grant it the database.",
      "Connect from your site with host localhost."),
     ("how do I create a mysql database for my app?",
      "Where do I make a new database user and password",
      "what is the database host name for my site")),
    ("Uploading files with SFTP", "sftp,ftp,upload,hosting",
     ("Use host sftp.examplehost.net port 22 with your hosting user.",
      "FileZilla and WinSCP both work; plain FTP is disabled for security.",
      "Your site lives in the public_html folder."),
     ("how do I upload my website files? ftp does not connect",
      "what are the sftp login details for my hosting",
      "which folder do I put my html files in")),
    ("Changing the PHP version of a site", "php,hosting,version",
     ("Open Websites, choose the site and open PHP settings.",
      "Pick the version (8.1, 8.2, 8.3) and save; it applies at once.",
      "Raise memory_limit on the same page if a plugin needs it."),
     ("how do I change php version to 8.2?",
      "my plugin needs a newer PHP, where do I switch it",
      "how can I raise php memory limit")),
    ("Understanding your invoice and billing date", "billing,invoice",
     ("Invoices are issued on the first of the month and are due within 14 days.",
      "Pro-rata charges appear when you upgrade mid-month.",
      "Download PDFs under Billing > Invoices."),
     ("why is my invoice higher this month?",
      "Where can I download my invoices as pdf for my accountant",
      "when is the invoice due, what date do you charge")),
    ("Updating your payment method", "billing,card,payment",
     ("Open Billing > Payment methods and add the new card.",
      "Set it as default; the old card can then be removed.",
      "Failed payments are retried after three days."),
     ("how do I change the credit card you charge?",
      "My card expired, where do I add a new one",
      "can I pay by paypal instead of card")),
    ("How long does provisioning take after payment?", "billing,provisioning,activation",
     ("Most services are active within 15 minutes of payment.",
      "Payments by bank transfer are matched within one working day.",
      "Orders flagged for fraud review can take up to four hours."),
     ("I paid, how long until my server is ready?",
      "When will my order be activated after payment",
      "how long does setup take for a new vps")),
    ("Cancelling a service", "billing,cancel",
     ("Open Billing > Services and click Request cancellation.",
      "Choose end of billing period or immediate.",
      "Back up your data: it is deleted seven days after cancellation."),
     ("how do I cancel one of my services?",
      "I want to stop the storage plan at the end of the month, how",
      "where is the cancel button")),
    ("Adding a user to your account", "account,users,access",
     ("Open Account > Users and invite the person by e-mail.",
      "Choose a role: billing, technical or full access.",
      "Each person logs in with their own password and two-factor code."),
     ("how do I give my developer access to the control panel?",
      "Can I add a second login for my accountant",
      "how to add another contact to my account")),
    ("Turning on two-factor authentication", "account,2fa,security",
     ("Open Account > Security and click Enable two-factor.",
      "Scan the QR code with an authenticator app and enter the code.",
      "Store the recovery codes somewhere safe."),
     ("how do I enable 2fa on my account?",
      "lost my phone with the authenticator, how do I log in",
      "where do I switch on two factor")),
    ("Mounting your object storage bucket", "storage,s3,bucket",
     ("Create an access key under Storage > Keys.",
      "Use any S3 client with endpoint s3.examplehost.net.",
      "rclone mount works for a local folder."),
     ("how do I connect to my storage plan with s3 tools?",
      "What endpoint and keys do I use for the storage bucket",
      "can I mount the storage as a drive")),
    ("Checking your bandwidth and storage usage", "usage,bandwidth,storage",
     ("Open Usage to see egress and storage per day.",
      "Allowances reset on the first of each month.",
      "Egress beyond the allowance is billed per GB."),
     ("where can I see how much bandwidth I used?",
      "How much traffic is included in my plan",
      "am I going over my storage limit")),
)

_PRODUCTS: tuple[tuple[str, str], ...] = (("VPS", "vps"), ("dedicated server", "dedicated"))
# Topics that exist per server product: the same task differs between a VPS and a server.
_PER_PRODUCT = 7


def build_articles() -> list[Article]:
    """The knowledge base (about 55 articles); fixed, so it does not depend on the seed."""
    articles: list[Article] = []

    def add(title: str, tags: str, steps: tuple[str, ...], questions: tuple[str, ...],
            product: str) -> None:
        n = len(articles) + 1
        fill = {"product": product}
        body = (title.format(**fill) + ".\n\n" +
                "\n".join(f"{i}. {s.format(**fill)}" for i, s in enumerate(steps, 1)) +
                "\n\nStill stuck? Open a ticket and quote this article's number.")
        articles.append(Article(f"KB-{n:03d}", title.format(**fill), body, tags,
                                tuple(q.format(**fill) for q in questions)))

    for i, (title, tags, steps, questions) in enumerate(_TOPICS):
        if i < _PER_PRODUCT:
            for product, tag in _PRODUCTS:
                add(title, f"{tag},{tags}", steps, questions, product)
        else:
            add(title, tags, steps, questions, "service")
    # Short release notes and policy pages: articles that answer no customer question.
    for j, (title, tags) in enumerate((
            ("Acceptable use policy", "policy,abuse"),
            ("Our data centres and network", "network,datacenter"),
            ("Scheduled maintenance windows", "maintenance,network"),
            ("Support hours and response times", "support,sla"),
            ("Service level agreement", "sla,uptime"),
            ("Privacy and data processing", "policy,gdpr"),
            ("Refund policy", "billing,refund,policy"),
            ("What counts as a custom setup", "orders,custom,policy"),
            ("Ordering through the self-service form", "orders,self-service"),
            ("Status page and incident notifications", "status,network,incident"),
            ("Choosing between shared hosting and a VPS", "sales,vps,hosting"),
            ("Migrating your site to us", "migration,hosting"),
            ("Windows licences on servers", "licence,windows"),
            ("IPv6 on our network", "network,ipv6"),
            ("Backups we take for you", "backup,policy"),
            ("Abuse reports and how we handle them", "abuse,policy"),
    ), 1):
        n = len(articles) + 1
        articles.append(Article(f"KB-{n:03d}", title,
                                f"{title}.\n\nThis page explains our {tags.split(',')[0]} "
                                f"arrangements. Section {j}: details, limits and contacts.",
                                tags, ()))
    return articles


def article_url(article_id: str) -> str:
    return KB_URL + article_id.lower()
