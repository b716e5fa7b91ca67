"""Shouting: runs of capitals and piles of exclamation marks, minus technical text.

Capitals are how people shout in text, and also how computers write error codes
("ERROR 500", "DNS", "ACCESS DENIED FOR USER"). So capitals count only as words of
letters that are not known acronyms, outside quotation marks, outside lines that look
like logs or configuration (timestamps, SCREAMING_SNAKE names, paths, "error:"), and
not right after "shows" / "says" (a device's display is quoted). Exclamation marks in a
thankful sentence ("thanks so much!!!") are enthusiasm, not shouting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Technical acronyms and words written in capitals by convention, never shouting.
ACRONYMS = _words("""
DNS SSL TLS HTTP HTTPS FTP SFTP SSH SMTP IMAP POP API APIS URL URLS URI CPU CPUS RAM SSD SSDS
HDD NVME VPS VPN LAN WAN WIFI IP IPS IPV TCP UDP ICMP CDN WAF DDOS DOS CMS PHP SQL MYSQL CSV
PDF JSON XML YAML HTML CSS JS AWS GCP ISP NAS SAN RAID UPS PSU BIOS UEFI IPMI KVM LXC OS VM
VMS DB AD OU DC SSO SAML MFA OTP SMS CRM ERP SLA SLAS RFO ETA FYI IT PC PCS MAC USB HDMI LED
NOC SOC GDPR DPA VAT EU US UK USA CEO CTO CFO COO HR QA PR MX SPF DKIM DMARC TXT CNAME AAAA
PTR NS SOA TTL NGINX IIS LB SNI RST DHCP NAT VLAN BGP ARP MTU OK AM PM UTC GMT EST PST CET
PDT ID IDS SKU KB MB GB TB GHZ MHZ RDP VNC NFS SMB CIFS LDAP IAM WP SEO UI UX SDK CLI GUI
SPAM NTP ACL OOM PID TOS AUP MSP SAAS PAAS IAAS LTS RHEL SUSE NDA DMCA FTC BBB ICO CSRF XSS
CORS JWT OAUTH CAPTCHA MSSQL SMART ASAP RSVP AKA TBD TBA N/A NA IOS SSID WPA WPS NIC POE
SFP ISO ZFS LVM EXT NTFS FAT GPU GPUS ARM AMD CVE CVES PCI DSS HIPAA SOX SMTPS POPS IMAPS GET
POST PUT PATCH DELETE HEAD OPTIONS CRUD REST RPC GRPC TCPIP DMZ SIEM EDR XDR AV MDM RMM PSA
""")
LOG_LEVELS = _words("ERROR ERR WARN WARNING FATAL CRITICAL PANIC INFO DEBUG TRACE NOTICE")
TECH_VERBS = _words(
    "says say said shows show showing displays display reads reading returns returned "
    "throws threw reports printed prints logs logged get gets getting got status"
)
_TECH_LINE = re.compile(
    r"\d{1,2}:\d{2}:\d{2}|\b[Ee]rror:|\b[Ee]xception\b|\berrno\b|\b0x[0-9a-fA-F]+|"
    r"\b[A-Z0-9]+_[A-Z0-9_]+\b|(?:^|\s)/[\w.-]+/|\bcode \d+\b|[Tt]raceback|\b[A-Z]+=\S"
)
_TOKEN = re.compile(r"\S+")
_STRIP = "\"'“”‘’()[]{}<>,.;:!?*-–—…"
_CAPS_WORD = re.compile(r"[A-Z][A-Z']*[A-Z]")
_BANG = re.compile(r"!{3,}|[!?]*(?:!\?|\?!)[!?]*")
# Two capitalised words in a row: the least a shouted run needs (acronyms checked later).
_TWO_CAPS = re.compile(r"[A-Z][A-Z']*[A-Z][^A-Za-z0-9\n]{1,6}[A-Z][A-Z']*[A-Z]")
_THANKFUL = re.compile(
    r"\b(?:thanks?|thank you|thx|great|awesome|love|loving|yay|congrat\w*|perfect|amazing|"
    r"brilliant|excellent|appreciated?|happy|wow|fantastic|wonderful|best|cool|nice|"
    r"lifesavers?|cheers|hooray|woo+|well done|kudos|beautiful)\b"
)


def find_shouting(text: str, *, min_caps_words: int = 3, min_exclamations: int = 3,
                  extra_acronyms: Iterable[str] = ()) -> list[tuple[int, int, float]]:
    """(start, end, weight) of every shouted stretch of ``text`` (already quote-stripped)."""
    acronyms = ACRONYMS.union(a.upper() for a in extra_acronyms) if extra_acronyms else ACRONYMS
    caps = any(
        any(w not in acronyms for w in _CAPS_WORD.findall(m.group()))
        for m in _TWO_CAPS.finditer(text))
    if not caps and "!!" not in text and "?!" not in text and "!?" not in text:
        return []
    found: list[tuple[int, int, float]] = []
    pos = 0
    for line in text.splitlines(keepends=True) if caps else ():
        if _TWO_CAPS.search(line) and not _TECH_LINE.search(line):
            found.extend(_caps_runs(text, line, pos, min_caps_words, acronyms))
        pos += len(line)
    for m in _BANG.finditer(text):
        n = m.end() - m.start()
        if "!" not in m.group() or (n < min_exclamations and not _is_mixed(m.group(), n)):
            continue
        if _THANKFUL.search(_sentence_before(text, m.start()).lower()):
            continue
        found.append((m.start(), m.end(), min(0.95, 0.55 + 0.1 * (n - 2))))
    return found


def _is_mixed(marks: str, n: int) -> bool:
    return n >= 3 and "?" in marks


def _sentence_before(text: str, at: int) -> str:
    start = max(text.rfind(c, 0, at) for c in ".!?\n") + 1
    return text[start:at]


def _caps_runs(text: str, line: str, offset: int, min_words: int,
               acronyms: frozenset[str]) -> list[tuple[int, int, float]]:
    out: list[tuple[int, int, float]] = []
    run: list[tuple[int, int]] = []  # (start, end) of caps words in the current run
    in_quote = False

    def close() -> None:
        long_enough = len(run) >= min_words or (
            len(run) >= 2 and _followed_by_marks(text, run[-1][1]))
        if (long_enough and run_start_word.upper() not in LOG_LEVELS
                and not _after_tech_verb(text, run[0][0])):
            s, e = run[0][0], run[-1][1]
            if not _THANKFUL.search(text[s:e].lower()):
                out.append((s, e, min(0.95, 0.6 + 0.08 * (len(run) - min_words + 1))))
        run.clear()

    run_start_word = ""
    for m in _TOKEN.finditer(line):
        tok = m.group()
        opens = tok[0] in "\"“"
        closes = tok[-1] in "\"”" and (len(tok) > 1 or not opens)
        word = tok.strip(_STRIP)
        lead = len(tok) - len(tok.lstrip(_STRIP))
        is_caps = (not in_quote and not opens and len(word) >= 2
                   and _CAPS_WORD.fullmatch(word) is not None and word not in acronyms)
        neutral = not in_quote and (word in acronyms or word in ("I", "A", "&", ""))
        if is_caps:
            if not run:
                run_start_word = word
            start = offset + m.start() + lead
            run.append((start, start + len(word)))
        elif not (neutral and run):
            close()
        if opens and not closes:
            in_quote = True
        elif closes:
            in_quote = False
    close()
    return out


def _after_tech_verb(text: str, at: int) -> bool:
    """Capitals after "shows" / "says" in the same sentence quote a device or a log."""
    before = _sentence_before(text, at).lower().split()
    return any(w.strip(_STRIP) in TECH_VERBS for w in before)


def _followed_by_marks(text: str, end: int) -> bool:
    """A two-word capital run ending in '??' or '!!' ("HELLO??? ANYONE???")."""
    return text[end:end + 2] in ("??", "!!", "?!", "!?")
