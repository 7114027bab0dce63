/** A setting or file a school's IT lead must fix; the message names the file, the key and the problem. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export function formatIssues(source: string, issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const lines = issues.map((issue) => `  - ${issue.path.length ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
  return `${source} is not valid:\n${lines.join("\n")}`;
}
