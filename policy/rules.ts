/** Every rule of the policy pack, in report order: AWS, Google Cloud, then cloud-independent. */
import { ANY_RULES } from "./rules-any";
import { AWS_RULES } from "./rules-aws";
import { GCP_RULES } from "./rules-gcp";
import { PolicyRule } from "./types";

export const ALL_RULES: PolicyRule[] = [...AWS_RULES, ...GCP_RULES, ...ANY_RULES];
