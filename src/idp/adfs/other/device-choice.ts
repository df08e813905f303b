/**
 * The device or method a code page offers beside its code field (Keycloak's OTP devices, F5 APM's
 * mfamethod select). The page's own default is what a browser would post, so it is kept, and nothing
 * is asked, unless --mfa-method / AWSFED_MFA_METHOD / awsfed_mfa_method names one (an id or a part of
 * its label; none of them: MFA_METHOD_NOT_OFFERED with the list).
 */
import { pickMethod } from '../mfa/choose-method.js';
import type { MfaPage, MfaPorts } from '../mfa/ports.js';

export async function withChosenDevice(page: MfaPage, ports: Pick<MfaPorts, 'chooser' | 'paused' | 'settings' | 'log'>): Promise<MfaPage> {
  const step = page.step;
  if (step.kind !== 'code' || step.choice === undefined || ports.settings.method === undefined) return page;
  const choice = step.choice;
  const picked = await pickMethod(
    choice.options.map((o) => ({ id: o.value, name: o.label })),
    ports,
  );
  ports.log.debug(`${page.adapter}: using ${choice.field} "${picked.name}"`);
  const fields = page.form.fields.map((f) => {
    if (f.name !== choice.field) return f;
    if (f.type === 'radio') return { ...f, checked: f.value === picked.id };
    return { ...f, value: picked.id };
  });
  return { ...page, form: { ...page.form, fields } };
}
