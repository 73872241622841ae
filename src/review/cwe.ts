/**
 * CWE identifiers as the review writes them (`CWE-89`), the spellings models use for them, and
 * what the SARIF rules say about the common ones. A finding may have no CWE: it is then
 * reported with `NO_CWE` rather than dropped.
 */
import type { Severity } from "../config/repo-config.js";

/** The `cwe` of a finding that has none (shown as such in comments, reports and SARIF). */
export const NO_CWE = "no CWE";

/**
 * `CWE-89` for `CWE-89`, `cwe-89`, `CWE89`, `CWE 89`, `CWE_89`, `CWE-089`, `89`, `CWE-89: SQL
 * Injection`; undefined when no CWE number can be read (or it is 0).
 */
export function normalizeCwe(input: unknown): string | undefined {
  if (typeof input === "number") return Number.isInteger(input) && input > 0 && input < 100000 ? `CWE-${input}` : undefined;
  if (typeof input !== "string") return undefined;
  const m = /^\s*(?:cwe)?\s*[-_:#]?\s*0*(\d{1,5})(?!\d)/i.exec(input);
  if (!m || Number(m[1]) === 0) return undefined;
  return `CWE-${Number(m[1])}`;
}

/** The number of a normalized `CWE-n`, or undefined (for NO_CWE). */
export function cweNumber(cwe: string): number | undefined {
  const m = /^CWE-(\d+)$/.exec(cwe);
  return m ? Number(m[1]) : undefined;
}

export interface CweInfo {
  /** PascalCase rule name for SARIF. */
  name: string;
  /** MITRE's name, shortened. */
  title: string;
  /** Typical severity when exploitable; a finding's own severity wins. */
  severity: Severity;
}

/** The weaknesses the review prompt asks about, the CWE Top 25, and the ones our own checks use. */
export const CWE_INFO: Readonly<Record<number, CweInfo>> = {
  20: { name: "ImproperInputValidation", title: "Improper input validation", severity: "medium" },
  22: { name: "PathTraversal", title: "Path traversal", severity: "high" },
  77: { name: "CommandInjection", title: "Command injection", severity: "critical" },
  78: { name: "OsCommandInjection", title: "OS command injection", severity: "critical" },
  79: { name: "CrossSiteScripting", title: "Cross-site scripting (XSS)", severity: "medium" },
  89: { name: "SqlInjection", title: "SQL injection", severity: "high" },
  90: { name: "LdapInjection", title: "LDAP injection", severity: "high" },
  94: { name: "CodeInjection", title: "Code injection", severity: "critical" },
  95: { name: "EvalInjection", title: "Eval injection", severity: "critical" },
  116: { name: "ImproperOutputEncoding", title: "Improper encoding or escaping of output", severity: "medium" },
  119: { name: "MemoryBufferBoundsViolation", title: "Improper restriction of operations within the bounds of a memory buffer", severity: "high" },
  125: { name: "OutOfBoundsRead", title: "Out-of-bounds read", severity: "high" },
  190: { name: "IntegerOverflow", title: "Integer overflow or wraparound", severity: "medium" },
  200: { name: "SensitiveInformationExposure", title: "Exposure of sensitive information to an unauthorized actor", severity: "medium" },
  209: { name: "ErrorMessageInformationExposure", title: "Sensitive information in an error message", severity: "low" },
  269: { name: "ImproperPrivilegeManagement", title: "Improper privilege management", severity: "high" },
  276: { name: "IncorrectDefaultPermissions", title: "Incorrect default permissions", severity: "medium" },
  287: { name: "ImproperAuthentication", title: "Improper authentication", severity: "critical" },
  295: { name: "ImproperCertificateValidation", title: "Improper certificate validation", severity: "high" },
  306: { name: "MissingAuthentication", title: "Missing authentication for a critical function", severity: "critical" },
  311: { name: "MissingEncryption", title: "Missing encryption of sensitive data", severity: "medium" },
  312: { name: "CleartextStorage", title: "Cleartext storage of sensitive information", severity: "medium" },
  319: { name: "CleartextTransmission", title: "Cleartext transmission of sensitive information", severity: "medium" },
  327: { name: "BrokenCrypto", title: "Use of a broken or risky cryptographic algorithm", severity: "medium" },
  328: { name: "WeakHash", title: "Use of a weak hash", severity: "medium" },
  330: { name: "InsufficientRandomness", title: "Use of insufficiently random values", severity: "medium" },
  338: { name: "WeakPrng", title: "Cryptographically weak pseudo-random number generator", severity: "medium" },
  345: { name: "InsufficientAuthenticityVerification", title: "Insufficient verification of data authenticity", severity: "medium" },
  347: { name: "ImproperSignatureVerification", title: "Improper verification of a cryptographic signature", severity: "high" },
  352: { name: "CrossSiteRequestForgery", title: "Cross-site request forgery (CSRF)", severity: "medium" },
  362: { name: "RaceCondition", title: "Race condition", severity: "medium" },
  367: { name: "TimeOfCheckTimeOfUse", title: "Time-of-check time-of-use race condition", severity: "medium" },
  400: { name: "UncontrolledResourceConsumption", title: "Uncontrolled resource consumption", severity: "medium" },
  416: { name: "UseAfterFree", title: "Use after free", severity: "high" },
  434: { name: "UnrestrictedFileUpload", title: "Unrestricted upload of a file with a dangerous type", severity: "high" },
  451: { name: "MisrepresentationOfCriticalInformation", title: "User interface misrepresentation of critical information", severity: "medium" },
  476: { name: "NullPointerDereference", title: "NULL pointer dereference", severity: "medium" },
  502: { name: "UnsafeDeserialization", title: "Deserialization of untrusted data", severity: "high" },
  522: { name: "InsufficientlyProtectedCredentials", title: "Insufficiently protected credentials", severity: "high" },
  532: { name: "SensitiveDataInLogs", title: "Sensitive information in a log file", severity: "medium" },
  601: { name: "OpenRedirect", title: "Open redirect", severity: "medium" },
  611: { name: "XmlExternalEntity", title: "XML external entity (XXE) reference", severity: "high" },
  613: { name: "InsufficientSessionExpiration", title: "Insufficient session expiration", severity: "medium" },
  614: { name: "InsecureCookie", title: "Sensitive cookie without the Secure attribute", severity: "low" },
  639: { name: "AuthorizationBypassThroughUserKey", title: "Authorization bypass through a user-controlled key (IDOR)", severity: "high" },
  643: { name: "XpathInjection", title: "XPath injection", severity: "high" },
  732: { name: "IncorrectPermissionAssignment", title: "Incorrect permission assignment for a critical resource", severity: "medium" },
  770: { name: "UnlimitedResourceAllocation", title: "Allocation of resources without limits or throttling", severity: "medium" },
  787: { name: "OutOfBoundsWrite", title: "Out-of-bounds write", severity: "high" },
  798: { name: "HardCodedCredentials", title: "Use of hard-coded credentials", severity: "critical" },
  829: { name: "UntrustedFunctionalityInclusion", title: "Inclusion of functionality from an untrusted control sphere", severity: "high" },
  862: { name: "MissingAuthorization", title: "Missing authorization", severity: "high" },
  863: { name: "IncorrectAuthorization", title: "Incorrect authorization", severity: "high" },
  915: { name: "MassAssignment", title: "Improperly controlled modification of object attributes (mass assignment)", severity: "medium" },
  916: { name: "WeakPasswordHash", title: "Password hash with insufficient computational effort", severity: "medium" },
  918: { name: "ServerSideRequestForgery", title: "Server-side request forgery (SSRF)", severity: "high" },
  943: { name: "NoSqlInjection", title: "Improper neutralization of special elements in a data query (NoSQL injection)", severity: "high" },
  1039: {
    name: "PromptInjectionOfAutomatedReviewers",
    title: "Inputs that mislead automated recognition (prompt injection against reviewers)",
    severity: "medium",
  },
  1104: { name: "UnmaintainedThirdPartyComponent", title: "Use of unmaintained third-party components", severity: "low" },
  1188: { name: "InsecureDefaultInitialization", title: "Insecure default initialization of a resource", severity: "medium" },
  1321: { name: "PrototypePollution", title: "Prototype pollution", severity: "high" },
  1333: { name: "RegularExpressionDenialOfService", title: "Inefficient regular expression complexity (ReDoS)", severity: "medium" },
  1336: { name: "TemplateInjection", title: "Server-side template injection", severity: "critical" },
  1395: { name: "VulnerableThirdPartyComponent", title: "Dependency on a vulnerable third-party component", severity: "high" },
};

export function cweUrl(n: number): string {
  return `https://cwe.mitre.org/data/definitions/${n}.html`;
}
