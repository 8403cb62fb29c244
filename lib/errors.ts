/**
 * The two kinds of problem this project reports to users. Anything else thrown during synthesis
 * is a bug in the project and is reported as one (stacks/app.ts), never as a config problem.
 */

/** Problems in environment files: one line each, `<file>: <field.path>: <what> (<allowed>)`. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "ConfigError";
  }
}

/**
 * A construct was given props it cannot build, e.g. `Network 'network': cidr: 10.0.0.0/30 is too
 * small (/16 to /28)`. Thrown at construction, before any resource exists.
 */
export class PropsError extends Error {
  constructor(
    /** Construct class, e.g. "Network". */
    readonly construct: string,
    /** Construct id (or path) the props were given to. */
    readonly id: string,
    /** The offending prop, e.g. `services[0].port`. */
    readonly prop: string,
    readonly problem: string,
    /** What the prop accepts, when it helps to say. */
    readonly allowed?: string,
  ) {
    super(`${construct} '${id}': ${prop}: ${problem}${allowed === undefined ? "" : ` (${allowed})`}`);
    this.name = "PropsError";
  }
}

/** `fail(prop, problem, allowed?)` for one construct instance: throws a PropsError. */
export type PropsFailure = (prop: string, problem: string, allowed?: string) => never;

export function propsFailure(construct: string, id: string): PropsFailure {
  return (prop, problem, allowed) => {
    throw new PropsError(construct, id, prop, problem, allowed);
  };
}
