"""Message templates: what customers ask per intent, how staff answer, how people write.

Templates are combined with slot values (hosts, IPs, domains, names) and with greetings,
signatures, quoting and typos, so no persona speaks in one sentence. Intent wording carries
the signal a text classifier needs (packet loss → network event, disk errors → hardware
event); shared vague phrasings ("the site is down") are the noise.
"""

from __future__ import annotations

# intent → (resolution codes with weights, helpdesk category)
INTENT_CODES: dict[str, tuple[tuple[tuple[str, float], ...], str]] = {
    "network": ((("network_event", 0.8), ("one_time_event", 0.1), ("hardware_event", 0.05),
                 ("other", 0.05)), "network"),
    "hardware": ((("hardware_event", 0.9), ("one_time_event", 0.1)), "technical"),
    "bug": ((("software_bug_open", 0.45), ("software_bug_fixed", 0.45), ("other", 0.1)),
            "technical"),
    "one_time": ((("one_time_event", 0.8), ("network_event", 0.1), ("hardware_event", 0.05),
                  ("other", 0.05)),
                 "technical"),
    "info": ((("information_request", 0.85), ("documentation", 0.15)), "sales"),
    "change": ((("customer_change_request", 0.9), ("reassigned", 0.1)), "technical"),
    "billing": ((("information_request", 0.5), ("other", 0.3), ("reassigned", 0.2)), "billing"),
    "sales": ((("reassigned", 0.6), ("information_request", 0.4)), "sales"),
    "howto": ((("documentation", 0.92), ("information_request", 0.08)), "technical"),
    "activation": ((("information_request", 0.95), ("other", 0.05)), "billing"),
}

SUBJECTS: dict[str, tuple[str, ...]] = {
    "network": ("Server unreachable", "Packet loss to {host}", "Cannot reach my VPS",
                "High latency from Europe", "Network down?", "{ip} not responding to ping",
                "Connection timeouts", "site down", "Lost connectivity on {service}",
                "Traceroute dies at your edge", "Intermittent packet loss", "URGENT: down"),
    "hardware": ("Disk errors on {host}", "Server keeps crashing", "I/O errors",
                 "RAID degraded?", "Filesystem went read-only", "Server down",
                 "Hardware problem on {service}", "Kernel panic after reboot", "Disk failure"),
    "bug": ("Control panel error 500", "Backup job fails", "Bug in the panel",
            "Cannot save DNS zone", "Invoice page blank", "API returns error",
            "Console does not load", "Snapshot stuck at 0%", "Error when upgrading plan"),
    "one_time": ("Site was down this morning", "Short outage?", "Mail delayed today",
                 "Server rebooted by itself", "Website slow today", "Blocked IP",
                 "Was there maintenance last night?", "Outage earlier"),
    "info": ("Question", "Quick question", "Pricing question", "Do you offer {feature}?",
             "Information please", "Question about {plan}", "Before I order"),
    "change": ("Please change rDNS", "Add an IP address", "Upgrade request",
               "Move {service} to another location", "Change of plan", "Setup request",
               "Please install {software}", "Need a custom kernel", "Add a second disk"),
    "billing": ("Invoice question", "Charged twice", "Refund request", "Payment failed",
                "Why was I charged {amount}?", "Billing issue", "Card declined",
                "Wrong amount on invoice {invoice}"),
    "sales": ("Quote for a bigger setup", "Reseller pricing", "Volume discount?",
              "Custom offer", "Partnership", "Need 20 servers"),
    "activation": ("Server not active yet", "VM not provisioned", "PAID - still not active",
                   "Where is my server??", "Order not activated", "Payment made, service?",
                   "Still waiting for my VPS", "Service suspended after payment"),
}

CORES: dict[str, tuple[str, ...]] = {
    "network": (
        "I see heavy packet loss to {host} ({ip}) since {since}, about {pct}% on mtr.",
        "My VPS {ip} is unreachable from here, ping times out and ssh hangs.",
        "The server {host} stopped answering around {since}. Traceroute dies at your edge router.",
        "We get connection timeouts to {domain} from several locations, latency jumps to {ms} ms.",
        "Is there a network problem? {service} is unreachable and the status page says nothing.",
        "Packets to {ip} get dropped, roughly {pct}% loss, our monitoring is all red.",
        "Can't reach {domain} at all since {since}, DNS resolves but nothing connects.",
        "Latency to {host} is terrible today ({ms} ms) and we see retransmits everywhere.",
        "my site {domain} is down, cannot connect",
    ),
    "hardware": (
        "dmesg on {host} is full of I/O errors and the filesystem remounted read-only.",
        "The server crashed again, smartctl reports reallocated sectors on the disk.",
        "{host} rebooted {n} times tonight and the RAID shows degraded.",
        "We think a disk is failing on {service}: writes hang and the kernel logs ata errors.",
        "After the reboot {host} fails with a kernel panic and disk read errors.",
        "Memory errors (EDAC) keep showing up in the logs of {host}, it then freezes.",
        "my server is down and I have no idea why",
    ),
    "bug": (
        "The control panel shows error 500 when I open {page}.",
        "The nightly backup job of {service} fails with 'snapshot timeout' every time.",
        "Saving a DNS zone for {domain} gives 'unexpected error', the record is not saved.",
        "Your API returns 502 on /v1/servers since {since}, our automation is broken.",
        "The web console stays black and never connects for {service}.",
        "When I click Upgrade on {service} the page just spins forever.",
        "The invoice PDF download gives an empty file.",
        "Something is wrong with the panel, {page} does not load",
    ),
    "one_time": (
        "Our site {domain} was down for about {mins} minutes this morning, is it fixed?",
        "{host} rebooted on its own at {since}, was that you?",
        "E-mail to {domain} was delayed for a few hours today.",
        "Our IP {ip} got on a blocklist today, can you check?",
        "The website was very slow for an hour, now it's fine. What happened?",
        "Was there maintenance last night? {service} was offline briefly.",
        "site was down earlier, seems back now",
    ),
    "info": (
        "Do you offer {feature} on the {plan} plan?",
        "What is the difference between {plan} and the next plan up?",
        "Which data centre locations do you have, and can I choose one for {service}?",
        "Is {software} supported on your servers?",
        "How much does an extra IPv4 address cost per month?",
        "Can I pay yearly instead of monthly for {service}?",
        "Do you have a status page or an SLA for {plan}?",
    ),
    "change": (
        "Please set the reverse DNS of {ip} to mail.{domain}.",
        "We need a second IPv4 address on {service}.",
        "Please upgrade {service} to {plan} tonight, and keep the IP.",
        "Can you install {software} for us on {host}? We don't have time to do it.",
        "We need a custom kernel with {feature} on {host}.",
        "Please move {service} to the Amsterdam location.",
        "Can you add a second 2 TB disk to {host} and mount it at /data?",
        "please set up {software} on the server, same as last time",
    ),
    "billing": (
        "I was charged {amount} twice this month for {service}.",
        "Invoice {invoice} shows {amount} but my plan is cheaper, please explain.",
        "My card was declined but the bank says everything is fine. Please retry the payment.",
        "I want a refund for {invoice}, the service did not work for days.",
        "Why did the price of {service} change?",
        "Please send invoice {invoice} with our VAT number on it.",
        "payment failed again, what now",
    ),
    "sales": (
        "We plan to move about {n} servers to you. Can you make us an offer?",
        "Do you have reseller pricing for agencies?",
        "We need a custom setup: {n} nodes, private network and {software}. Who do I talk to?",
        "Is there a volume discount above {n} VPS?",
    ),
    "activation": (
        "I paid invoice {invoice} {mins} minutes ago and my VM is still not active. Why?",
        "Payment went through for {service} but the server is not provisioned yet!",
        "I just paid. Where is my server? I need it NOW.",
        "Why is my VPS not active yet? I paid {amount} a few minutes ago.",
        "Order paid, still nothing. How long do I have to wait for {service}?",
        "I paid the invoice but {service} is still suspended, please activate immediately.",
        "paid already!! why is the server not up",
    ),
}

DETAILS: tuple[str, ...] = (  # for problems
    "It worked fine yesterday.", "Nothing changed on our side.", "This is our production box.",
    "Customers are complaining.", "I already restarted it twice.",
    "We have a launch tomorrow.", "I attached a screenshot.", "Please check asap.",
    "Ticket from my colleague was closed without an answer.", "Not sure if this is related.",
    "Our monitoring started alerting at {since}.", "We are on the {plan} plan.",
    "The service id is {service}.", "IP is {ip}.", "Host name: {host}.",
)
QUESTION_DETAILS: tuple[str, ...] = (  # for questions and requests
    "I couldn't find it in the panel.", "Sorry if this is a stupid question.",
    "I'm new to this.", "My developer is on holiday.", "We are on the {plan} plan.",
    "The service id is {service}.", "I need it for a client project.", "Thanks for your help.",
    "Please explain step by step.", "It's for {domain}.", "Can you just do it for me?",
    "I asked something similar before but forgot.", "No rush.", "Need this today if possible.",
)
QUESTION_INTENTS = frozenset({"howto", "info", "sales", "change", "billing"})

SLOTS: dict[str, tuple[str, ...]] = {
    "since": ("09:10", "this morning", "last night", "about 2 hours ago", "14:30 UTC",
              "yesterday evening", "the maintenance", "03:00", "noon", "an hour ago"),
    "feature": ("IPv6", "private networking", "DDoS protection", "daily backups",
                "nested virtualisation", "a floating IP", "GPU", "ZFS", "Windows"),
    "software": ("Docker", "cPanel", "Plesk", "Nextcloud", "a mail server", "Kubernetes",
                 "WireGuard", "PostgreSQL 16", "a VPN", "Proxmox"),
    "page": ("the DNS page", "Billing", "the server list", "Snapshots", "the firewall editor",
             "Usage", "Account settings"),
}

CUSTOMER_FOLLOWUPS: dict[str, tuple[str, ...]] = {
    "open": (
        "Any update on this?", "Still not working.", "It is still down, please hurry.",
        "I tried that and it did not help.", "Same problem again now.",
        "Hello? It has been {hours} hours.", "This happened again at {since}.",
        "Can someone look at this today please?", "Ok, but why did this happen in the first place?",
        "I did what you said but now I get a different error.",
    ),
    "ask": (
        "Thanks, but I still don't understand where to click.", "Could you just do it for me?",
        "Where exactly is that in the panel?", "The article does not cover my case I think.",
        "Ok and what do I do after that?", "Sorry, I'm lost. Can you call me?",
        "I tried but it asks for something I don't have.", "Any update on this?",
        "Is there a video or something?", "Can you explain it again, simpler?",
        "Hello? Waiting for {hours} hours now.", "What about the second part of my question?",
    ),
    "done": (
        "Thanks, that fixed it.", "Works now, thank you!", "Great, all good.",
        "Ok thanks, you can close this.", "Perfect, thanks for the quick help.",
        "Seems fine now. Thanks.", "That was it, thank you {staff}.",
    ),
}

GREETINGS: tuple[str, ...] = (
    "Hi,", "Hello,", "Hi team,", "Hello support,", "Good morning,", "Hey,", "Dear Sir/Madam,",
    "Hi there,", "", "", "Hello {staff},", "Good afternoon,", "To whom it may concern,",
)
CLOSINGS: tuple[str, ...] = (
    "Thanks", "Thanks in advance", "Regards", "Cheers", "Best regards", "Please advise.",
    "Thank you", "", "", "Kind regards", "Thx", "BR",
)
SIGNATURES: tuple[str, ...] = (
    "{name}", "{first}", "--\n{name}\n{company}", "{name}\n{company}\n{phone}",
    "Sent from my iPhone", "{first}\n\nSent from my phone", "--\n{name} | {company}", "",
    "{name}\nIT, {company}", "{initials}",
)

ABUSE_INSULTS: tuple[str, ...] = (
    "You people are completely useless.", "Are you all incompetent or just lazy?",
    "What a bunch of clowns.", "I have never dealt with such idiots.",
    "Do you even know what a server is, you morons?", "Pathetic excuse for a support team.",
    "Stop wasting my time with your stupid scripted answers.",
    "Whoever answered last time is an idiot.", "Your staff are incompetent fools.",
    "Is there anyone with a brain working there?", "You are the worst support I have ever seen.",
    "Useless, absolutely useless, all of you.",
)
ABUSE_SHOUTS: tuple[str, ...] = (
    "FIX IT NOW!!!", "THIS IS UNACCEPTABLE!!!", "I WANT THIS SOLVED TODAY!!!",
    "HOW HARD CAN IT BE???", "ANSWER ME!!!", "I AM PAYING FOR THIS!!!", "WHAT THE HELL!!!",
    "DO YOUR JOB!!!",
)
ABUSE_THREATS: tuple[str, ...] = (
    "I will file a chargeback with my bank if this is not fixed today.",
    "My lawyer will hear about this.", "Expect a dispute on every invoice I ever paid you.",
    "I'll leave a one-star review on Trustpilot and tell everyone what a scam you are.",
    "I'm going to post this whole conversation on Twitter.", "See you in small claims court.",
    "I will make sure everyone in my network knows how bad you are.",
    "One more day and I'm disputing the charge with my card company.",
    "I'll report you to consumer protection.",
)
ABUSE_PROFANITY: tuple[str, ...] = (
    "This damn server is down AGAIN.", "What the hell is going on over there?",
    "This crap service keeps breaking.", "Sort this bloody mess out.",
)

STAFF_OPENERS: tuple[str, ...] = (
    "Thank you for contacting us.", "Thanks for reaching out.", "Sorry for the trouble.",
    "Thanks for the details.", "Thank you for your patience.", "Thanks for letting us know.",
)
STAFF_CORES: dict[str, tuple[str, ...]] = {
    "network": ("We saw packet loss on an upstream link and rerouted traffic; {host} should "
                "be reachable again.", "A switch in the rack had a fault; the network team "
                "replaced it and connectivity is back.", "There was a routing issue with one "
                "of our transit providers, now resolved. Could you confirm it works?"),
    "hardware": ("The disk in {host} was failing; we replaced it and the RAID is rebuilding.",
                 "We migrated {service} to a healthy host after a hardware fault.",
                 "The memory module was faulty and has been replaced."),
    "bug": ("This is a known bug in the panel; the developers are working on a fix.",
            "Thanks for the report. A fix was deployed this morning; please try again.",
            "We could reproduce the error and have passed it to our developers."),
    "one_time": ("There was a short incident at {since}; everything is stable now.",
                 "The host was rebooted after a kernel update; we are sorry for the "
                 "short interruption.", "We had a brief power event in one hall; all "
                 "systems are back."),
    "info": ("Yes, {feature} is available; you can enable it in the control panel.",
             "The {plan} plan includes that. Here are the details you asked for.",
             "Good question: the answer is on our pricing page, and I summarised it below."),
    "change": ("Done: the change on {service} is in place.", "We scheduled the change "
               "for tonight's maintenance window.", "This is a custom request; a "
               "technician has set it up for you."),
    "billing": ("I checked invoice {invoice}; the amount is correct for the pro-rata "
                "upgrade.", "The duplicate charge has been refunded to your card.",
                "I have passed this to our billing team, who will reply shortly."),
    "sales": ("I have forwarded this to our sales team; they will contact you.",
              "Our account manager will send you an offer."),
    "activation": ("Provisioning usually takes up to 15 minutes after payment; your "
                   "server is active now.", "The payment was being matched; {service} is "
                   "active now.", "Your order was in the standard provisioning queue and "
                   "has just completed."),
    "howto": ("This is covered in our article \"{title}\": {url}\n\nIn short: {step}",
              "You can do this yourself, see {url} (\"{title}\"). {step}",
              "Our guide {url} walks you through it. The first step: {step}"),
}
STAFF_CALM: tuple[str, ...] = (
    "I understand this is frustrating and I want to help. Please keep the conversation "
    "respectful so we can focus on the problem.",
    "I'm sorry for the experience. I'd ask that we keep this conversation courteous.",
    "We take this seriously and are working on it.",
)
STAFF_CLOSINGS: tuple[str, ...] = (
    "Kind regards,\n{staff}\nExampleHost Support", "Best regards,\n{staff}",
    "Have a nice day,\n{staff} - ExampleHost", "Regards,\n{staff}\nSupport team",
    "Let us know if there is anything else.\n\n{staff}",
)
SYSTEM_ACK = ("We received your request and will answer as soon as possible. "
              "Reference: {ticket}.")
