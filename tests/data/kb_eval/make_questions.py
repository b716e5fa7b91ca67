"""Writes questions.csv from the hand-written customer questions below (source of truth).

Each question is phrased the way a customer writes a ticket, deliberately avoiding the
article title's wording where a customer would; the right article is the last field.
"""
import csv
from pathlib import Path

Q = [
# KB-01 mail client setup
("Outlook keeps asking for password", "I added my work address in Outlook but it keeps popping up the password box and won't send. What server do I put in?", "KB-01"),
("email on iphone", "how do i get my company mails on my iPhone? which incoming and outgoing server and port?", "KB-01"),
("Thunderbird settings", "Setting up Thunderbird for info@ourshop - IMAP or POP and what ports?", "KB-01"),
("Can't send mail from my Android", "Receiving works on my Samsung but sending fails. Which SMTP port should I use, 465 or 587?", "KB-01"),
# KB-02 nameservers
("Moving my domain DNS to you", "My domain is with GoDaddy. What do I change there so the site shows your hosting?", "KB-02"),
("site still shows old page", "I changed the nameservers yesterday and still see the old website from the previous company. How long does it take?", "KB-02"),
("what are your NS", "Which name servers do I enter at my registrar?", "KB-02"),
("Domain not connected", "I bought hosting but my domain registered at Namecheap is not connected to it yet. How do I link them?", "KB-02"),
# KB-03 FTP password
("Filezilla 530 login incorrect", "FileZilla says 530 Login incorrect when I connect, I think I forgot the password.", "KB-03"),
("forgot ftp login", "I can't remember the password to upload files by FTP. Can I set a new one?", "KB-03"),
("SFTP credentials", "Which port and user do I use for SFTP and how do I change its password?", "KB-03"),
# KB-04 PHP version
("Plugin needs newer PHP", "My theme says it requires PHP 8.1 but my site is on 7.4. How do I switch?", "KB-04"),
("switch php to 8.3", "Can I run one site on php 8.3 and another older one on 7.4?", "KB-04"),
("Update PHP", "WordPress health check warns my PHP is outdated. Where do I change that?", "KB-04"),
# KB-05 SSL
("Browser says not secure", "Chrome shows 'Not secure' next to my address. How do I get the padlock?", "KB-05"),
("Need a certificate for https", "Do you provide certificates for https or do I have to buy one?", "KB-05"),
("Your connection is not private", "Visitors get a 'your connection is not private' warning on our new domain.", "KB-05"),
("lets encrypt renewal", "Does the free certificate renew by itself or do I need to redo it every 3 months?", "KB-05"),
# KB-06 MySQL
("new database for my app", "I need a MySQL database and a user with full rights for a PHP application. How?", "KB-06"),
("import sql dump", "I have a .sql export from my old server, where can I import it? Is there phpMyAdmin?", "KB-06"),
("DB host and port", "What hostname and port do I use to connect to MariaDB from my code?", "KB-06"),
# KB-07 backup restore
("Deleted a folder by mistake", "I accidentally removed the images folder of my site yesterday. Can I get it back myself?", "KB-07"),
("Roll back my website", "A plugin update broke everything. Can I go back to how the site was two days ago?", "KB-07"),
("How long do you keep backups", "How many days of copies do you keep and can I recover a single file?", "KB-07"),
("recover old email", "Can I get back emails I deleted from my mailbox last week?", "KB-07"),
# KB-08 root password
("Lost root password", "I forgot the root password of my virtual server and can't log in.", "KB-08"),
("can't login to vps as root", "Root login fails with wrong password on my cloud server, how do I set a new one?", "KB-08"),
("reset server admin password", "Need to reset the admin password on my Linux VPS, the previous admin left.", "KB-08"),
# KB-09 SSH keys
("Permission denied (publickey)", "When I ssh into my server I get Permission denied (publickey).", "KB-09"),
("Add my colleague's key", "How do I give a new developer access to the server with his public key?", "KB-09"),
("Login without password", "I want to use key-based login instead of a password for SSH. How do I set it up?", "KB-09"),
# KB-10 subdomain
("blog.mydomain.com", "I'd like to run a blog at blog.mydomain.com separately from the main site.", "KB-10"),
("Separate site on shop prefix", "Can I make shop.example.com point to a different folder?", "KB-10"),
("create sub domain", "how to add a sub domain for a staging copy of my site", "KB-10"),
# KB-11 forwarding
("Send my mails to gmail", "I want everything sent to contact@mysite to arrive in my personal Gmail.", "KB-11"),
("alias for sales@", "Can sales@ and info@ both go to the same inbox without creating two mailboxes?", "KB-11"),
("catch all address", "Is it possible to receive mail sent to any address at my domain, even typos?", "KB-11"),
# KB-12 spam/SPF/DKIM
("Our emails go to junk", "Customers tell us our newsletters and invoices end up in their junk folder.", "KB-12"),
("Gmail rejects our mail", "Gmail bounces our messages saying the sender is unauthenticated. What records do we need?", "KB-12"),
("DKIM setup", "How do I enable DKIM signing and what should my SPF record look like?", "KB-12"),
("Mail marked as spam by Outlook", "Everything we send to Hotmail and Outlook.com addresses lands in spam.", "KB-12"),
# KB-13 upload limit
("upload_max_filesize error", "The uploaded file exceeds the upload_max_filesize directive in php.ini - how do I raise it?", "KB-13"),
("Can't upload big video", "Uploading a 200 MB video in WordPress fails, is there a size limit?", "KB-13"),
("Allowed memory size exhausted", "Fatal error: Allowed memory size of 134217728 bytes exhausted. Can you raise memory for PHP?", "KB-13"),
# KB-14 WordPress install
("How to start a wordpress site", "I'm new, how do I put WordPress on my domain?", "KB-14"),
("Install Nextcloud", "Can I set up Nextcloud or Joomla without uploading files manually?", "KB-14"),
("WP installer", "Is there an automatic way to install wordpress so I don't have to create the database?", "KB-14"),
# KB-15 WP DB connection
("Error establishing a database connection", "My WordPress site only shows 'Error establishing a database connection' since this morning.", "KB-15"),
("WP broken after changing DB password", "I changed the database password and now WordPress is down completely.", "KB-15"),
("wp-config question", "Which values should DB_HOST and DB_USER have in wp-config.php?", "KB-15"),
# KB-16 redirects
("force https", "How do I make sure everyone lands on https and not http?", "KB-16"),
("Too many redirects", "After adding a rule to .htaccess the browser says too many redirects.", "KB-16"),
("Redirect old URLs", "We changed our page structure, how do I send the old addresses to the new pages with a 301?", "KB-16"),
("www vs non-www", "I want www.mysite.com to always go to mysite.com", "KB-16"),
# KB-17 plan change
("Need more RAM", "My VPS is running out of memory. Can I get a bigger one without reinstalling?", "KB-17"),
("Downgrade to cheaper package", "We don't need the Business package anymore, can we move to a smaller one?", "KB-17"),
("upgrade hosting", "How do I upgrade my hosting package and how is it billed mid-month?", "KB-17"),
("Resize disk smaller", "Can I reduce the disk size of my cloud server to save money?", "KB-17"),
# KB-18 invoices
("VAT number on invoice", "Our VAT ID is missing from the invoices, accounting needs it.", "KB-18"),
("Where are my invoices", "I need the PDF invoices of the last 12 months for our accountant.", "KB-18"),
("Change company address on bills", "We moved offices. How do we change the address shown on invoices?", "KB-18"),
("receipt for payment", "Can I download a receipt for the payment I made in March?", "KB-18"),
# KB-19 payment
("Card declined", "My payment was declined, the card expired. How do I put in a new one?", "KB-19"),
("Pay with PayPal", "Can I switch from credit card to PayPal or direct debit?", "KB-19"),
("Service suspended unpaid", "My site was suspended because of an unpaid invoice, how do I pay it now?", "KB-19"),
("payment failed email", "I got an email that the payment failed, what happens now and when will you retry?", "KB-19"),
# KB-20 cancel
("Close my account", "We are shutting down the business, please tell me how to terminate everything.", "KB-20"),
("Cancel VPS", "How do I stop my server subscription at the end of the month?", "KB-20"),
("what happens to my data if I cancel", "If I cancel hosting, how long do you keep my files and mail?", "KB-20"),
# KB-21 domain transfer
("Move domain from another registrar", "I want to transfer mydomain.de from my old registrar to you. What do I need?", "KB-21"),
("Where do I enter the EPP code", "I have the auth code from the previous registrar, where does it go?", "KB-21"),
("Transfer rejected", "The transfer of my recently bought domain was rejected, why?", "KB-21"),
# KB-22 DNS records
("MX records for Google Workspace", "We're moving mail to Google Workspace, how do I change the MX records?", "KB-22"),
("Add TXT verification", "Microsoft 365 asks me to add a TXT record to verify the domain.", "KB-22"),
("Point to my own server IP", "I want the domain to point to an IP address of a server at another company. Which record?", "KB-22"),
("CNAME for shopify", "Shopify says to add a CNAME for www. Where can I do that?", "KB-22"),
# KB-23 2FA
("Two step login", "Can I add an extra security step when logging in, like a code on my phone?", "KB-23"),
("Lost phone with authenticator", "I got a new phone and my authenticator codes are gone, how do I get in?", "KB-23"),
("Enable 2FA", "Our security policy requires 2FA for all vendor accounts. Do you support it?", "KB-23"),
# KB-24 API tokens
("API returns 401", "Calls to your API return 401 Unauthorized even though I copied the token.", "KB-24"),
("Terraform access", "How do I create credentials so Terraform can manage our servers?", "KB-24"),
("Read only token", "I need a token for monitoring scripts that can only read, not change anything.", "KB-24"),
# KB-25 cron
("Run a script every hour", "How can I run a PHP script automatically every hour?", "KB-25"),
("crontab", "Do I have crontab access on shared hosting?", "KB-25"),
("wp-cron not firing", "Scheduled posts in WordPress are missed, someone said to use a real cron instead.", "KB-25"),
("Stop cron emails", "I get an email every five minutes from my scheduled task, how do I stop that?", "KB-25"),
# KB-26 VPS unreachable console/rescue
("server not responding to ssh", "My VPS doesn't answer on SSH and the website on it is down too. How can I see what's going on?", "KB-26"),
("VPS won't boot after update", "After a kernel update the server doesn't come back up.", "KB-26"),
("Disk full can't login", "I think the disk of my server filled up and now I can't log in at all. How do I repair it?", "KB-26"),
("Access server screen", "Is there a way to see the server's screen like a KVM when the network is broken?", "KB-26"),
# KB-27 firewall
("Can't connect to MySQL remotely", "Remote connection to MySQL on port 3306 times out from my laptop.", "KB-27"),
("Game server port", "I'm running a Minecraft server but nobody can connect on 25565.", "KB-27"),
("connection refused new service", "I started a Node app on port 3000 but get connection refused from outside.", "KB-27"),
# KB-28 team
("Give my developer access", "Can my web developer get access to the websites without seeing our invoices?", "KB-28"),
("Add accountant", "I want our bookkeeper to download invoices with her own login.", "KB-28"),
("Multiple users on one account", "We're a team of 4, can everyone have their own login?", "KB-28"),
# KB-29 mailbox full
("mailbox full bounce", "People get a bounce saying my mailbox is full.", "KB-29"),
("Quota exceeded", "Outlook says my mailbox quota has been exceeded, what can I do?", "KB-29"),
("more space for email", "How do I get more storage for my email account?", "KB-29"),
# KB-30 500 error
("HTTP 500 on my site", "My website suddenly shows Internal Server Error after I updated a plugin.", "KB-30"),
("Where is the error log", "Where can I see PHP error logs to find out why the page is blank with error 500?", "KB-30"),
("500 after editing htaccess", "I edited .htaccess and now every page gives a 500 error.", "KB-30"),
# KB-31 migration
("Move my site from another host", "We're currently with another hosting company. Can you move our website and emails over?", "KB-31"),
("Switching providers", "Do you help with migrating a Magento shop from our current provider?", "KB-31"),
("free migration?", "Is moving my existing WordPress site to you free of charge?", "KB-31"),
("Transfer website files and databases", "How do I bring my existing site, database and mail accounts over from my current hoster?", "KB-31"),
# extra paraphrases, harder vocabulary
("Mail app setup", "Which settings do I use in the Mail app on my Mac for our domain mailbox?", "KB-01"),
("Website points to nothing", "Bought the domain elsewhere, now how do I make it use your servers?", "KB-02"),
("padlock missing", "How do I add the padlock to my shop so customers trust the checkout?", "KB-05"),
("Undo changes from yesterday", "Can I restore yesterday's version of my database myself?", "KB-07"),
("Emails not arriving at customers", "Messages we send are not delivered to some customers' inboxes, probably filtered as spam.", "KB-12"),
("Update billing card", "Where do I change the credit card you charge every month?", "KB-19"),
("Delete account", "Please tell me how I delete my account and all services.", "KB-20"),
("Set up domain verification", "Google Search Console asks me to verify ownership with a DNS TXT record.", "KB-22"),
("automation with scripts", "Can I control servers from a script through your API?", "KB-24"),
("server frozen", "Cloud server seems frozen, how do I restart it when I can't ssh in?", "KB-26"),
("open port 8080", "How do I allow incoming traffic on port 8080?", "KB-27"),
]

out = Path(__file__).with_name("questions.csv")
with out.open("w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["question_id", "subject", "body", "article_id"])
    for n, (subject, body, aid) in enumerate(Q, start=1):
        w.writerow([f"Q-{n:03d}", subject, body, aid])
print(len(Q), "questions")
