"""Nmbrs' own names for the screens a customer changes, in English and Dutch.

A customer follows a report with the Nmbrs web application open, so the report names menus
exactly as Nmbrs' help pages do. Sources (Nmbrs' help centre, read 2026-12):

- Template users live under the highest settings level, section "Gebruikersaccounts", item
  "Template Users"; user types there are "Master Bedrijfslogin", "Master Client (klant login)":
  https://support.nmbrs.nl/hc/nl/articles/211990857-Zelf-een-template-aanmaken-business-klanten
- An API template switches single API calls active/inactive per service (Employee, Company,
  Debtor); an inactive call answers 1002:
  https://support.nmbrs.com/hc/en-us/articles/360013527371-API-User-Template
- Debtor tags ("Debiteuren Tags" on the tab "Instellingen") filter an "Accountant login":
  https://support.nmbrs.nl/hc/nl/articles/204055916-Debiteuren-tags-aanmaken
- A client login sees only the companies ticked in its filter:
  https://support.nmbrs.com/hc/en-us/articles/360018607499-Creating-a-client-login-Accountants
- Several debtors: a login from the "Master Accountant" template; one debtor or a Business
  product: a client login or "Master Bedrijfslogin"; the token is under the e-mail address
  (top right) → "User profile" → tab "API Token":
  https://support.nmbrs.nl/hc/nl/articles/360010686800-Connect-Nmbrs-with-an-API-token
  https://support.nmbrs.com/hc/en-us/articles/360013305712-How-to-get-an-API-token
"""

from __future__ import annotations

from nmbrs_client.operations import Service

TEMPLATE_PATH = {
    "en": "Settings (highest level) → User accounts → Template Users → <your API template> → API",
    "nl": "Instellingen (hoogste niveau) → Gebruikersaccounts → Template Users → <uw "
    "API-template> → API",
}

# The services as the API tab of a template lists them (Nmbrs shows these names untranslated).
SERVICE_NAMES: dict[str, dict[Service, str]] = {
    "en": {
        Service.EMPLOYEE: "Employee Service",
        Service.COMPANY: "Company Service",
        Service.DEBTOR: "Debtor Service",
    },
    "nl": {
        Service.EMPLOYEE: "Employee Service (werknemers)",
        Service.COMPANY: "Company Service (bedrijven)",
        Service.DEBTOR: "Debtor Service (debiteuren)",
    },
}

TOKEN_PATH = {
    "en": "your e-mail address (top right) → User profile → tab API Token",
    "nl": "uw e-mailadres (rechtsboven) → User profile (gebruikersprofiel) → tabblad API Token",
}

DEBTOR_TAGS = {
    "en": "Settings → Debtor Tags, then the filter of the login under Settings → Accountant login",
    "nl": "Instellingen → Debiteuren Tags, en daarna de filter van de login onder "
    "Instellingen → Accountant login",
}

CLIENT_FILTER = {
    "en": "the filter of the client login (the debtor → User accounts → Client login)",
    "nl": "de filter van de klantlogin (de debiteur → Gebruikersaccounts → Klant login)",
}

TEMPLATE_USERS_PATH = {
    "en": "Settings (highest level) → User accounts → Template Users",
    "nl": "Instellingen (hoogste niveau) → Gebruikersaccounts → Template Users",
}
