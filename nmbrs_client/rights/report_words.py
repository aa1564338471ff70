"""The words of a rights report: the English and Dutch catalogue and the phrases built from it.

Kept apart from what a report *means* (:mod:`nmbrs_client.rights.findings`) and from how it is
laid out (:mod:`nmbrs_client.rights.report`), so a translator edits one file.
"""

from __future__ import annotations

import re
from typing import Any

from nmbrs_client.dutch import MONTHS_NL
from nmbrs_client.rights import nmbrs_words
from nmbrs_client.rights.basis import Basis, BasisKind
from nmbrs_client.rights.classify import GLYPHS, WORDS, Status
from nmbrs_client.rights.results import RightsReport

LANGS = ("en", "nl")

SERVICE_LABEL = nmbrs_words.SERVICE_NAMES

# A refusal by the API gateway in front of Nmbrs' REST API: who refused is known, why is not
# (what to do is its NEXT_STEP below).
GATEWAY_REFUSED = {
    "en": "refused by the API gateway before Nmbrs' API (cause not known; not shown to be a "
    "scope or data access)",
    "nl": "geweigerd door de API-gateway vóór de API van Nmbrs (oorzaak onbekend; niet "
    "aangetoond dat het een scope of toegang tot gegevens is)",
}

# What each kind of error is called (the kinds of classify.ERROR_KINDS).
ERROR_KINDS: dict[str, dict[str, str]] = {
    "en": {
        "timeout": "time-out",
        "connection": "connection reset or refused",
        "malformed": "malformed or truncated reply",
        "html": "HTML page instead of SOAP",
        "http": "HTTP error without a SOAP fault",
        "tls": "TLS error",
        "too_large": "reply too large",
        "redirect": "redirect",
        "throttled": "throttled (slow down)",
        "quota": "call quota used up",
        "cancelled": "cancelled",
        "out_of_time": "the check ran out of time",
        "fault": "Nmbrs fault without a known meaning",
        "gateway": GATEWAY_REFUSED["en"],
        "other": "other",
    },
    "nl": {
        "timeout": "time-out",
        "connection": "verbinding verbroken of geweigerd",
        "malformed": "onleesbaar of afgebroken antwoord",
        "html": "HTML-pagina in plaats van SOAP",
        "http": "HTTP-fout zonder SOAP-fault",
        "tls": "TLS-fout",
        "too_large": "antwoord te groot",
        "redirect": "doorverwijzing",
        "throttled": "afgeremd (te veel aanroepen)",
        "quota": "aanroepquotum op",
        "cancelled": "afgebroken",
        "out_of_time": "de controle had geen tijd meer",
        "fault": "Nmbrs-fout zonder bekende betekenis",
        "gateway": GATEWAY_REFUSED["nl"],
        "other": "overig",
    },
}


# Where REST's reply differs from SOAP's, the kind is worded for the API that was checked.
REST_ERROR_KINDS: dict[str, dict[str, str]] = {
    "en": {
        "html": "HTML page instead of JSON",
        "http": "an HTTP error this check cannot interpret",
    },
    "nl": {
        "html": "HTML-pagina in plaats van JSON",
        "http": "een HTTP-fout die deze controle niet kan duiden",
    },
}


# Why results were not established, by error kind, as the headline names them: the kinds
# not listed are network or server trouble.
ERROR_CAUSES: dict[str, dict[str, str]] = {
    "en": {
        "gateway": "calls refused by the API gateway in front of Nmbrs",
        "quota": "the subscription's call quota used up",
        "throttled": "calls slowed down by Nmbrs",
        "cancelled": "the check was cancelled",
        "out_of_time": "the check ran out of time",
        "network": "network or server errors",
    },
    "nl": {
        "gateway": "calls geweigerd door de API-gateway vóór Nmbrs",
        "quota": "het aanroepquotum van het abonnement is op",
        "throttled": "calls afgeremd door Nmbrs",
        "cancelled": "de controle is afgebroken",
        "out_of_time": "de controle had geen tijd meer",
        "network": "netwerk- of serverfouten",
    },
}

# What to do about results not established, by error kind, in the order they are said: a
# retry is advised only where a retry can change the answer. Kinds not listed: "again".
NEXT_STEP: dict[str, dict[str, str]] = {
    "en": {
        "gateway": "check in the developer portal that the subscription key's product includes "
        "the Nmbrs API and that its subscription is active (a retry alone does not change it)",
        "quota": "wait until the subscription's call quota resets (ask Nmbrs about the plan), "
        "then run the check again",
        "redirect": "check the profile's base URL (nmbrs-tui does not follow redirects)",
        "tls": "check the TLS setup between this machine and Nmbrs (a proxy that inspects "
        "TLS, the CA bundle), then run the check again",
        "too_large": "raise max_response_mb in the profile, then run the check again",
        "throttled": "run the check again in a few minutes, or with a lower --concurrency",
        "out_of_time": "run the check again, on fewer companies (--company) if it runs out of "
        "time again",
        "fault": "run the check again; if the fault repeats, quote it to Nmbrs support",
        "again": "run the check again",
    },
    "nl": {
        "gateway": "controleer in het developer portal of het product van de subscription key "
        "de Nmbrs-API bevat en het abonnement actief is (opnieuw proberen verandert dat niet)",
        "quota": "wacht tot het aanroepquotum van het abonnement weer vrij is (vraag Nmbrs "
        "naar het abonnement) en voer de controle daarna opnieuw uit",
        "redirect": "controleer de basis-URL van het profiel (nmbrs-tui volgt geen "
        "doorverwijzingen)",
        "tls": "controleer de TLS-verbinding tussen deze machine en Nmbrs (een proxy die TLS "
        "openbreekt, de CA-bundel) en voer de controle daarna opnieuw uit",
        "too_large": "verhoog max_response_mb in het profiel en voer de controle daarna "
        "opnieuw uit",
        "throttled": "voer de controle over een paar minuten opnieuw uit, of met een lagere "
        "--concurrency",
        "out_of_time": "voer de controle opnieuw uit, bij minder bedrijven (--company) als de "
        "tijd weer opraakt",
        "fault": "voer de controle opnieuw uit; komt de fout terug, meld hem dan bij Nmbrs support",
        "again": "voer de controle opnieuw uit",
    },
}

# A REST login that needed a refresh mid-check, in a run whose app secret is another
# connection's (--all-profiles, a switch in the app): the calls after it were not made.
REFRESH_WITHHELD = {
    "en": "its login needs a refresh, which this run may not make",
    "nl": "de inlog moet worden vernieuwd, wat deze run niet mag doen",
}

# The account that consented (REST /api/user/info) could not be read; the check went on.
ACCOUNT_UNREAD = {
    "en": "the account could not be read",
    "nl": "het account kon niet worden gelezen",
}

T: dict[str, dict[str, str]] = {
    "en": {
        "title": "Nmbrs API rights check",
        "result": "Result",
        "ok": "Every required operation is allowed for every company checked.",
        "findings": 'Rights or access are missing: make the changes under "What to change in '
        'Nmbrs".',
        "stopped_auth": "Nmbrs refused the login, so the rights could not be checked.",
        "stopped_connect": "Nmbrs could not be reached, so the rights could not be checked: "
        "check the network, VPN and proxy between this machine and Nmbrs, then run the check "
        "again.",
        "stopped_cancelled": "The check was cancelled before it finished.",
        "errors_headline": "Some rights could not be established ({causes}): {steps}.",
        "none_established_headline": "No right could be established ({causes}): {steps}.",
        "checked": "What was checked",
        "date": "Date",
        "environment": "Environment",
        "api_user": "API user",
        "domain": "Domain",
        "requirements": "Requirements",
        "operations": "operations",
        "companies": "Companies",
        "mode": "Mode",
        "mode_default": "default (every operation probed once, every company probed once; the "
        "other cells are inferred)",
        "mode_thorough": "thorough (every cell probed)",
        "calls": "Calls",
        "elapsed": "elapsed",
        "actions": "What to change in Nmbrs",
        "nothing": "Nothing: every required operation is allowed for every company checked.",
        "nothing_yet": "Nothing found to change so far; see the sections below for what could "
        "not be established or verified.",
        "act_credentials": "Nmbrs does not accept the username and API token. The token was "
        "probably reset (or the user removed): log in to Nmbrs as the API "
        "user, open {token_path}, copy the username and the new token, and send them "
        "again.",
        "act_domain": "Use domain `{domain}` (the saved domain `{saved}` is wrong).",
        "act_domain_unknown": "The saved domain is wrong: use the environment's own name, the "
        "part before `.nmbrs.nl` in the address of the Nmbrs web "
        "application.",
        "act_subscription": "The Nmbrs environment has no valid API subscription{code}. "
        "This is a commercial matter: contact Nmbrs to activate the API.",
        "act_template": "In Nmbrs: {path} → {service} → set {ops} to active.",
        "act_template_note": "Changes to a template apply at once to every user with that "
        "template.",
        "act_scope": "Give this user access to {what}: for an Accountant login with a debtor "
        "tag ({tags}), for a client login in {filter}.",
        "act_no_companies": "This user cannot see any company: give it access to the "
        "debtors/companies of the integration (debtor tag or company "
        "filter).",
        "act_debtor_access": "The consenting login cannot reach debtor {what}, so its companies "
        "could not be read: give that login access to the debtor (for an Accountant login a "
        "debtor tag: {tags}), or consent with a login that has it.",
        "act_errors": "{n} result(s) could not be established because of network or server "
        "errors; run the check again.",
        "act_na": "Not checked for lack of data: {what}.",
        "act_not_visible": "Company {what} is not visible to this user: a wrong id, or outside "
        "this user's scope. Check the id first; only if it is right, give the user access to it "
        "(debtor tag or company filter). Endpoint rights were probed on a visible company.",
        "errors_heading": "Could not be established: {steps}",
        "errors_kind": "{n} result(s): {kind} ({ops})",
        "not_verified_heading": "Not verified",
        "unverified_headline": "Some required operations could not be verified (nothing to "
        'call them with): see "Not verified".',
        "not_verified_line": "{op}: {why}",
        "not_verified_group": "{why} — {n} operations: {ops}",
        "unverified_login": "The login needed a refresh during the check, which this run may not "
        "make (its app secret belongs to another connection), so what followed is not verified: "
        "check this profile on its own (see Account).",
        "not_verified_exit": "The check exits with code 3 while a required operation is not "
        "verified.",
        "retries": "retries",
        "endpoint_rights": "Endpoint rights (API template: the same for every company)",
        "data_access": "Data access per company",
        "service": "Service",
        "operation": "Operation",
        "status": "Result",
        "basis": "How it was established",
        "company": "Company",
        "name": "Name",
        "account": "Account",
        "account_advice": "About the API account",
        "advice_dedicated": "Use a dedicated API account for the integration, not a person's "
        "own login: personal logins are bound to two-factor authentication, "
        "which blocks an integration and delays support.",
        "advice_accountant": "This account sees several debtors (an accountant environment): "
        "use a login from the Master Accountant template with a debtor tag on exactly the "
        "debtors of the integration ({tags}).",
        "advice_single": "This account sees one debtor: use a client login with a filter on "
        "the companies of the integration ({filter}), or a Master Bedrijfslogin.",
        "advice_unknown": "For several debtors (an accountant environment) use a login from "
        "the Master Accountant template with a debtor tag; for one debtor a client login "
        "with a company filter or a Master Bedrijfslogin.",
        "advice_template": "The account needs the right to create API tokens; give it its own "
        "API template, named after the integration, so its rights can be tracked.",
        "soap": "SOAP end of support",
        "soap_text": "Nmbrs stops supporting the SOAP API on {date}: {days} days after this "
        "check. Integrations must move to the Nmbrs REST API before then.",
        "soap_passed": "Nmbrs stopped supporting the SOAP API on {date} ({days} days before "
        "this check).",
        "not_listed": "A company missing from this list is one this user cannot see: give "
        "the user access to it (see above) and the next check will include it.",
        "support": "For the support engineer",
        "support_company": "Check a company this user cannot see by its id: "
        "`nmbrs-tui check --company ID` (repeatable).",
        "support_again": "Run the check again after the changes: `nmbrs-tui check{args}`.",
        "concurrency": "concurrency",
        "mode_word_default": "default",
        "mode_word_thorough": "thorough",
        "basis_probed": "probed",
        "basis_probed_on": "probed on company {id}",
        "basis_inferred": "inferred from {op} {where}",
        "basis_on_company": "on company {id}",
        "basis_account_wide": "(account-wide call)",
        "basis_no_subscription": "inferred: 1004 on the account checks",
        "basis_not_visible": "inferred: company not visible in {listing}",
        "basis_unprobed": "inferred: company visible in CompanyService.List_GetAll (no allowed "
        "company-level operation to probe its data with)",
        "basis_nothing": "nothing to probe with",
        "basis_not_probed": "not probed",
        "basis_thorough": "thorough mode could not probe this cell itself",
        "source_profile": "profile",
        "source_discovered": "discovered",
        "source_none": "none",
        "matrix": "Matrix (operations × companies)",
        "more_ok": "… and {n} more companies where every operation is allowed",
        "summary": "Summary",
        "summary_line": "{allowed} allowed, {missing} missing, {errors} errors, {nv} not "
        "verified, {na} not applicable ({cells} cells, {probed} probed)",
        "summary_account_errors": "{n} account checks failed",
        "summary_account_error": "1 account check failed",
        "probe_inputs": "Probe inputs",
        "on_companies": "on {n} of {total} companies",
        "company_ok": "all operations allowed",
        "company_denied": "reachable; {n} operation(s) switched off in the template",
        "stopped_token": "Nmbrs refused the REST access token (expired, revoked or missing), so "
        "the rights could not be checked: log in again.",
        "stopped_key": "Nmbrs' gateway refused the subscription key, so the rights could not be "
        "checked: check the profile's subscription key.",
        "stopped_token_or_key": "Nmbrs refused the REST access token or the subscription key "
        "(the answer does not say which), so the rights could not be checked: check the "
        "profile's subscription key, then log in again.",
        "act_consent": "Consent again to the integration with these scopes (a consent cannot be "
        "widened, a new one replaces it): {scopes}.",
        "act_scope_or_access": "{ops}: {why}. Either consent again including that scope, or "
        "give the consenting login access to this data (its template user's tags and filters "
        "in Nmbrs: {path}).",
        "endpoint_scopes": "Scopes (the consent: the same for every company)",
        "granted": "Granted scopes",
        "granted_unknown": "unknown (the token does not say; verdicts rest on probes only)",
        "advice_consent": "Only a client login or a company login of the debtor can consent to a "
        "REST integration; an accountant login cannot. If the wrong kind of user consented, "
        "have a client or company login consent instead.",
        "support_login": "Log in again: `nmbrs-tui auth login -P {profile}`, then run the check "
        "again.",
        "support_token_or_key": "Check the subscription key of the profile (`nmbrs-tui config "
        "show -P {profile}`); if it is right, log in again: `nmbrs-tui auth login -P {profile}`, "
        "then run the check again.",
        "support_key": "Check the subscription key of the profile (`nmbrs-tui config show -P "
        "{profile}`): the gateway refused it. A new login does not change it.",
        "basis_granted_scopes": "from the granted scopes (not called)",
    },
    "nl": {
        "title": "Controle API-rechten Nmbrs",
        "result": "Uitkomst",
        "ok": "Alle benodigde API-calls zijn toegestaan voor alle gecontroleerde bedrijven.",
        "findings": 'Er ontbreken rechten of toegang: voer de wijzigingen onder "Wat moet er '
        'in Nmbrs worden aangepast" uit.',
        "stopped_auth": "Nmbrs weigert de inlog, dus de rechten konden niet worden gecontroleerd.",
        "stopped_connect": "Nmbrs was niet bereikbaar, dus de rechten konden niet worden "
        "gecontroleerd: controleer het netwerk, de VPN en de proxy tussen deze machine en Nmbrs "
        "en voer de controle daarna opnieuw uit.",
        "stopped_cancelled": "De controle is afgebroken voordat hij klaar was.",
        "errors_headline": "Een deel van de rechten kon niet worden vastgesteld ({causes}): "
        "{steps}.",
        "none_established_headline": "Geen enkel recht kon worden vastgesteld ({causes}): {steps}.",
        "checked": "Wat is er gecontroleerd",
        "date": "Datum",
        "environment": "Omgeving",
        "api_user": "API-gebruiker",
        "domain": "Domein",
        "requirements": "Vereisten",
        "operations": "API-calls",
        "companies": "Bedrijven",
        "mode": "Werkwijze",
        "mode_default": "standaard (elke API-call één keer getest, elk bedrijf één keer "
        "getest; de overige cellen zijn daaruit afgeleid)",
        "mode_thorough": "grondig (elke cel apart getest)",
        "calls": "Aanroepen",
        "elapsed": "duur",
        "actions": "Wat moet er in Nmbrs worden aangepast",
        "nothing_yet": "Tot nu toe niets gevonden om aan te passen; zie hieronder wat niet kon "
        "worden vastgesteld of getest.",
        "nothing": "Niets: alle benodigde API-calls zijn toegestaan voor alle gecontroleerde "
        "bedrijven.",
        "act_credentials": "Nmbrs accepteert de gebruikersnaam en het API-token niet. "
        "Waarschijnlijk is het token opnieuw aangemaakt (of de gebruiker "
        "verwijderd): log in Nmbrs in als de API-gebruiker, open {token_path}, kopieer de "
        "gebruikersnaam en het nieuwe token en stuur ze opnieuw op.",
        "act_domain": "Gebruik domein `{domain}` (het opgeslagen domein `{saved}` klopt niet).",
        "act_domain_unknown": "Het opgeslagen domein klopt niet: gebruik de naam van de "
        "omgeving, het deel vóór `.nmbrs.nl` in het adres van de "
        "Nmbrs-webapplicatie.",
        "act_subscription": "De Nmbrs-omgeving heeft geen geldig API-abonnement{code}. "
        "Dat is een commerciële kwestie: neem contact op met Nmbrs om de "
        "API te laten activeren.",
        "act_template": "In Nmbrs: {path} → {service} → zet {ops} op actief.",
        "act_template_note": "Een wijziging in een template geldt direct voor alle gebruikers "
        "met die template.",
        "act_scope": "Geef deze gebruiker toegang tot {what}: bij een Accountant login met een "
        "debiteurentag ({tags}), bij een klantlogin in {filter}.",
        "act_no_companies": "Deze gebruiker ziet geen enkel bedrijf: geef hem toegang tot de "
        "debiteuren/bedrijven van de koppeling (debiteurentag of "
        "bedrijfsfilter).",
        "act_debtor_access": "De login die toestemming gaf kan debiteur {what} niet bereiken, "
        "dus de bedrijven ervan konden niet worden gelezen: geef die login toegang tot de "
        "debiteur (bij een Accountant login een debiteuren-tag: {tags}), of geef toestemming "
        "met een login die die toegang heeft.",
        "act_errors": "{n} uitkomst(en) konden niet worden vastgesteld door netwerk- of "
        "serverfouten; voer de controle opnieuw uit.",
        "act_na": "Niet gecontroleerd bij gebrek aan gegevens: {what}.",
        "act_not_visible": "Bedrijf {what} is niet zichtbaar voor deze gebruiker: een verkeerd "
        "id, of buiten het bereik van deze gebruiker. Controleer eerst het id; geef de gebruiker "
        "alleen als het klopt toegang (debiteurentag of bedrijfsfilter). De rechten per API-call "
        "zijn getest op een zichtbaar bedrijf.",
        "errors_heading": "Niet vastgesteld: {steps}",
        "errors_kind": "{n} uitkomst(en): {kind} ({ops})",
        "not_verified_heading": "Niet getest",
        "unverified_headline": "Een deel van de benodigde API-calls kon niet worden getest (er "
        'was niets om ze mee aan te roepen): zie "Niet getest".',
        "not_verified_line": "{op}: {why}",
        "not_verified_group": "{why} — {n} API-calls: {ops}",
        "unverified_login": "De inlog moest tijdens de controle worden vernieuwd, wat deze run "
        "niet mag doen (het app-secret hoort bij een andere verbinding), dus wat daarna kwam is "
        "niet getest: controleer dit profiel apart (zie Account).",
        "not_verified_exit": "De controle eindigt met code 3 zolang een benodigde API-call niet "
        "getest is.",
        "retries": "herhaalde aanroepen",
        "endpoint_rights": "Rechten per API-call (API-template: gelijk voor alle bedrijven)",
        "data_access": "Toegang tot gegevens per bedrijf",
        "service": "Onderdeel",
        "operation": "API-call",
        "status": "Uitkomst",
        "basis": "Hoe vastgesteld",
        "company": "Bedrijf",
        "name": "Naam",
        "account": "Het API-account",
        "account_advice": "Over het API-account",
        "advice_dedicated": "Gebruik een apart API-account voor de koppeling, niet de eigen "
        "inlog van een medewerker: persoonlijke inlogs hebben "
        "tweestapsverificatie, en dat blokkeert een koppeling en vertraagt "
        "de ondersteuning.",
        "advice_accountant": "Dit account ziet meerdere debiteuren (een accountantsomgeving): "
        "gebruik een login met de template Master Accountant en een debiteurentag op precies "
        "de debiteuren van de koppeling ({tags}).",
        "advice_single": "Dit account ziet één debiteur: gebruik een klantlogin met een filter "
        "op de bedrijven van de koppeling ({filter}), of een Master Bedrijfslogin.",
        "advice_unknown": "Bij meerdere debiteuren (een accountantsomgeving) een login met de "
        "template Master Accountant en een debiteurentag; bij één debiteur een klantlogin met "
        "een filter op de bedrijven, of een Master Bedrijfslogin.",
        "advice_template": "Het account heeft het recht nodig om API-tokens aan te maken; geef "
        "het een eigen API-template met de naam van de koppeling, zodat zichtbaar blijft welke "
        "rechten het heeft.",
        "soap": "Einde ondersteuning SOAP",
        "soap_text": "Nmbrs stopt op {date} met de ondersteuning van de SOAP-API: {days} dagen "
        "na deze controle. Koppelingen moeten vóór die datum over naar de "
        "REST-API van Nmbrs.",
        "soap_passed": "Nmbrs is op {date} gestopt met de ondersteuning van de SOAP-API "
        "({days} dagen vóór deze controle).",
        "not_listed": "Staat een bedrijf niet in deze lijst, dan kan deze gebruiker het niet "
        "zien: geef de gebruiker er toegang toe (zie hierboven), dan neemt de volgende controle "
        "het mee.",
        "support": "Voor de supportmedewerker",
        "support_company": "Een bedrijf dat deze gebruiker niet ziet, controleer je op zijn id: "
        "`nmbrs-tui check --company ID` (mag vaker).",
        "support_again": "Controle opnieuw na de wijzigingen: `nmbrs-tui check{args}`.",
        "concurrency": "gelijktijdige aanroepen",
        "mode_word_default": "standaard",
        "mode_word_thorough": "grondig",
        "basis_probed": "direct getest",
        "basis_probed_on": "getest bij bedrijf {id}",
        "basis_inferred": "afgeleid uit {op} {where}",
        "basis_on_company": "bij bedrijf {id}",
        "basis_account_wide": "(aanroep voor het hele account)",
        "basis_no_subscription": "afgeleid: fout 1004 bij de controle van het account",
        "basis_not_visible": "afgeleid: bedrijf staat niet in {listing}",
        "basis_unprobed": "afgeleid: bedrijf staat in CompanyService.List_GetAll (geen "
        "toegestane API-call op bedrijfsniveau om de gegevens mee te testen)",
        "basis_nothing": "niets om mee te testen",
        "basis_not_probed": "niet getest",
        "basis_thorough": "de grondige controle kon deze cel niet zelf testen",
        "source_profile": "profiel",
        "source_discovered": "gevonden",
        "source_none": "geen",
        "matrix": "Matrix (API-calls × bedrijven)",
        "more_ok": "… en nog {n} bedrijven waar alle API-calls zijn toegestaan",
        "summary": "Samenvatting",
        "summary_line": "{allowed} toegestaan, {missing} ontbrekend, {errors} fouten, {nv} niet "
        "getest, {na} n.v.t. ({cells} cellen, {probed} direct getest)",
        "summary_account_errors": "{n} accountcontroles mislukt",
        "summary_account_error": "1 accountcontrole mislukt",
        "probe_inputs": "Gebruikt om te testen",
        "on_companies": "bij {n} van {total} bedrijven",
        "company_ok": "alle API-calls toegestaan",
        "company_denied": "bereikbaar; {n} API-call(s) staan uit in de template",
        "stopped_token": "Nmbrs weigert het REST-toegangstoken (verlopen, ingetrokken of "
        "ontbrekend), dus de rechten konden niet worden gecontroleerd: log opnieuw in.",
        "stopped_key": "De gateway van Nmbrs weigert de subscription key, dus de rechten konden "
        "niet worden gecontroleerd: controleer de subscription key van het profiel.",
        "stopped_token_or_key": "Nmbrs weigert het REST-toegangstoken of de subscription key "
        "(het antwoord zegt niet welke), dus de rechten konden niet worden gecontroleerd: "
        "controleer de subscription key van het profiel en log daarna opnieuw in.",
        "act_consent": "Geef opnieuw toestemming aan de koppeling met deze scopes (een "
        "toestemming kan niet worden uitgebreid, een nieuwe vervangt haar): {scopes}.",
        "act_scope_or_access": "{ops}: {why}. Geef opnieuw toestemming inclusief die scope, of "
        "geef de login die toestemming gaf toegang tot deze gegevens (tags en filters van zijn "
        "template user in Nmbrs: {path}).",
        "endpoint_scopes": "Scopes (de toestemming: gelijk voor alle bedrijven)",
        "granted": "Toegekende scopes",
        "granted_unknown": "onbekend (het token zegt het niet; de uitkomst berust alleen op "
        "proefaanroepen)",
        "advice_consent": "Alleen een klantlogin of een bedrijfslogin van de debiteur kan "
        "toestemming geven voor een REST-koppeling, een accountantslogin niet. Gaf de verkeerde "
        "soort gebruiker toestemming, laat dan een klant- of bedrijfslogin dat doen.",
        "support_login": "Log opnieuw in: `nmbrs-tui auth login -P {profile}`, en controleer "
        "daarna opnieuw.",
        "support_token_or_key": "Controleer de subscription key van het profiel (`nmbrs-tui "
        "config show -P {profile}`); klopt die, log dan opnieuw in: `nmbrs-tui auth login -P "
        "{profile}`, en controleer daarna opnieuw.",
        "support_key": "Controleer de subscription key van het profiel (`nmbrs-tui config show "
        "-P {profile}`): de gateway weigert hem. Opnieuw inloggen verandert hem niet.",
        "basis_granted_scopes": "uit de toegekende scopes (niet aangeroepen)",
    },
}


# The account checks by name, and what each outcome means, for the customer's language.
ACCOUNT_CHECKS: dict[str, dict[str, str]] = {
    "nl": {
        "credentials": "inloggegevens",
        "domain": "domein",
        "environment_get": "Environment_Get",
        "connection": "verbinding",
        "subscription": "abonnement",
        "debtors": "debiteuren",
        "companies": "bedrijven",
        "token": "toegangstoken",
        "token_or_key": "token of key",
        "subscription_key": "subscription key",
        "scopes": "scopes",
        "user": "gebruiker",
        "debtor_companies": "bedrijven per debiteur",
    },
}

ACCOUNT_NL: dict[tuple[str, Status], str] = {
    ("credentials", Status.ALLOWED): "gebruikersnaam en API-token geaccepteerd",
    ("credentials", Status.AUTH_FAILED): "Nmbrs weigert de gebruikersnaam of het API-token "
    "(fout 1001)",
    ("domain", Status.ALLOWED): "domein {value} klopt met de omgeving",
    ("domain", Status.AUTH_FAILED): "het opgeslagen domein klopt niet (fout 1001)",
    ("subscription", Status.NO_SUBSCRIPTION): "de omgeving heeft geen geldig API-abonnement{code}",
    ("debtors", Status.ALLOWED): "{value} {debtor_word} zichtbaar",
    ("companies", Status.ALLOWED): "{value} {company_word} zichtbaar",
    ("companies", Status.NO_DATA_ACCESS): "deze gebruiker ziet geen enkel bedrijf",
    ("token", Status.AUTH_FAILED): "Nmbrs weigert het toegangstoken (verlopen of ingetrokken)",
    ("token_or_key", Status.AUTH_FAILED): "Nmbrs weigert het toegangstoken of de subscription "
    "key (het antwoord zegt niet welke)",
    ("subscription_key", Status.AUTH_FAILED): "de gateway van Nmbrs weigert de subscription key",
    ("scopes", Status.ALLOWED): "alle benodigde scopes zijn toegekend",
    ("scopes", Status.SCOPE_MISSING): "er ontbreken scopes (zie hieronder)",
    ("scopes", Status.NOT_VERIFIED): "het token zegt niet welke scopes het heeft",
    ("token", Status.NOT_VERIFIED): REFRESH_WITHHELD["nl"] + ": controleer het profiel apart "
    "({value})",
    ("user", Status.ALLOWED): "toestemming gegeven door {value}",
    ("debtor_companies", Status.NO_DATA_ACCESS): "de login die toestemming gaf kan debiteur "
    "{value} niet bereiken",
}


def account_check_name(check: str, lang: str) -> str:
    """The check's name in ``lang`` (English: the check's own id, as in the JSON)."""
    return ACCOUNT_CHECKS.get(lang, {}).get(check, check)


def account_text(account: Any, lang: str) -> str:
    """One account check in the customer's language (English: the check's own message)."""
    if lang == "en":
        return str(account.message)
    if account.check in ("companies", "debtors") and account.status is Status.ALLOWED:
        value = account.value or _leading_number(account.message)
    else:
        value = account.value or ""
    template = ACCOUNT_NL.get((account.check, account.status))
    if template is not None:
        one = value == "1"
        text = template.format(
            value=value,
            debtor_word="debiteur" if one else "debiteuren",
            company_word="bedrijf" if one else "bedrijven",
            code=f" (fout {account.fault_code})" if account.fault_code is not None else "",
        )
        if account.check == "domain" and account.status is Status.AUTH_FAILED and value:
            text += f": gebruik {value}"
        return text
    code = f" (fout {account.fault_code})" if account.fault_code is not None else ""
    if account.check == "user" and account.status is Status.ERROR:
        reason = account.message.removeprefix(ACCOUNT_UNREAD["en"]).removeprefix(": ")
        return f"{ACCOUNT_UNREAD['nl']}: {engineer_note(reason, lang)}"
    if account.status is Status.ERROR and account.message.startswith(GATEWAY_REFUSED["en"]):
        return engineer_note(account.message, lang)
    if account.check == "environment_get":
        return (
            "Environment_Get gaf geen domein" + code + "; de controle ging verder zonder "
            "domein, wat Nmbrs accepteert"
        )
    if account.check == "connection":
        return "Nmbrs was niet bereikbaar of gaf geen bruikbaar antwoord" + code
    return f"{WORDS['nl'][account.status]}{code}"


def account_line(account: Any, lang: str) -> str:
    """An account line with its own words kept: in Dutch, what its fixed kind means (the
    check and its status, or its error kind) in front of the line as the check wrote it,
    whose server text is never translated. English: the line as written."""
    if lang == "en":
        return str(account.message)
    said = ACCOUNT_NL.get((account.check, account.status))
    if said is None and account.status is Status.ERROR and account.error_kind:
        said = ERROR_KINDS[lang].get(account.error_kind)
    if said is None:
        return str(account.message)
    value = account.value or ""
    code = f" (fout {account.fault_code})" if account.fault_code is not None else ""
    said = said.format(value=value, debtor_word="debiteuren", company_word="bedrijven", code=code)
    return f"{said}: {account.message}"


def _leading_number(text: str) -> str:
    head = str(text).split(" ", 1)[0]
    return head if head.isdigit() else ""


def basis_text(basis: Basis | str | None, lang: str) -> str:
    """Why a verdict holds, in the report's language."""
    if basis is None:
        return ""
    if not isinstance(basis, Basis):
        return str(basis)
    match basis.kind:
        case BasisKind.PROBED:
            text = say(lang, "basis_probed")
        case BasisKind.INFERRED_FROM_PROBE:
            where = (
                say(lang, "basis_on_company", id=basis.company_id)
                if basis.company_id is not None
                else say(lang, "basis_account_wide")
            )
            text = say(lang, "basis_inferred", op=basis.operation, where=where)
        case BasisKind.NO_SUBSCRIPTION:
            text = say(lang, "basis_no_subscription")
        case BasisKind.COMPANY_NOT_VISIBLE:
            text = say(
                lang, "basis_not_visible", listing=basis.operation or "CompanyService.List_GetAll"
            )
        case BasisKind.COMPANY_UNPROBED:
            text = say(lang, "basis_unprobed")
        case BasisKind.NOTHING_TO_PROBE_WITH:
            text = say(lang, "basis_nothing")
        case BasisKind.GRANTED_SCOPES:
            text = say(lang, "basis_granted_scopes")
        case _:
            text = say(lang, "basis_not_probed")
    if basis.thorough:
        text += (
            f" ({say(lang, 'basis_thorough')})"
            if lang != "en"
            else f" (thorough: {basis.thorough})"
        )
    return text


def domain_source_text(source: Any, lang: str) -> str:
    """``profile`` / ``discovered`` / ``none (…)`` in the report's language."""
    text = str(source or "")
    for key in ("profile", "discovered", "none"):
        if text == key or (key == "none" and text.startswith("none")):
            return say(lang, f"source_{key}")
    return text


def account_advice(report: RightsReport, lang: str) -> str:
    """Which kind of login fits, from what this account can see."""
    debtors = next((a for a in report.account if a.check == "debtors"), None)
    count = None
    if debtors is not None and debtors.status is Status.ALLOWED:
        raw = debtors.value or _leading_number(debtors.message)
        count = int(raw) if raw.isdigit() else None
    if count is not None and count > 1:
        return say(lang, "advice_accountant", tags=nmbrs_words.DEBTOR_TAGS[lang])
    if count == 1:
        return say(lang, "advice_single", filter=nmbrs_words.CLIENT_FILTER[lang])
    return say(lang, "advice_unknown")


# The prober writes its notes and "not verified" reasons in English (the engineer's call log
# speaks English). The Dutch report says each known shape in Dutch; the patterns follow the
# sentences the probers write, and a test over every demo scenario keeps the two in step.
_NL_FRAGMENTS: tuple[tuple[str, str], ...] = (
    (GATEWAY_REFUSED["en"], GATEWAY_REFUSED["nl"]),
    (REFRESH_WITHHELD["en"], REFRESH_WITHHELD["nl"]),
    (" failed with HTTP ", " mislukt met HTTP "),
    ("no employee id to probe with", "geen werknemer-id om mee te testen"),
    ("every source of employee ids is switched off", "elke bron van werknemer-ids staat uit"),
    ("allow one of them in the API template", "zet er één aan in de API-template"),
    ("none of the ", "geen van de "),
    (" companies in scope lists an employee", " bedrijven in bereik toont een werknemer"),
    (
        # the customer reads these: what to name, not the flag (the engineer's part of the
        # report says how: check --company ID)
        "; name a company with employees with --company",
        "; noem een bedrijf met werknemers",
    ),
    ("no company in reach has employees", "geen bedrijf in bereik heeft werknemers"),
    (": name one that has with --company", ": noem een bedrijf met werknemers"),
    ("no company in scope to probe on", "geen bedrijf in bereik om op te testen"),
    ("every company answered with a scope fault or an error", "elk bedrijf gaf een fout"),
    (
        "; name a company this user can see with --company",
        "; noem een bedrijf dat deze gebruiker ziet",
    ),
    ("Probe company: ", "Testbedrijf: "),
    (
        " companies with this number (one per debtor), each checked: ",
        " bedrijven met dit nummer (één per debiteur), elk gecontroleerd: ",
    ),
    ("first company in scope: ", "eerste bedrijf in bereik: "),
    (" answered", " gaf antwoord"),
    (
        " added, because no company named with --company is visible to this user",
        " toegevoegd, omdat geen met --company genoemd bedrijf zichtbaar is voor deze gebruiker",
    ),
    ("Column probe: ", "Kolomtest: "),
    (" on every company", " bij elk bedrijf"),
    ("Employee id: none", "Werknemer-id: geen"),
    ("Employee id: ", "Werknemer-id: "),
    (", then ", ", daarna "),
    (" per employee type", " per soort werknemer"),
    ("employee ids of ", "werknemer-ids uit "),
    ("no route gave an employee", "geen route gaf een werknemer"),
    ("Employee found in company ", "Werknemer gevonden in bedrijf "),
    ("Run id: ", "Run-id: "),
    (" on company ", " bij bedrijf "),
    ("nobody", "niemand"),
    (
        "The consent spans several debtors: /api/companies refuses it, so the companies were "
        "read per debtor (no action needed).",
        "De toestemming geldt voor meerdere debiteuren: /api/companies weigert die, dus de "
        "bedrijven zijn per debiteur gelezen (geen actie nodig).",
    ),
    (
        "No allowed operation could probe company data: ",
        "Geen toegestane API-call kon bedrijfsgegevens testen: ",
    ),
)


def engineer_note(text: str, lang: str) -> str:
    """A probe note or "not verified" reason in the report's language."""
    if lang != "nl":
        return text
    for english, dutch in _NL_FRAGMENTS:
        text = text.replace(english, dutch)
    return re.sub(r"(?<![-\w])company (?=\d)", "bedrijf ", text)  # "company 20001: nobody"


def counts_text(summary: dict[str, Any], lang: str) -> str:
    """The counts line of a report: its cells by verdict, then the account rows whose calls
    failed, which are no cells (so "0 errors (0 cells)" never stands beside failed ones)."""
    text = say(
        lang,
        "summary_line",
        allowed=summary["allowed"],
        missing=summary["missing"],
        errors=summary["errors"],
        nv=summary["not_verified"],
        na=summary["not_applicable"],
        cells=summary["cells"],
        probed=summary["probed"],
    )
    failed = summary["account_errors"]
    if failed:
        key = "summary_account_error" if failed == 1 else "summary_account_errors"
        text += " · " + say(lang, key, n=failed)
    return text


def seconds_text(ms: float, lang: str, digits: int = 1) -> str:
    """A duration with the decimal separator of the language (``0,4 s`` in Dutch)."""
    text = f"{ms / 1000:.{digits}f} s"
    return text.replace(".", ",") if lang == "nl" else text


def say(lang: str, key: str, **values: Any) -> str:
    text = T.get(lang, T["en"]).get(key) or T["en"][key]
    return text.format(**values) if values else text


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (choose from {', '.join(LANGS)})")
    return lang


def format_date(value: Any, lang: str) -> str:
    if lang == "nl":
        return f"{value.day} {MONTHS_NL[value.month - 1]} {value.year}"
    return f"{value.day} {value.strftime('%B')} {value.year}"


def badge(status: Status, lang: str = "en") -> str:
    """Glyph and word, e.g. ``✓ allowed``."""
    return f"{GLYPHS[status]} {WORDS[lang][status]}"
