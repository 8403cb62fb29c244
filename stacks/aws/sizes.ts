/**
 * What the cloud-neutral sizes become on AWS, unless the aws section overrides them. Used by the
 * mapping (props.ts) and by the environment validation that checks image architectures.
 */
import { Size } from "../../environment/schema";

/** Cloud-neutral sizes → EC2 instance types. */
export const DEFAULT_INSTANCE_TYPES: Record<Size, string> = { small: "t3.small", medium: "t3.medium", large: "t3.large" };
/** Cloud-neutral sizes → RDS instance classes (Graviton burstable/general purpose). */
export const DEFAULT_DATABASE_CLASSES: Record<Size, string> = { small: "db.t4g.small", medium: "db.t4g.medium", large: "db.m6g.large" };
