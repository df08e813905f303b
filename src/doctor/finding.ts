/**
 * What `awsfed doctor` reports: one finding per thing checked, with its severity, what is wrong and
 * its fix. The JSON shape is for scripts and stays stable: { version, profile, ok, findings[] } with
 * each finding { id, severity, title, detail, fix } (fix null when there is nothing to do).
 * No finding ever carries a secret: checks name keys and line numbers, never values from the files.
 */
export type Severity = 'error' | 'warning' | 'info' | 'ok';

export interface Finding {
  /** Stable check id (`config.duplicate-section`, `sts.reachable`, ...); several findings may share one. */
  id: string;
  severity: Severity;
  /** One line: what was found. */
  title: string;
  /** More about it (where, why it matters); may be empty. */
  detail: string;
  /** A command to run or an edit to make; null when nothing needs doing. */
  fix: string | null;
}

export function finding(id: string, severity: Severity, title: string, detail = '', fix: string | null = null): Finding {
  return { id, severity, title, detail, fix };
}

export interface DoctorReport {
  profile: string;
  findings: Finding[];
}

/** Only errors make the run fail: warnings are advice (a cache dir readable by the group still works). */
export function hasErrors(report: DoctorReport): boolean {
  return report.findings.some((f) => f.severity === 'error');
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };
const LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARN ', info: 'INFO ', ok: 'OK   ' };

export function formatDoctorText(report: DoctorReport): string {
  const sorted = [...report.findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const lines = [`awsfed doctor (profile ${report.profile})`];
  for (const f of sorted) {
    lines.push(`${LABEL[f.severity]} ${f.title}  [${f.id}]`);
    if (f.detail) lines.push(`      ${f.detail}`);
    if (f.fix) lines.push(`      fix: ${f.fix}`);
  }
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  lines.push(errors + warnings === 0 ? 'No problems found.' : `${errors} error(s), ${warnings} warning(s).`);
  return lines.join('\n');
}

export function formatDoctorJson(report: DoctorReport): string {
  return JSON.stringify({ version: 1, profile: report.profile, ok: !hasErrors(report), findings: report.findings }, null, 2);
}
