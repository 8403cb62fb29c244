/**
 * Checks that relate several environment files (issue 12): each file is fine on its own, but two
 * of them would share a Terraform state object or the names of their resources. Run on the
 * validated specs of one configuration directory; each line starts with the file to change.
 */
import { resourcePrefix } from "../lib/naming";
import { EnvironmentSpec } from "./schema";
import { defaultGcsStatePrefix, defaultS3StateKey, stackId } from "../lib/naming";

/** One line per problem, `<file>: <field>: <what is wrong> (<what is allowed>)`; the later file (in the given order) is named first. */
export function checkAcrossFiles(environments: EnvironmentSpec[]): string[] {
  const lines: string[] = [];
  const stateOwner = new Map<string, EnvironmentSpec>();
  const prefixOwner = new Map<string, EnvironmentSpec>();
  for (const environment of environments) {
    for (const state of stateObjects(environment)) {
      const owner = stateOwner.get(state.id);
      if (owner) {
        lines.push(`${environment.file}: ${state.field}: "${state.shown}" is also the state of ${owner.file} (each stack needs its own state object)`);
      } else {
        stateOwner.set(state.id, environment);
      }
    }
    const prefix = resourcePrefix(environment.project, environment.name);
    const owner = prefixOwner.get(prefix);
    if (owner) {
      lines.push(
        `${environment.file}: project: "${environment.project}" with environment "${environment.name}" names resources "${prefix}-…", ` +
          `as ${owner.file} does (project "${owner.project}", environment "${owner.name}") (each environment needs its own prefix: change project or rename a file)`,
      );
    } else {
      prefixOwner.set(prefix, environment);
    }
  }
  return lines;
}

interface StateObject {
  /** What identifies the object for comparison. */
  readonly id: string;
  /** The field that chooses it (set or defaulted). */
  readonly field: string;
  /** `<bucket>/<key or prefix>` as the user sees it. */
  readonly shown: string;
}

/** The remote state objects of an environment's stacks, with the defaults the stacks apply (lib/naming.ts). */
export function stateObjects(environment: EnvironmentSpec): StateObject[] {
  const objects: StateObject[] = [];
  const aws = environment.aws?.backend;
  if (aws?.type === "s3") {
    const key = aws.key ?? defaultS3StateKey(environment.project, stackId("aws", environment.name));
    objects.push({ id: `s3://${aws.bucket}/${key}`, field: "aws.backend.key", shown: `${aws.bucket}/${key}` });
  }
  const gcp = environment.gcp?.backend;
  if (gcp?.type === "gcs") {
    const prefix = gcp.prefix ?? defaultGcsStatePrefix(environment.project, stackId("gcp", environment.name));
    // The gcs backend trims a leading "/" and adds a trailing one: "a/b", "/a/b" and "a/b/" are one prefix.
    objects.push({ id: `gs://${gcp.bucket}/${prefix.replace(/^\/+|\/+$/g, "")}`, field: "gcp.backend.prefix", shown: `${gcp.bucket}/${prefix}` });
  }
  return objects;
}
