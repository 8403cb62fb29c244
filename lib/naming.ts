/**
 * How stacks name cloud resources, shared by config validation (which checks the limits
 * before anything is synthesized) and the stacks (which apply the names).
 */

/** `<project>-<env>`: the prefix of every resource of one environment. */
export function resourcePrefix(project: string, environment: string): string {
  return `${project}-${environment}`;
}

/** Target group / backend names are `<prefix>-<service>`. */
export function serviceResourceName(prefix: string, service: string): string {
  return `${prefix}-${service}`;
}

/** AWS caps load balancer and target group names at 32 characters. */
export const AWS_LB_NAME_MAX = 32;
