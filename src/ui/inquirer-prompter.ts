/**
 * The inquirer adapter of the prompt port. Prompts are drawn on stderr so that stdout stays clean for
 * machine-readable output. Loaded only when a prompt is really shown. It uses the inquirer project's
 * individual prompts (@inquirer/prompts), not the classic `inquirer` package: the classic one wraps the
 * same prompts in an rxjs-based question runner that costs start-up time and adds nothing here (issue 8).
 */
import type { Choice, Prompter } from './prompt.js';
import { PromptError } from '../errors.js';

export async function createInquirerPrompter(streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream }): Promise<Prompter> {
  const { input, password, confirm, search, Separator } = await import('@inquirer/prompts');
  const context = { input: streams.input as NodeJS.ReadStream, output: streams.output as NodeJS.WriteStream };

  const ask = async <T>(shown: Promise<T>): Promise<T> => {
    try {
      return await shown;
    } catch (error) {
      // Ctrl-C: @inquirer/core rejects with ExitPromptError; main.ts maps PROMPT_CANCELLED to exit 130.
      if (error instanceof Error && error.name === 'ExitPromptError') {
        throw new PromptError('PROMPT_CANCELLED', 'Cancelled at the prompt.', { hint: 'Nothing was changed.', cause: error });
      }
      throw error;
    }
  };

  return {
    interactive: true,
    input: (message, options) => ask(input({ message, default: options?.default, validate: options?.validate }, context)),
    password: (message) =>
      ask(password({ message, mask: '*', validate: (v: string) => (v.length > 0 ? true : 'The password cannot be empty.') }, context)),
    confirm: (message, options) => ask(confirm({ message, default: options?.default ?? false }, context)),
    choose: <T>(message: string, choices: readonly Choice<T>[]) => {
      const pageSize = 15;
      const rows = choices.length + new Set(choices.map((c) => c.group)).size;
      // Once the list scrolls, the heading of the highlighted choice may be off screen: then a line
      // under the list names the highlighted choice with its group. A list that fits needs no such line.
      const describe = rows > pageSize;
      const source = (term: string | undefined) => {
        const words = (term ?? '').toLowerCase().split(/[\s/]+/).filter(Boolean);
        const out: (InstanceType<typeof Separator> | { value: T; name: string; short: string; description: string | undefined })[] = [];
        let group: string | undefined;
        for (const choice of choices) {
          const label = choiceLabel(choice);
          // Words match anywhere in group and name: "1111 read", "1111/read" and "readonly" find the same role.
          const haystack = `${choice.group ?? ''} ${choice.name} ${label}`.toLowerCase();
          if (!words.every((w) => haystack.includes(w))) continue;
          if (choice.group !== undefined && choice.group !== group) {
            group = choice.group;
            out.push(new Separator(`── ${group} ──`));
          }
          out.push({ value: choice.value, name: choice.name, short: label, description: describe && choice.group !== undefined ? label : undefined });
        }
        return out;
      };
      return ask(search<T>({ message, pageSize, source }, context));
    },
  };
}

/**
 * "GROUP/NAME" (for roles: ACCOUNT/ROLE-NAME, the form --role accepts), with anything after the
 * group's first word kept as a suffix: "333333333333 (aws-cn)" + "Admins" -> "333333333333/Admins (aws-cn)".
 */
function choiceLabel(choice: Choice<unknown>): string {
  if (choice.group === undefined) return choice.name;
  // A named account, "prod-main (111111111111)": the id leads, so the label stays what --role accepts.
  const named = /^(.+) \((\d{12})\)(.*)$/.exec(choice.group);
  if (named) return `${named[2]}/${choice.name} (${named[1]})${named[3]}`;
  const [, head = choice.group, rest = ''] = /^(\S+)(.*)$/.exec(choice.group) ?? [];
  return `${head}/${choice.name}${rest}`;
}
