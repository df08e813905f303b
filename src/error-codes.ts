/**
 * The one registry of error codes: every code an AppError can carry, its exit status, and the two texts
 * of the README's Troubleshooting table ("what happened", "what to do"). AppError takes its exit status
 * from here and `todo` is the hint when a throw site gives none; throw sites keep their own, more
 * specific message and hint.
 *
 * To add a code: add ONE line to ERROR_CODES below, in the block of its area:
 *
 *   MY_CODE: { area: 'idp', exit: ExitCode.auth, what: 'what happened, in a few words', todo: 'what to do' },
 *
 * then run `npm run docs` to regenerate the README table (src/docs.test.ts fails until you do). The
 * compiler refuses a thrown code that is not here, and a class whose category does not match the exit
 * status (an IdpError must carry a code with exit 3, see src/errors.ts). `what` and `todo` are
 * Markdown table cells: one line, backticks for commands, no secrets.
 */

/**
 * Exit statuses: 1 generic failure, 2 usage, 3 IdP/auth, 4 SAML, 5 STS, 6 files, 7 needs a prompt;
 * 126/127 for a command `awsfed exec` cannot start (as POSIX shells report them), 130 for Ctrl-C at a
 * prompt (128 + SIGINT, as shells report an interrupted program).
 */
export const ExitCode = {
  failure: 1,
  usage: 2,
  auth: 3,
  saml: 4,
  sts: 5,
  files: 6,
  prompt: 7,
  notExecutable: 126,
  notFound: 127,
  interrupted: 130,
} as const;

export type ExitStatus = (typeof ExitCode)[keyof typeof ExitCode];

/** The README table's groups, in the order they are shown. */
export const ERROR_AREAS = {
  settings: 'Settings and flags',
  idp: 'Sign-in at the IdP',
  password: 'Password and prompts',
  saml: 'SAML response',
  roles: 'Roles and profile names',
  sts: 'STS',
  chain: 'Chained profiles',
  catalog: 'Destinations and policies (add, remove, export, policy)',
  shell: 'switch and exec',
  console: 'Console',
  files: 'Files',
  doctor: 'awsfed doctor',
} as const;

export type ErrorArea = keyof typeof ERROR_AREAS;

export interface ErrorCodeSpec {
  area: ErrorArea;
  exit: ExitStatus;
  /** What happened (README column; a few words). */
  what: string;
  /** What to do (README column, and the hint when the throw site gives none). */
  todo: string;
  /**
   * A wrapper (a hop skipped because the failure it depends on): it exits as the AppError it wraps
   * (its `cause`), so that a bad password behind a skipped hop still exits 3; `exit` applies without one.
   */
  exitFromCause?: true;
}

export const ERROR_CODES = {
  // settings: flags, environment and ~/.aws/config values that are not valid
  IDP_URL_MISSING: { area: 'settings', exit: ExitCode.usage, what: 'no IdP URL is configured for the profile (or none was typed at the prompt)', todo: '`awsfed configure --idp-url adfs.corp.example`, or `--idp-url` / `AWSFED_IDP_URL`' },
  IDP_URL_INVALID: { area: 'settings', exit: ExitCode.usage, what: 'the IdP URL is empty, not a host/https URL, plain `http://` to another machine, or carries a user name or password', todo: 'give the AD FS host name or its `https://` IdP-initiated sign-on URL' },
  PROXY_INVALID: { area: 'settings', exit: ExitCode.usage, what: 'the proxy (`--proxy`, `AWSFED_PROXY`, `awsfed_proxy`, `HTTPS_PROXY`, ...) is not an http:// or https:// URL', todo: 'give it as `http://HOST:PORT` (or `http://USER:PASSWORD@HOST:PORT`)' },
  LOGOUT_NO_IDP: { area: 'settings', exit: ExitCode.usage, what: '`awsfed logout` names a profile without an IdP URL, so there is no IdP session to forget', todo: 'name the profile you sign in with (`--profile NAME`) or the IdP (`--idp-url`)' },
  DURATION_INVALID: { area: 'settings', exit: ExitCode.usage, what: '`--duration` / `AWSFED_DURATION` / `awsfed_duration` is not a duration', todo: 'give seconds (`3600`) or `1h`, `90m`' },
  DURATION_OUT_OF_RANGE: { area: 'settings', exit: ExitCode.usage, what: 'the duration is outside STS\'s 900..43200 s', todo: '`--duration 15m` .. `12h`' },
  TIMEOUT_INVALID: { area: 'settings', exit: ExitCode.usage, what: '`--timeout` / `AWSFED_TIMEOUT` / `awsfed_timeout` is not a time from 1 s to 1 h', todo: 'give seconds (`90`) or a unit (`90s`, `2m`, `1h`); the default is 2m' },
  USERNAME_EMPTY: { area: 'settings', exit: ExitCode.usage, what: 'an empty user name was typed at the prompt', todo: 'type your AD user name (`user@corp.example` or `CORP\\user`)' },
  BAD_REGION: { area: 'settings', exit: ExitCode.usage, what: 'a region (flag, `AWS_REGION`/`AWS_DEFAULT_REGION` or `region` in the profile) is not a region name', todo: 'give a region like `us-east-1`, `eu-west-1`, `us-gov-west-1` or `cn-north-1`' },
  BAD_OUTPUT: { area: 'settings', exit: ExitCode.usage, what: 'an output format (flag, `AWS_DEFAULT_OUTPUT` or `output` in the profile) is not one the AWS CLI knows', todo: 'use `json`, `text`, `table`, `yaml` or `yaml-stream`' },
  LOGIN_TARGET_IS_DESTINATION: { area: 'settings', exit: ExitCode.usage, what: '`login` or `configure` was pointed at a destination profile (one with `role_arn`)', todo: '`awsfed login --profile GATEWAY`, then `awsfed refresh NAME` (the message names both)' },
  CONCURRENCY_INVALID: { area: 'settings', exit: ExitCode.usage, what: '`refresh --concurrency` is not a whole number from 1 to 64', todo: 'leave it out (default 8) or give 1..64' },
  MIN_TTL_INVALID: { area: 'settings', exit: ExitCode.usage, what: '`credential-process --min-ttl` is not a time from 0 to 12h', todo: 'give seconds (`900`) or a unit (`30m`, `1h`); the default is 15m' },

  // idp: the conversation with AD FS (or another SAML IdP)
  IDP_BAD_RESPONSE: { area: 'idp', exit: ExitCode.auth, what: 'the IdP answered with something that is not usable HTTP (headers over 16 KiB, bad compression)', todo: 'retry; check the proxy or TLS-inspecting middlebox in front of the IdP' },
  IDP_CROSS_ORIGIN_FORM: { area: 'idp', exit: ExitCode.auth, what: 'the sign-in form, or a 307/308 redirect of its post, would send the password to another host than the one that served it', todo: 'give that host\'s sign-in URL as `--idp-url` if it is your IdP; otherwise report the page to your IdP admin' },
  IDP_INSECURE_URL: { area: 'idp', exit: ExitCode.auth, what: 'an `http://` URL to a non-loopback host (also on a redirect), or not an absolute URL', todo: 'use the `https://` URL; a redirect to `http://` means the IdP or a proxy is misconfigured' },
  IDP_TLS: { area: 'idp', exit: ExitCode.auth, what: 'the IdP\'s certificate is not trusted', todo: '`--ca-bundle corp-root.pem` (or `awsfed_ca_bundle`, `AWS_CA_BUNDLE`)' },
  PROXY_AUTH_REQUIRED: { area: 'idp', exit: ExitCode.auth, what: 'the proxy answered 407: it wants credentials, or refused the ones given', todo: 'put them in the proxy URL: `http://USER:PASSWORD@HOST:PORT`' },
  PROXY_REFUSED: { area: 'idp', exit: ExitCode.auth, what: 'the proxy refused to open a tunnel to the host (403 or another answer to CONNECT)', todo: 'ask for the host to be allowed, or add it to `NO_PROXY` if it is reachable directly' },
  PROXY_UNREACHABLE: { area: 'idp', exit: ExitCode.auth, what: 'the proxy itself cannot be reached', todo: 'check the proxy host and port in the setting named, or unset it' },
  IDP_UNREACHABLE: { area: 'idp', exit: ExitCode.auth, what: 'connection refused, DNS failure, time-out', todo: 'check the URL, VPN and proxy' },
  IDP_TIMEOUT: { area: 'idp', exit: ExitCode.auth, what: 'one request to the IdP took longer than its deadline (30 s, or what was left of `--timeout`), a trickling answer included', todo: 'check the VPN or proxy and try again' },
  SIGNIN_TIMEOUT: { area: 'idp', exit: ExitCode.auth, what: 'the whole sign-in took longer than `--timeout` (default 2m; time at prompts not counted)', todo: 'raise `--timeout` / `AWSFED_TIMEOUT` / `awsfed_timeout` (e.g. `--timeout 5m`), or check the network' },
  IDP_RESPONSE_TOO_LARGE: { area: 'idp', exit: ExitCode.auth, what: 'a page over 1 MiB, refused while it streamed in', todo: 'check that the IdP URL points at the AD FS sign-in page, not a download or a proxy error' },
  IDP_PAGE_TOO_COMPLEX: { area: 'idp', exit: ExitCode.auth, what: 'a page nesting elements over 256 deep or holding over 5,000 elements, refused before it is parsed', todo: 'check the IdP URL; if it is right, report the page to your IdP administrator' },
  IDP_BAD_FORM_ACTION: { area: 'idp', exit: ExitCode.auth, what: 'a form whose action is not a usable URL (the action is not quoted)', todo: 'retry; if it persists, `--debug` and report the page to your IdP administrator' },
  IDP_CANCELLED: { area: 'idp', exit: ExitCode.auth, what: 'the request to the IdP was cancelled before it answered', todo: 'run the sign-in again' },
  IDP_WIA_BAD_CREDENTIALS: { area: 'idp', exit: ExitCode.auth, what: 'AD FS refused the NTLM answer of Windows integrated sign-in (wrong password or user)', todo: 'give the user as `DOMAIN\\user` or `user@domain` and retype the password' },
  IDP_WIA_NOT_OFFERED: { area: 'idp', exit: ExitCode.auth, what: 'AD FS did not offer Windows integrated sign-in (it showed its forms page, or no NTLM challenge)', todo: 'WIA is usually offered on the intranet only: use `--auth forms`, or ask the AD FS admins' },
  IDP_WIA_CONNECTION_LOST: { area: 'idp', exit: ExitCode.auth, what: 'the connection of the NTLM handshake closed between the challenge and the answer (NTLM is bound to one connection)', todo: 'a proxy or load balancer without keep-alive breaks NTLM: go direct, or use `--auth forms`' },
  IDP_WIA_REPEATED: { area: 'idp', exit: ExitCode.auth, what: 'AD FS asked for Windows sign-in again after it had accepted it (a loop; Extended Protection set to Require does this)', todo: 'use `--auth forms`, and tell the AD FS admins' },
  IDP_WIA_KERBEROS_UNAVAILABLE: { area: 'idp', exit: ExitCode.auth, what: 'AD FS offered Kerberos (Negotiate) but awsfed could not get a ticket: none (`kinit`), expired, no such service, no KDC, or the optional `kerberos` package missing', todo: 'run `kinit user@REALM` (the message says what is missing); or `--auth ntlm` or `--auth forms`' },
  IDP_WIA_KERBEROS_REFUSED: { area: 'idp', exit: ExitCode.auth, what: 'AD FS answered the Kerberos ticket with another 401', todo: 'check with `klist` that the ticket is yours and for the right domain, and the clock; or `--auth ntlm` or `--auth forms`' },
  IDP_WIA_KERBEROS_MUTUAL_FAILED: { area: 'idp', exit: ExitCode.auth, what: 'the server accepted the Kerberos ticket but did not prove it is the AD FS service (mutual authentication)', todo: 'check the IdP URL and the network: something else answers for AD FS' },
  IDP_BAD_CREDENTIALS: { area: 'idp', exit: ExitCode.auth, what: 'the IdP said the user name or password is wrong (its words are quoted)', todo: 'check `DOMAIN\\user` vs `user@domain`, retype the password' },
  IDP_ACCOUNT_LOCKED: { area: 'idp', exit: ExitCode.auth, what: 'the account is locked', todo: 'wait, or ask the AD admin' },
  IDP_PASSWORD_EXPIRED: { area: 'idp', exit: ExitCode.auth, what: 'the password must be changed', todo: 'change it, then log in again' },
  IDP_INITIATED_DISABLED: { area: 'idp', exit: ExitCode.auth, what: 'AD FS 2016+ has IdP-initiated sign-on off', todo: 'admin: `Set-AdfsProperties -EnableIdpInitiatedSignonPage $true`' },
  IDP_ERROR_PAGE: { area: 'idp', exit: ExitCode.auth, what: 'the IdP showed another error message (quoted)', todo: 'read the quoted message; `--debug` for the steps' },
  IDP_MFA_UNSUPPORTED: { area: 'idp', exit: ExitCode.auth, what: 'an MFA page of an adapter awsfed cannot answer (named in the message)', todo: 'not supported yet: ask the AD FS admin for a policy without MFA from your network' },
  MFA_CODE_REJECTED: { area: 'idp', exit: ExitCode.auth, what: 'the IdP did not accept the MFA code (its words are quoted; the code is never shown)', todo: 'check the code and the clock of the token; a code from `--mfa-code` / `AWSFED_MFA_CODE` / stdin / `awsfed_mfa_command` is tried once' },
  MFA_CODE_EXPIRED: { area: 'idp', exit: ExitCode.auth, what: 'the IdP said the MFA code has expired', todo: 'run the login again with a fresh code' },
  MFA_DENIED: { area: 'idp', exit: ExitCode.auth, what: 'the second factor was denied (push or call declined, "Authentication denied")', todo: 'run the login again and approve it; report a request you did not start' },
  MFA_TIMEOUT: { area: 'idp', exit: ExitCode.auth, what: 'the push or call was not answered within `--mfa-timeout` (default 2m)', todo: 'run the login again and approve it sooner, or raise `--mfa-timeout` / `AWSFED_MFA_TIMEOUT` / `awsfed_mfa_timeout`' },
  MFA_TOO_MANY_ATTEMPTS: { area: 'idp', exit: ExitCode.auth, what: 'too many wrong MFA codes (3 at the prompt), or the IdP said so', todo: 'wait a few minutes (the adapter may lock you out), then try again with a fresh code' },
  MFA_SECURITY_KEY: { area: 'idp', exit: ExitCode.auth, what: 'the IdP asks for a WebAuthn security key or passkey, which only a browser can use (the method is named)', todo: 'pick another method at the IdP ("Try another way") or ask the IdP admin for an OTP device' },
  MFA_PUSH_STATUS_UNKNOWN: { area: 'idp', exit: ExitCode.auth, what: 'the PingID push status poll answered something awsfed does not know', todo: 'use a one-time code from the PingID app instead; run with `--debug` and report the page' },
  MFA_METHOD_NOT_OFFERED: { area: 'idp', exit: ExitCode.usage, what: '`--mfa-method` / `AWSFED_MFA_METHOD` / `awsfed_mfa_method` names none of the methods the IdP offers (they are listed)', todo: 'pick one of the listed methods (its id or a part of its name)' },
  DUO_DENIED: { area: 'idp', exit: ExitCode.auth, what: 'the Duo push or phone call was denied', todo: 'sign in again and approve; if you did not start it, tell your security team' },
  DUO_TIMEOUT: { area: 'idp', exit: ExitCode.auth, what: 'the Duo push or call was not answered in time (Duo\'s limit, or `--mfa-timeout`, default 2m)', todo: 'sign in again and answer sooner, raise `--mfa-timeout`, or answer with a Duo passcode (`--mfa-code`, `AWSFED_MFA_CODE`, ...)' },
  DUO_PASSCODE_REJECTED: { area: 'idp', exit: ExitCode.auth, what: 'Duo did not accept the passcode', todo: 'use a fresh passcode; too many wrong ones lock the Duo account' },
  DUO_NO_USABLE_FACTOR: { area: 'idp', exit: ExitCode.auth, what: 'Duo offers only factors a terminal cannot answer (security key, Touch ID), or only a passcode without a terminal', todo: 'add Duo Push, phone or passcode in Duo, or pass `AWSFED_MFA_CODE`' },
  DUO_FAILED: { area: 'idp', exit: ExitCode.auth, what: 'Duo answered in a way awsfed does not know (its message is quoted)', todo: '`--debug` and report it: Duo changes its pages from time to time' },
  IDP_NO_RELYING_PARTY: { area: 'idp', exit: ExitCode.auth, what: 'site selection without an Amazon relying party, or without the one named', todo: '`--relying-party NAME` (the error lists the names)' },
  IDP_FORM_GET_PASSWORD: { area: 'idp', exit: ExitCode.auth, what: 'the sign-in form would send the password in a URL (method GET)', todo: 'check that the IdP URL is the AD FS sign-in page, not a portal or proxy page' },
  IDP_UNKNOWN_PAGE: { area: 'idp', exit: ExitCode.auth, what: 'a page awsfed does not know', todo: '`--debug` saves a redacted copy of the page and prints its path' },
  IDP_HTTP_STATUS: { area: 'idp', exit: ExitCode.auth, what: 'the IdP answered with an HTTP error or an invalid redirect', todo: 'check the IdP URL and try again later; `--debug` saves a redacted copy of the page' },
  IDP_TOO_MANY_STEPS: { area: 'idp', exit: ExitCode.auth, what: 'the IdP kept sending pages without a SAML response', todo: 'check the URL; report the pages (`--debug`)' },
  IDP_TOO_MANY_REDIRECTS: { area: 'idp', exit: ExitCode.auth, what: 'the IdP redirects in a loop', todo: 'check the URL; report the hops (`--debug`)' },

  // password: where the password comes from, and prompts
  PASSWORD_STDIN_EMPTY: { area: 'password', exit: ExitCode.prompt, what: '`--password-stdin` was given but standard input was empty', todo: 'pipe the password in: `pass show corp/ad | awsfed login --password-stdin`' },
  PASSWORD_COMMAND_FAILED: { area: 'password', exit: ExitCode.auth, what: '`awsfed_password_command` exited with a non-zero status', todo: 'run the command yourself to see why' },
  PASSWORD_COMMAND_TIMEOUT: { area: 'password', exit: ExitCode.auth, what: '`awsfed_password_command` did not finish within its time limit and was stopped', todo: 'check that it does not wait for input it never gets; raise `--password-command-timeout` (default 60 s, 15 s under `credential-process`)' },
  PASSWORD_COMMAND_TIMEOUT_INVALID: { area: 'password', exit: ExitCode.usage, what: '`--password-command-timeout` / `AWSFED_PASSWORD_COMMAND_TIMEOUT` / `awsfed_password_command_timeout` is not 1..3600 seconds', todo: 'give seconds (`60`) or `2m`' },
  REMEMBER_PASSWORD_INVALID: { area: 'password', exit: ExitCode.usage, what: '`AWSFED_REMEMBER_PASSWORD` / `awsfed_remember_password` is neither true nor false', todo: 'set it to `true` or `false`' },
  KEYCHAIN_PASSWORD_REJECTED: { area: 'password', exit: ExitCode.auth, what: 'the IdP refused the password remembered in the OS keychain (awsfed removed it)', todo: 'run `awsfed login --remember-password` in a terminal to type and remember the new one' },
  PASSWORD_COMMAND_EMPTY: { area: 'password', exit: ExitCode.auth, what: '`awsfed_password_command` printed nothing', todo: 'the command must print the password on stdout' },
  MFA_METHOD_CHOICE_NEEDED: { area: 'password', exit: ExitCode.prompt, what: 'the IdP offers several second factors and none was chosen, without a terminal (they are listed)', todo: '`--mfa-method NAME`, `AWSFED_MFA_METHOD`, or `awsfed_mfa_method` in the profile' },
  STDIN_IS_TERMINAL: { area: 'password', exit: ExitCode.usage, what: '`--password-stdin` or `--mfa-code-stdin` was given but standard input is a terminal (it would wait without a prompt)', todo: 'pipe the password / code in, or leave the flag out to be asked with a hidden prompt' },
  MFA_CODE_STDIN_EMPTY: { area: 'password', exit: ExitCode.prompt, what: '`--mfa-code-stdin` was given but standard input held no code (the second line when the password comes first)', todo: 'pipe the code in (`--password-stdin --mfa-code-stdin`: password on line 1, code on line 2)' },
  MFA_COMMAND_FAILED: { area: 'password', exit: ExitCode.auth, what: '`awsfed_mfa_command` exited with a non-zero status', todo: 'run the command yourself to see why' },
  MFA_COMMAND_TIMEOUT: { area: 'password', exit: ExitCode.auth, what: '`awsfed_mfa_command` did not finish within the password command time limit and was stopped', todo: 'check that it does not wait for input it never gets; raise `--password-command-timeout`' },
  MFA_COMMAND_EMPTY: { area: 'password', exit: ExitCode.auth, what: '`awsfed_mfa_command` printed nothing on its first line', todo: 'the command must print the code as the first line on stdout' },
  AUTH_METHOD_INVALID: { area: 'settings', exit: ExitCode.usage, what: '`--auth` / `AWSFED_AUTH` / `awsfed_auth` is not forms, wia, kerberos or ntlm', todo: 'use `forms` (the sign-in page), `wia` (Windows integrated sign-in: Kerberos with a ticket, else NTLM), `kerberos` or `ntlm`' },
  WIA_PROXY_UNSUPPORTED: { area: 'settings', exit: ExitCode.usage, what: 'Windows integrated sign-in to a plain-http IdP through a proxy (a forwarding proxy may break NTLM\'s one connection)', todo: 'use the https URL of AD FS (it goes through a CONNECT tunnel), add the host to `NO_PROXY`, or use `--auth forms`' },
  MFA_TIMEOUT_INVALID: { area: 'settings', exit: ExitCode.usage, what: '`--mfa-timeout` / `AWSFED_MFA_TIMEOUT` / `awsfed_mfa_timeout` is not a time from 1 s to 1 h', todo: 'give seconds (`90`) or a unit (`90s`, `2m`); the default is 2m' },
  COMPLETION_SHELL_UNKNOWN: { area: 'settings', exit: ExitCode.usage, what: '`awsfed completion` was given a shell it has no script for', todo: 'use `bash`, `zsh` or `fish`, e.g. `eval "$(awsfed completion bash)"`' },
  PROMPT_UNAVAILABLE: { area: 'password', exit: ExitCode.prompt, what: 'a prompt was needed without a terminal or under `--no-prompt`', todo: 'supply the value by flag or environment (the message names it)' },
  PROMPT_CANCELLED: { area: 'password', exit: ExitCode.interrupted, what: 'Ctrl-C at a prompt', todo: 'nothing was changed; run the command again' },
  INTERACTIVE_SIGN_IN_NEEDED: { area: 'password', exit: ExitCode.prompt, what: '`credential-process` needed a person (a password, an MFA push or code, a role choice) and nobody is there to answer', todo: 'run the `awsfed login --profile GATEWAY` the message names once in a terminal; later calls then ride on its session' },

  // saml: the SAMLResponse the IdP returned
  SAML_DECODE: { area: 'saml', exit: ExitCode.saml, what: 'the SAMLResponse is not base64 of a SAML document', todo: '`--debug`; check the IdP URL and relying party' },
  SAML_MALFORMED: { area: 'saml', exit: ExitCode.saml, what: 'the SAML response is not well-formed or not a SAML 2.0 Response with one assertion', todo: '`--debug`; check the IdP URL and relying party' },
  SAML_TOO_LARGE: { area: 'saml', exit: ExitCode.saml, what: 'the SAML response is larger than any real one', todo: 'check the IdP URL, or map fewer groups to AWS roles' },
  SAML_ATTRIBUTE_TOO_LARGE: { area: 'saml', exit: ExitCode.saml, what: 'a Role value over 4096 characters, over 2000 Role values, over 1000 attributes, or an over-long RoleSessionName/SessionDuration', todo: 'ask the AD FS administrator to check the claim rules for AWS' },
  SAML_HOSTILE_XML: { area: 'saml', exit: ExitCode.saml, what: 'the assertion has a DTD/entities (XXE, entity expansion)', todo: 'refused on purpose; report it to your IdP admin' },
  SAML_STATUS: { area: 'saml', exit: ExitCode.saml, what: 'the IdP returned a failure status', todo: 'see the message and the AD FS admin log' },
  SAML_ENCRYPTED: { area: 'saml', exit: ExitCode.saml, what: 'the IdP returned an encrypted assertion', todo: 'disable assertion encryption on the AWS relying party trust' },
  SAML_NO_ROLES: { area: 'saml', exit: ExitCode.saml, what: 'no `Role` attribute, or one without values', todo: 'AD FS claim rules must map your groups to `role-arn,provider-arn`' },
  SAML_BAD_ROLE: { area: 'saml', exit: ExitCode.saml, what: 'a `Role` value is not `role-arn,provider-arn`', todo: 'fix the AD FS claim rule that builds the Role values' },
  SAML_BAD_ATTRIBUTE: { area: 'saml', exit: ExitCode.saml, what: 'the `SessionDuration` attribute is not a whole number of seconds, or `RoleSessionName` is not 2-64 of `[A-Za-z0-9_+=,.@-]`', todo: 'fix the claim rule (e.g. `28800`, the UPN), or remove `SessionDuration` and pass `--duration`' },

  // roles: choosing a role, and profile names for login --all-roles
  ROLE_NOT_FOUND: { area: 'roles', exit: ExitCode.saml, what: '`--role` matches none of your roles', todo: 'the message lists your roles; use `ACCOUNT/ROLE-NAME` or the ARN' },
  ROLE_AMBIGUOUS: { area: 'roles', exit: ExitCode.saml, what: '`--role` matches several roles', todo: 'make it more specific: `ACCOUNT/ROLE-NAME` or the ARN' },
  ROLE_CHOICE_NEEDED: { area: 'roles', exit: ExitCode.saml, what: 'several roles and none chosen, without a terminal', todo: '`--role`, `AWSFED_ROLE` or `awsfed configure --role`' },
  PROFILE_TEMPLATE_INVALID: { area: 'roles', exit: ExitCode.usage, what: '`--profile-template` has no `{role}` or an unknown placeholder', todo: 'use `{alias}`, `{account}`, `{role}`, `{partition}`, e.g. `{alias}-{role}`' },
  PROFILE_TEMPLATE_CLASH: { area: 'roles', exit: ExitCode.usage, what: '`--all-roles` would give two roles one name', todo: 'add `{account}` or `{alias}` to `--profile-template`' },
  ALL_ROLES_WITH_CHAIN: { area: 'roles', exit: ExitCode.usage, what: '`--all-roles` was combined with `--chain`', todo: '`awsfed login --all-roles`, then `awsfed refresh --all`' },
  ALL_ROLES_NO_MATCH: { area: 'roles', exit: ExitCode.usage, what: 'with `--all-roles`, `--role` matches none of the roles', todo: 'a role ARN, `ACCOUNT/ROLE-NAME` or a glob that matches (the message lists the roles)' },
  PROFILE_RESERVED: { area: 'roles', exit: ExitCode.usage, what: '`--all-roles` would overwrite a destination or sign-in profile', todo: 'pick another `--profile-template`, e.g. `saml-{alias}-{role}`' },
  ACCOUNT_ALIASES_INVALID: { area: 'roles', exit: ExitCode.usage, what: '`--account-aliases` has an item that is not `ACCOUNT=ALIAS`', todo: 'write `111111111111=gateway, 222222222222=prod`' },
  ACCOUNT_NAME_LOOKUP_INVALID: { area: 'roles', exit: ExitCode.usage, what: '`AWSFED_ACCOUNT_NAME_LOOKUP` / `awsfed_account_name_lookup` is neither true nor false', todo: 'set it to `true` or `false` (`--no-aliases` turns it off for one run)' },

  // sts: AssumeRoleWithSAML, AssumeRole, GetCallerIdentity
  STS_ACCESS_DENIED: { area: 'sts', exit: ExitCode.sts, what: 'STS refused the assertion or the role', todo: 'check the role\'s trust policy and the SAML provider in IAM' },
  STS_INVALID_IDENTITY_TOKEN: { area: 'sts', exit: ExitCode.sts, what: 'AWS could not validate the SAML assertion', todo: 'upload the IdP\'s current federation metadata to the IAM SAML provider' },
  STS_IDP_REJECTED_CLAIM: { area: 'sts', exit: ExitCode.sts, what: 'AWS rejected a claim in the assertion', todo: 'check the claim rules of the AWS relying party' },
  STS_EXPIRED_ASSERTION: { area: 'sts', exit: ExitCode.sts, what: 'the assertion was older than 5 minutes', todo: 'run the login again (and check the clock)' },
  STS_EXPIRED_CREDENTIALS: { area: 'sts', exit: ExitCode.sts, what: 'the source credentials of an AssumeRole have expired', todo: 'run the login again' },
  STS_INVALID_CREDENTIALS: { area: 'sts', exit: ExitCode.sts, what: 'STS rejected the source credentials of an AssumeRole', todo: 'run the login again to get fresh ones' },
  STS_DURATION_TOO_LONG: { area: 'sts', exit: ExitCode.sts, what: 'over the role\'s MaxSessionDuration, or over 1 h for a chained role (login retries once at 3600 s and says so)', todo: '`--duration 1h` or raise MaxSessionDuration' },
  STS_VALIDATION: { area: 'sts', exit: ExitCode.sts, what: 'STS refused a parameter (ValidationError)', todo: 'check the role ARN, principal ARN, session name and `--duration`' },
  STS_REGION_DISABLED: { area: 'sts', exit: ExitCode.sts, what: 'STS is disabled in that region', todo: '`--region us-east-1`' },
  STS_THROTTLED: { area: 'sts', exit: ExitCode.sts, what: 'STS is throttling requests', todo: 'wait a moment and try again' },
  STS_PROXY: { area: 'sts', exit: ExitCode.sts, what: 'the proxy refused, asked for credentials (407) or could not be reached on the way to STS', todo: 'fix the proxy URL or its credentials, or add the STS host to `NO_PROXY`' },
  STS_UNREACHABLE: { area: 'sts', exit: ExitCode.sts, what: 'the STS endpoint cannot be reached', todo: 'check the network, proxy and `--sts-endpoint` / `AWS_ENDPOINT_URL_STS`' },
  STS_TIMEOUT: { area: 'sts', exit: ExitCode.sts, what: 'an STS call (all its retries) took longer than 60 s, a trickling answer included', todo: 'check the network, proxy and `--sts-endpoint` / `AWS_ENDPOINT_URL_STS`, then try again' },
  STS_TLS: { area: 'sts', exit: ExitCode.sts, what: 'the STS endpoint\'s certificate is not trusted', todo: '`--ca-bundle` (or `AWS_CA_BUNDLE`) for a proxy or private endpoint' },
  STS_BAD_RESPONSE: { area: 'sts', exit: ExitCode.sts, what: 'a non-STS answer (HTML page, proxy, wrong endpoint), one over 1 MiB, or keys that are malformed or already expired', todo: 'check `--sts-endpoint` / `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`' },
  STS_UNEXPECTED_SIGNING: { area: 'sts', exit: ExitCode.sts, what: 'the SDK tried to sign AssumeRoleWithSAML (a bug)', todo: 'report it with the `--debug` output' },
  STS_ERROR: { area: 'sts', exit: ExitCode.sts, what: 'another STS failure, or an answer without credentials', todo: 'see the AWS error in the message; `--debug` for details' },

  // chain: destination profiles (role_arn + source_profile)
  CHAIN_CYCLE: { area: 'chain', exit: ExitCode.usage, what: 'a destination\'s `source_profile` chain loops (the path is shown)', todo: 'fix `source_profile` with `awsfed add NAME --source ...`' },
  CHAIN_TOO_LONG: { area: 'chain', exit: ExitCode.usage, what: 'a destination\'s `source_profile` chain has more than 20 hops', todo: 'point `source_profile` nearer to the gateway (`awsfed add NAME --source ...`)' },
  CHAIN_MISSING_SOURCE: { area: 'chain', exit: ExitCode.usage, what: 'a `source_profile` names a profile that does not exist', todo: 'create it (`awsfed configure --profile NAME`) or change `source_profile`' },
  CHAIN_NO_SUCH_PROFILE: { area: 'chain', exit: ExitCode.usage, what: 'the named profile is not in `~/.aws/config`', todo: '`awsfed list` shows the profiles; `awsfed add` creates one' },
  CHAIN_NOT_A_DESTINATION: { area: 'chain', exit: ExitCode.usage, what: 'the profile lacks `role_arn` or `source_profile`', todo: '`awsfed add NAME --account ... --role ...`, or fix it in `~/.aws/config`' },
  CHAIN_UNSUPPORTED_SOURCE: { area: 'chain', exit: ExitCode.usage, what: 'the chain uses `credential_source` or `web_identity_token_file` instead of `source_profile`', todo: 'give the profile a `source_profile`, or use the AWS CLI for it' },
  CHAIN_MFA_UNSUPPORTED: { area: 'chain', exit: ExitCode.usage, what: 'a destination has `mfa_serial`, which chained refresh cannot answer yet', todo: 'remove `mfa_serial` if the role does not need MFA, or use the AWS CLI' },
  CHAIN_ROOT_NO_CREDENTIALS: { area: 'chain', exit: ExitCode.sts, what: 'a chain ends at a profile without valid temporary keys that awsfed can renew', todo: 'log in to that gateway, or point the chain at an awsfed gateway' },
  CHAIN_SOURCE_NO_CREDENTIALS: { area: 'chain', exit: ExitCode.sts, what: 'a hop\'s source profile has no credentials', todo: '`awsfed login --profile SOURCE` first' },
  CHAIN_ROOT_FAILED: { area: 'chain', exit: ExitCode.sts, exitFromCause: true, what: 'a hop was skipped because its chain root has no credentials (the root\'s error is quoted)', todo: 'fix the root\'s error (often: log in to the gateway), then refresh again' },
  CHAIN_SOURCE_FAILED: { area: 'chain', exit: ExitCode.sts, exitFromCause: true, what: 'a hop was skipped because its source hop failed (that error is quoted)', todo: 'fix the source\'s error, then refresh again' },
  CHAIN_UNRESOLVED: { area: 'chain', exit: ExitCode.sts, what: 'no credentials were obtained for a profile (its source never got any)', todo: 'check `source_profile` in `~/.aws/config` for a loop' },

  // catalog: awsfed add / remove / export / policy
  BAD_PROFILE_NAME: { area: 'catalog', exit: ExitCode.usage, what: 'a profile name has characters a profile name cannot have', todo: 'use letters, digits and `-_.@+=,:/`' },
  BAD_ACCOUNT_ID: { area: 'catalog', exit: ExitCode.usage, what: 'an account (`--account`, `--source-account`) is not 12 digits', todo: 'give the 12-digit account ID, leading zeros included (not an alias)' },
  BAD_ROLE_NAME: { area: 'catalog', exit: ExitCode.usage, what: '`--role` is not an IAM role name', todo: 'a role name, optionally with a path: `Admins`, `team/Admins`' },
  BAD_ROLE_ARN: { area: 'catalog', exit: ExitCode.usage, what: '`--role` looks like an ARN but is not an IAM role ARN', todo: '`arn:aws:iam::123456789012:role/Admins`, or a role name with `--account`' },
  BAD_PARTITION: { area: 'catalog', exit: ExitCode.usage, what: '`--partition` is not `aws`, `aws-cn` or `aws-us-gov`', todo: 'leave it out for the commercial partition' },
  BAD_COLOR: { area: 'catalog', exit: ExitCode.usage, what: '`--color` is not one of the console\'s colours', todo: 'pick one of red, orange, yellow, green, blue' },
  BAD_MFA_SERIAL: { area: 'catalog', exit: ExitCode.usage, what: '`--mfa-serial` is neither an MFA device ARN nor a serial number', todo: 'give the device ARN, e.g. `arn:aws:iam::111111111111:mfa/alice`' },
  BAD_EXTERNAL_ID: { area: 'catalog', exit: ExitCode.usage, what: 'an external id is not valid for `sts:ExternalId` (the value is not quoted)', todo: 'use 2-1224 characters of letters, digits and `+=,.@:/-_`' },
  CHAINED_DURATION_TOO_LONG: { area: 'catalog', exit: ExitCode.usage, what: '`add --duration` over 1 h for a chained destination (AWS caps role chaining at 3600 s)', todo: '`--duration 1h` or less' },
  ADD_MISSING_OPTION: { area: 'catalog', exit: ExitCode.usage, what: 'a new destination needs `--account` and `--role` (or a role ARN)', todo: '`awsfed add prod --account 123456789012 --role Admins`' },
  ADD_ACCOUNT_MISMATCH: { area: 'catalog', exit: ExitCode.usage, what: '`--account` differs from the account in the `--role` ARN', todo: 'give either a role ARN or `--account` with a role name' },
  ADD_PARTITION_MISMATCH: { area: 'catalog', exit: ExitCode.usage, what: 'the partition differs from the role ARN\'s or the source\'s', todo: 'roles cannot be assumed across partitions: use a matching `--partition` or source' },
  ADD_WOULD_OVERWRITE_GATEWAY: { area: 'catalog', exit: ExitCode.usage, what: 'the name is an awsfed gateway profile', todo: 'pick another name for the destination' },
  ADD_WOULD_OVERWRITE_PROFILE: { area: 'catalog', exit: ExitCode.usage, what: 'the name is an existing profile that is not a destination', todo: 'pick another name, or edit that profile yourself' },
  PROCESS_PROFILE_IS_SOURCE: { area: 'catalog', exit: ExitCode.usage, what: '`configure --credential-process P --as NAME` named P itself as NAME', todo: 'pick another NAME (the default is `P-process`): [P] keeps the keys the helper serves' },
  PROCESS_PROFILE_IN_USE: { area: 'catalog', exit: ExitCode.usage, what: '`configure --credential-process` would overwrite a profile holding static keys, a `role_arn` or an IdP URL', todo: 'pick another `--as NAME`, or pass `--force` to replace it' },
  REMOVE_HAS_DEPENDENTS: { area: 'catalog', exit: ExitCode.usage, what: 'other destinations chain through the profile', todo: 're-point them first (`awsfed add NAME --source ...`), or `--force`' },
  REFRESH_NOTHING: { area: 'catalog', exit: ExitCode.usage, what: '`awsfed refresh` without names or `--all`', todo: '`awsfed refresh prod` or `awsfed refresh --all`' },
  EXPORT_UNKNOWN_FORMAT: { area: 'catalog', exit: ExitCode.usage, what: '`awsfed export` got an unknown format', todo: 'use a format the message lists (e.g. `aesr`)' },
  EXPORT_NO_DESTINATIONS: { area: 'catalog', exit: ExitCode.usage, what: 'there are no destinations to export', todo: '`awsfed add NAME --account 123456789012 --role ROLE` first' },
  POLICY_NO_SOURCE_ACCOUNT: { area: 'catalog', exit: ExitCode.usage, what: '`awsfed policy trust` without `--source-account`', todo: 'give the gateway account: `--source-account 111111111111`' },
  POLICY_NO_ROLES: { area: 'catalog', exit: ExitCode.usage, what: '`awsfed policy assume` has no roles to put in the policy', todo: '`--account ID --role NAME`, or `--all` with destinations in the catalog' },
  POLICY_ALL_WITH_ROLES: { area: 'catalog', exit: ExitCode.usage, what: '`--all` combined with `--account` or `--role`', todo: 'use either `--all` or `--account` and `--role`' },
  POLICY_NO_ACCOUNT: { area: 'catalog', exit: ExitCode.usage, what: 'a role name without `--account`', todo: 'add `--account 222222222222`, or give a full role ARN' },
  POLICY_ACCOUNT_MISMATCH: { area: 'catalog', exit: ExitCode.usage, what: 'a role ARN in another account than `--account`', todo: 'leave `--account` out when giving role ARNs' },

  // shell: awsfed switch / awsfed exec
  SHELL_NESTED: { area: 'shell', exit: ExitCode.usage, what: '`switch`/`exec` inside another awsfed environment', todo: '`--nest`, or open a new shell' },
  SWITCH_ARGUMENTS: { area: 'shell', exit: ExitCode.usage, what: '`switch` got both a profile and `--unset`, or neither', todo: '`awsfed switch NAME`, or `awsfed switch --unset`' },
  SHELL_FORMAT: { area: 'shell', exit: ExitCode.usage, what: '`--format` is not a known shell format', todo: 'use `env`, `env-no-export`, `fish` or `powershell`' },
  EXEC_NO_COMMAND: { area: 'shell', exit: ExitCode.usage, what: '`awsfed exec` without a command after `--`', todo: '`awsfed exec NAME -- aws sts get-caller-identity`' },
  EXEC_NOT_FOUND: { area: 'shell', exit: ExitCode.notFound, what: '`awsfed exec` cannot find the command', todo: 'check the command name and PATH' },
  EXEC_NOT_EXECUTABLE: { area: 'shell', exit: ExitCode.notExecutable, what: '`awsfed exec` is not allowed to run the command', todo: 'check that it is an executable file (`chmod +x`)' },
  EXEC_FAILED: { area: 'shell', exit: ExitCode.notExecutable, what: '`awsfed exec` cannot start the command for another reason', todo: '`--debug` shows the system error' },

  // console: awsfed console
  CONSOLE_NO_DESTINATIONS: { area: 'console', exit: ExitCode.usage, what: '`console --switch-links` found no (such) destination', todo: '`awsfed add NAME --account 123456789012 --role ROLE`; `awsfed list`' },
  CONSOLE_BAD_DESTINATION: { area: 'console', exit: ExitCode.usage, what: '`--destination` is neither an https console URL nor a service name', todo: 'give a service name (`s3`) or an `https://` console URL' },
  CONSOLE_BAD_DURATION: { area: 'console', exit: ExitCode.usage, what: 'the console session duration is outside 900..43200 s', todo: '`--duration 15m` .. `12h`' },
  CONSOLE_SIGNIN_REFUSED: { area: 'console', exit: ExitCode.sts, what: 'the federation endpoint refused the keys', todo: '`awsfed refresh NAME` (or `awsfed login`) and try again' },
  CONSOLE_SIGNIN_UNREACHABLE: { area: 'console', exit: ExitCode.sts, what: 'the federation endpoint cannot be reached', todo: 'check the network or proxy (`AWS_CA_BUNDLE` for a TLS-inspecting one)' },
  CONSOLE_SIGNIN_BAD_ANSWER: { area: 'console', exit: ExitCode.sts, what: 'the federation endpoint answered without a SigninToken', todo: 'check `--signin-endpoint` / `AWSFED_SIGNIN_ENDPOINT`' },
  CONSOLE_BROWSER_FAILED: { area: 'console', exit: ExitCode.failure, what: 'no browser could be opened', todo: 'set `BROWSER`, or `awsfed console --print` and open the URL yourself' },

  // files: ~/.aws/config, ~/.aws/credentials, the CA bundle
  FILE_PARSE: { area: 'files', exit: ExitCode.files, what: '`~/.aws/config` or `credentials` has a line awsfed cannot parse (`path:line` given), or is not UTF-8', todo: 'fix that line; awsfed never rewrites a file it cannot parse' },
  FILE_UNREADABLE: { area: 'files', exit: ExitCode.files, what: 'a file cannot be read (permissions, a directory, FIFO or device in the way)', todo: 'check the permissions of the file named in the message' },
  FILE_UNWRITABLE: { area: 'files', exit: ExitCode.files, what: 'a file cannot be written (permissions, read-only disk, full disk)', todo: 'check the permissions and free space of the directory named in the message' },
  FILE_TOO_LARGE: { area: 'files', exit: ExitCode.files, what: 'a config or credentials file is over 16 MiB', todo: 'check the file named in the message; something may be writing into it' },
  FILE_LOCKED: { area: 'files', exit: ExitCode.files, what: 'another awsfed run holds the lock', todo: 'wait for it; remove a stale `.lock` file named in the message' },
  CREDENTIAL_PROCESS_BUSY: { area: 'files', exit: ExitCode.files, what: 'another `credential-process` for the same profile kept signing in past the wait limit', todo: 'try again; if it keeps happening, run `awsfed login` (the message names the lock file to delete if no awsfed runs)' },
  CREDENTIAL_PROCESS_OF_HELPER: { area: 'settings', exit: ExitCode.usage, what: '`credential-process --profile` names the profile whose credential_process runs awsfed, not a profile awsfed serves', todo: 'give the profile its credential_process line names (`--profile P`)' },
  CREDENTIAL_PROCESS_PROFILE_MISSING: { area: 'settings', exit: ExitCode.usage, what: '`credential-process` was given no profile', todo: 'add `--profile P` (or set AWSFED_PROFILE)' },
  FILE_INVALID_VALUE: { area: 'files', exit: ExitCode.files, what: 'a section name, key or value cannot be written to an INI file (the file was not changed)', todo: 'check the setting value; otherwise report it as a bug' },
  CA_BUNDLE_UNREADABLE: { area: 'files', exit: ExitCode.files, what: 'the CA bundle path cannot be read (or is a FIFO, device or over 16 MiB)', todo: 'check `--ca-bundle` / `AWSFED_CA_BUNDLE` / `AWS_CA_BUNDLE` / `awsfed_ca_bundle`' },
  CA_BUNDLE_INVALID: { area: 'files', exit: ExitCode.files, what: 'the CA bundle holds no PEM certificate', todo: 'give a PEM file (`-----BEGIN CERTIFICATE-----`)' },

  // doctor: the report is on stdout; this is its exit status
  DOCTOR_PROBLEMS: { area: 'doctor', exit: ExitCode.failure, what: '`awsfed doctor` found at least one error (warnings alone exit 0)', todo: 'apply the `fix:` of each ERROR finding it printed, then run `awsfed doctor` again' },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes whose exit status is one of E: the classes in src/errors.ts accept only their own. */
export type ErrorCodeExiting<E extends ExitStatus> = {
  [K in ErrorCode]: (typeof ERROR_CODES)[K]['exit'] extends E ? K : never;
}[ErrorCode];

export function errorCodeSpec(code: ErrorCode): ErrorCodeSpec {
  return ERROR_CODES[code];
}
