/** One proof that a rule fires: a minimal violating fixture and the exact finding it must produce. */
import { Construct } from "constructs";
import { FixtureCloud } from "./support";

export interface FiringCase {
  rule: string;
  /** What the fixture shows, for the test name. */
  name: string;
  /** The provider the stack gets; "none" when the fixture declares its own provider. */
  cloud: FixtureCloud;
  production?: boolean;
  build: (scope: Construct) => void;
  /** Terraform type of the violating resource ("provider" for a provider block). */
  type: string;
  /** Construct path of the violating resource, relative to the stack. */
  resource: string;
  detail: string;
}
