/**
 * The five colours the AWS console offers for a Switch Role entry, by name and as the hex value the
 * switch-role link's `color` parameter takes (https://signin.aws.amazon.com/switchrole?...&color=F2B0A9).
 */
export type ConsoleColor = 'red' | 'orange' | 'yellow' | 'green' | 'blue';

export const CONSOLE_COLORS: Record<ConsoleColor, string> = {
  red: 'F2B0A9',
  orange: 'FBBF93',
  yellow: 'FAD791',
  green: 'B7CA9D',
  blue: '99BCE3',
};

export const CONSOLE_COLOR_NAMES = Object.keys(CONSOLE_COLORS) as ConsoleColor[];

export function isConsoleColor(value: string): value is ConsoleColor {
  return Object.prototype.hasOwnProperty.call(CONSOLE_COLORS, value);
}
