/** Every rule of the policy pack, in report order: AWS, Google Cloud, cloud-independent, then dated ones. */
import { ANY_RULES } from "./rules-any";
import { AWS_RULES } from "./rules-aws";
import { GCP_RULES } from "./rules-gcp";
import { LIFECYCLE_RULES } from "./rules-lifecycle";
import { PolicyRule } from "./types";

export const ALL_RULES: PolicyRule[] = [...AWS_RULES, ...GCP_RULES, ...ANY_RULES, ...LIFECYCLE_RULES];
