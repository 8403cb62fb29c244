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

/**
 * `<load balancer name>-<service>-<port>`. The port is in the name because changing it replaces
 * the target group: with the port in the name the new group can be created before the old one
 * is destroyed (the listener rule and autoscaling group move over in between), where a fixed
 * name would collide, or fail with ResourceInUse while the rule still points at it.
 */
export function awsTargetGroupName(loadBalancerName: string, service: string, port: number): string {
  return `${loadBalancerName}-${service}-${port}`;
}

/**
 * `<load balancer name>-<service>-c<port>`: the canary's target group, beside the stable
 * "<load balancer name>-<service>-<port>", with the port in the name for the same reason.
 */
export function awsCanaryTargetGroupName(loadBalancerName: string, service: string, port: number): string {
  return `${loadBalancerName}-${service}-c${port}`;
}

/** `<cloud>-<env>`: the stack id, its cdktf.out directory and the default state's name. */
export function stackId(cloud: "aws" | "gcp", environment: string): string {
  return `${cloud}-${environment}`;
}

/** Default S3 state key of a stack: `<project>/<stack id>.tfstate`. */
export function defaultS3StateKey(project: string, stack: string): string {
  return `${project}/${stack}.tfstate`;
}

/** Default GCS state prefix of a stack: `<project>/<stack id>`. */
export function defaultGcsStatePrefix(project: string, stack: string): string {
  return `${project}/${stack}`;
}
