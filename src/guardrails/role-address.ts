/**
 * Role (functional) mailboxes — billing@, support@, no-reply@, press@, ops-team@ — name a function
 * of an organisation, not a person, so they are not personal data (GDPR guidance: an address is
 * personal when it identifies an individual, e.g. jane.doe@). They are facts worth keeping ("invoices
 * come from billing@…"). An address counts as a role address only when EVERY part of its local part
 * (split at . _ - +) is a function word below, and its domain is not a free-mail provider (there a
 * role-looking name is still somebody's own mailbox). Anything else stays redacted.
 */

const ROLE_WORDS = new Set(
  `abuse accounting accounts admin administration administrator alerts ap apac ar billing booking bookings bounce bounces
  care careers cert compliance contact contracts customer customers customerservice data dept department desk dev devops
  donotreply dpo emea enquiries enquiry events feedback finance global group hello help helpdesk hostmaster hq hr info
  information inquiries inquiry intl invoice invoices it jobs legal mail mailer marketing media news newsletter noc
  noreply notifications notify office ops operations orders order partners payables payments payroll postmaster press
  privacy procurement purchasing payable receivable receivables reception recruiting recruitment refund refunds returns sales
  secops security service servicedesk services shipping shop soc social staff support sysadmin tax team tech travel treasury
  webmaster benefits facilities onboarding engineering product design growth community partnerships investors ir wholesale
  licensing editorial newsroom research qa advertising ads sponsorship vendors suppliers release releases notes
  announcements updates status incidents oncall escalations talent hiring training docs documentation platform infra
  queue queues inbox mailbox requests request tickets ticket intake triage`.split(/\s+/),
);

/** Regions a role mailbox may carry ("support-eu@", "billing.de@"); kept short, since most two-letter parts are initials. */
const QUALIFIER = /^(?:eu|us|uk|de|fr|es|nl|ch|at|emea|apac|latam|amer|nordics|dach|benelux)$/;

const FREE_MAIL = /(?:^|\.)(?:gmail|googlemail|yahoo|ymail|outlook|hotmail|live|msn|icloud|me|mac|aol|gmx|web|proton|protonmail|pm|mail|yandex|qq|163|126|zoho|fastmail|tutanota|hey)\.[a-z]{2,3}(?:\.[a-z]{2})?$/i;

/** Is `address` ("billing@acme.example", also the spelled "billing (at) acme (dot) example") a role mailbox? */
export function isRoleAddress(address: string): boolean {
  const norm = address.toLowerCase().replace(/\s*[[(]\s*at\s*[\])]\s*/g, '@').replace(/\s*[[(]\s*dot\s*[\])]\s*/g, '.');
  const at = norm.lastIndexOf('@');
  if (at <= 0) return false;
  // "no-reply", "do_not_reply": one function word.
  const local = norm.slice(0, at).replace(/(?:do[._-]?not|no)[._-]?reply/g, 'noreply');
  const domain = norm.slice(at + 1);
  if (FREE_MAIL.test(domain)) return false;
  const parts = local.split(/[._+-]+/).filter(Boolean);
  if (!parts.some((p) => ROLE_WORDS.has(p))) return false;
  // A short number tells role mailboxes apart ("support-2@", "it-queue-7@"); it names nobody.
  return parts.every((p) => ROLE_WORDS.has(p) || QUALIFIER.test(p) || /^\d{1,3}$/.test(p));
}
