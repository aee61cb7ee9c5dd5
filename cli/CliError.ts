/** A command's failure as the user sees it: what went wrong and what to do (printed as "fix:"). */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}
