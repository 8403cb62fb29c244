/**
 * The internet-facing Application Load Balancer in front of the services: with a certificate,
 * HTTP redirects to HTTPS and HTTPS routes; without one, HTTP routes. Requests go by host and/or
 * path to one target group per service (rule layout and priorities: ./listener-rules.ts), and
 * anything else to the default service or a 404. Targets are registered elsewhere: the instance group attaches its ASG to
 * `targetGroupArns`, and the stack opens it to this load balancer with `instanceGroup.allowFrom(loadBalancer)`.
 *
 * A service with a canary gets a second target group (`canaryTargetGroupArns`, for the canary's own instance
 * group), and everything that forwards to the service splits its requests between the two by weight.
 */
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule, LbListenerRuleAction, LbListenerRuleCondition } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { awsCanaryTargetGroupName, awsTargetGroupName } from "../../lib/naming";
import { parseIpv4Cidr } from "../../lib/cidr";
import { HealthCheckSettings, targetGroupHealthCheck } from "./health-check";
import { PropsError, propsFailure } from "../../lib/errors";
import { Connectable } from "./connections";
import { ALB_IDLE_TIMEOUT_SECONDS, ALB_TARGET_GROUPS_MAX, DEREGISTRATION_DELAY_SECONDS, ELB_NAME, ELB_NAME_MAX } from "./limits";
import { checkRouteOwners, planRules, serviceRoutes } from "./listener-rules";
import { describeRange, IntegerRange, isIntegerIn, PORT_RANGE } from "../../lib/range";
import { counted } from "../../lib/text";

/** ALB `load_balancing_algorithm_type` values this construct offers. */
export type LoadBalancingAlgorithm = "round_robin" | "least_outstanding_requests";

/** Share of a service's requests a canary may take: at most half, so the stable version always serves most. */
export const CANARY_WEIGHT_PERCENT: IntegerRange = { min: 1, max: 50 };

/** A new version of a service taking a share of its requests, next to the stable one. */
export interface CanaryRelease {
  /**
   * Percent of the service's requests (each request on its own, no stickiness) sent to the canary target
   * group, 1..50; the stable group gets the rest.
   */
  readonly weight: number;
}

/**
 * One backend service reached through the load balancer by host and/or path. A service with both
 * is reached when the host AND the path match; one with neither only as the `defaultService`.
 */
export interface LoadBalancedService {
  /**
   * Short service name (letters, digits, "-"); the target group is named "<lb name>-<service name>-<port>",
   * at most 32 characters, and `targetGroupArns` is keyed by it.
   */
  readonly name: string;

  /**
   * Host headers routed to this service, e.g. ["api.example.com", "*.example.com"]; "*" and "?" are
   * wildcards, and a wildcard host only gets what no exact host of any service matches. Compared
   * case-insensitively, at most 50. Several go into one listener rule, up to ALB's 5 values and
   * 5 wildcards per rule.
   * @default none: any host (then `paths` or `defaultService` say what reaches the service)
   */
  readonly hostnames?: string[];

  /**
   * Path patterns routed to this service (on its hostnames, or on any host without them), each
   * starting with "/": exact ("/health") or a prefix ending in "/*" ("/api/*", which matches
   * "/api/" and below but not "/api"); no other wildcard, as GCP URL maps accept none. Case-sensitive,
   * at most 128 characters of A-Z, a-z, 0-9 and _ - . $ / ~ " ' @ : + &. On a host, a path rule
   * comes before that host's host-only rules.
   * @default none: every path
   */
  readonly paths?: string[];

  /**
   * Port the instances listen on (plain HTTP from the load balancer), 1..65535.
   */
  readonly port: number;

  /**
   * The target group's health check.
   */
  readonly healthCheck: HealthCheckSettings;

  /**
   * Seconds a deregistering instance keeps its in-flight requests before being cut off (0..3600).
   * Shorter than AWS's 300 s so deployments and scale-in do not stall.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;

  /**
   * Sends `weight` percent of the service's requests to a second target group named
   * "<lb name>-<service name>-c<port>" (at most 32 characters; `canaryTargetGroupArns`), with the same
   * port, health check and settings, for the canary's own instances. Promote or drop the canary by
   * removing this: the rules go back to a plain forward and the canary group is destroyed.
   * @default none: every request goes to the service's target group
   */
  readonly canary?: CanaryRelease;
}

export interface LoadBalancerProps {
  /**
   * Name of the ALB (at most 32 of letters, digits and "-"); prefixes the target groups and security group.
   */
  readonly name: string;

  /**
   * VPC of the target groups and the load balancer's security group.
   */
  readonly vpcId: string;

  /**
   * Public subnets for the load balancer, at least two (in different availability zones, which AWS checks).
   */
  readonly subnetIds: string[];

  /**
   * ARN of the issued ACM certificate served by the HTTPS listener (e.g. `Certificate.certificateArn`).
   * Without it the load balancer serves plain HTTP: no HTTPS listener, the HTTP:80 listener routes
   * (instead of redirecting to HTTPS), and the security group admits port 80 only. Adding one
   * later replaces every listener rule (a rule cannot change listener); priorities are unique per
   * listener only, so the new rules cannot collide with the old ones.
   * @default none: HTTP only
   */
  readonly certificateArn?: string;

  /**
   * The services, at most 100 (target groups per ALB). The position of a service is part of its
   * listener rules' priorities, so append new ones: reordering or removing one in the middle
   * renumbers the rules after it, which can collide on a priority during apply. Precedence: exact
   * host + path, exact host, wildcard host + path, wildcard host, path on any host, then the
   * default action; earlier services first within each. Priorities, and what adding paths or
   * wildcards later does to existing rules, are described in ./listener-rules.ts.
   */
  readonly services: LoadBalancedService[];

  /**
   * Name of the service that gets every request no listener rule matches (the listener's default
   * action). It may also have hostnames or paths of its own.
   * @default none: unmatched requests get a fixed 404 "Not Found"
   */
  readonly defaultService?: string;

  /**
   * Seconds an idle connection stays open (1..4000); raise it for websockets or long polling.
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;

  /**
   * Request distribution within each target group (the target group's `load_balancing_algorithm_type`).
   * @default "round_robin"
   */
  readonly algorithm?: LoadBalancingAlgorithm;

  /**
   * Refuse deletion of the load balancer through the API (and so `terraform destroy`) until switched off.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * TLS negotiation policy of the HTTPS listener (only with `certificateArn`).
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.3 and 1.2 with forward-secret ciphers)
   */
  readonly sslPolicy?: string;

  /**
   * IPv4 ranges allowed to reach port 80, and 443 with `certificateArn`. IPv4 only: the load balancer is created with
   * `ip_address_type = "ipv4"`, so an IPv6 rule would never match.
   * @default ["0.0.0.0/0"]
   */
  readonly ingressCidrs?: string[];
}

const ALGORITHMS: readonly LoadBalancingAlgorithm[] = ["round_robin", "least_outstanding_requests"];

/** Why `name` is not a valid ALB or target group name, or undefined. */
function elbNameProblem(name: string): string | undefined {
  if (name.length > ELB_NAME_MAX) return `"${name}" is ${name.length} characters long (at most ${ELB_NAME_MAX})`;
  if (!ELB_NAME.test(name)) {
    return `"${name}" must be 1..${ELB_NAME_MAX} of letters, digits and "-", not starting or ending with "-"`;
  }
  return undefined;
}

/** The ALB, its listeners, target groups and routing rules, behind a security group open on 80 (and 443) only. */
export class LoadBalancer extends Construct implements Connectable {
  /** ARN of the load balancer. */
  readonly arn: string;
  /** Public DNS name, the target of alias records. */
  readonly dnsName: string;
  /** Route 53 zone id of the load balancer, for alias records. */
  readonly zoneId: string;
  /**
   * The load balancer's security group. It has no egress of its own: `instanceGroup.allowFrom(loadBalancer)`
   * admits it on the service port and adds the egress rule to those instances on it.
   */
  readonly securityGroupId: string;
  /**
   * ARN of the HTTPS:443 listener, which holds the routing rules (extra rules, certificates).
   * Undefined without `certificateArn`: there is no HTTPS listener, and `httpListenerArn` routes.
   */
  readonly httpsListenerArn?: string;
  /** ARN of the HTTP:80 listener: it redirects to HTTPS, or without `certificateArn` holds the routing rules. */
  readonly httpListenerArn: string;
  /** Target group ARN of each service, keyed by service name. */
  readonly targetGroupArns: Record<string, string>;
  /** Canary target group ARN of each service with a `canary`, keyed by service name. */
  readonly canaryTargetGroupArns: Record<string, string>;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const problem = (prop: string, what: string): Error => new PropsError("LoadBalancer", id, prop, what);
    const fail = propsFailure("LoadBalancer", id);

    const nameProblem = elbNameProblem(props.name);
    if (nameProblem) throw problem("name", nameProblem);
    if (props.name.toLowerCase().startsWith("internal-")) {
      throw problem("name", `"${props.name}" must not start with "internal-" (reserved by AWS)`);
    }
    if (!props.vpcId) throw problem("vpcId", "is empty (the id of the VPC holding the subnets)");
    if (props.subnetIds.length < 2) {
      throw problem("subnetIds", `has ${counted(props.subnetIds.length, "subnet")} (at least 2, in different availability zones)`);
    }
    const literalSubnets = props.subnetIds.filter((subnet) => !Token.isUnresolved(subnet));
    const repeatedSubnet = literalSubnets.find((subnet, index) => literalSubnets.indexOf(subnet) !== index);
    if (repeatedSubnet) throw problem("subnetIds", `"${repeatedSubnet}" is listed twice (distinct subnets)`);
    const certificateArn = props.certificateArn;
    if (certificateArn !== undefined) {
      if (!certificateArn) throw problem("certificateArn", "is empty (the ARN of an issued ACM certificate, or leave it out for HTTP only)");
      if (!Token.isUnresolved(certificateArn) && !certificateArn.startsWith("arn:")) {
        throw problem("certificateArn", `"${certificateArn}" is not an ARN (arn:aws:acm:...)`);
      }
    }

    const idleTimeout = props.idleTimeoutSeconds ?? 60;
    if (!isIntegerIn(idleTimeout, ALB_IDLE_TIMEOUT_SECONDS)) {
      throw problem("idleTimeoutSeconds", `${idleTimeout} is out of range (${describeRange(ALB_IDLE_TIMEOUT_SECONDS)})`);
    }
    const algorithm = props.algorithm ?? "round_robin";
    if (!ALGORITHMS.includes(algorithm)) {
      throw problem("algorithm", `"${algorithm}" is not supported ("round_robin" or "least_outstanding_requests")`);
    }
    if (props.sslPolicy !== undefined && certificateArn === undefined) {
      throw problem("sslPolicy", "applies only to the HTTPS listener (set certificateArn, or leave sslPolicy out)");
    }
    const sslPolicy = props.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06";
    if (!sslPolicy.startsWith("ELBSecurityPolicy-")) {
      throw problem("sslPolicy", `"${sslPolicy}" is not an ELB security policy name (ELBSecurityPolicy-...)`);
    }
    const ingressCidrs = props.ingressCidrs ?? ["0.0.0.0/0"];
    if (ingressCidrs.length === 0) throw problem("ingressCidrs", "is empty (at least one IPv4 CIDR, e.g. 0.0.0.0/0)");
    ingressCidrs.forEach((cidr, index) => {
      const parsed = parseIpv4Cidr(cidr);
      if ("error" in parsed) throw problem(`ingressCidrs[${index}]`, `${parsed.error} (IPv4 only: the load balancer has no IPv6 address)`);
      if (ingressCidrs.indexOf(cidr) !== index) throw problem(`ingressCidrs[${index}]`, `${cidr} is listed twice`);
    });

    if (props.services.length === 0) throw problem("services", "is empty (at least one service)");
    if (props.services.length > ALB_TARGET_GROUPS_MAX) {
      throw problem("services", `has ${props.services.length} entries (at most ${ALB_TARGET_GROUPS_MAX}: each has a target group, and an ALB routes to at most ${ALB_TARGET_GROUPS_MAX})`);
    }
    const canaries = props.services.filter((service) => service.canary !== undefined).length;
    if (props.services.length + canaries > ALB_TARGET_GROUPS_MAX) {
      throw problem(
        "services",
        `need ${props.services.length + canaries} target groups with their ${canaries} canaries (at most ${ALB_TARGET_GROUPS_MAX} per ALB: promote or drop a canary first)`,
      );
    }
    const defaultService = props.defaultService;
    if (defaultService !== undefined && !props.services.some((service) => service.name === defaultService)) {
      const names = props.services.map((service) => `"${service.name}"`).join(", ");
      throw problem("defaultService", `"${defaultService}" is not one of the services (${names})`);
    }
    const serviceIndex = new Map<string, number>();
    const services = props.services.map((service, index) => {
      const at = `services[${index}]`;
      if (serviceIndex.has(service.name)) {
        throw problem(`${at}.name`, `"${service.name}" is already used by services[${serviceIndex.get(service.name)}] (unique names)`);
      }
      serviceIndex.set(service.name, index);
      if (!ELB_NAME.test(service.name)) {
        throw problem(`${at}.name`, `"${service.name}" must be letters, digits and "-", not starting or ending with "-"`);
      }
      if (!isIntegerIn(service.port, PORT_RANGE)) {
        throw problem(`${at}.port`, `${service.port} is out of range (${describeRange(PORT_RANGE)})`);
      }
      const targetGroupName = awsTargetGroupName(props.name, service.name, service.port);
      const targetGroupProblem = elbNameProblem(targetGroupName);
      if (targetGroupProblem) throw problem(`${at}.name`, `target group name ${targetGroupProblem}`);
      const canary = service.canary;
      const canaryTargetGroupName = canary && awsCanaryTargetGroupName(props.name, service.name, service.port);
      if (canary) {
        if (!isIntegerIn(canary.weight, CANARY_WEIGHT_PERCENT)) {
          throw problem(`${at}.canary.weight`, `${canary.weight} is out of range (${describeRange(CANARY_WEIGHT_PERCENT)}: percent of the service's requests)`);
        }
        const canaryNameProblem = elbNameProblem(canaryTargetGroupName!);
        if (canaryNameProblem) throw problem(`${at}.canary`, `canary target group name ${canaryNameProblem}: shorten the service name`);
      }
      const deregistrationDelay = service.deregistrationDelaySeconds ?? 30;
      if (!isIntegerIn(deregistrationDelay, DEREGISTRATION_DELAY_SECONDS)) {
        throw problem(`${at}.deregistrationDelaySeconds`, `${deregistrationDelay} is out of range (${describeRange(DEREGISTRATION_DELAY_SECONDS)})`);
      }
      const routes = serviceRoutes(service, at, fail);
      let healthCheck;
      try {
        healthCheck = targetGroupHealthCheck(service.healthCheck);
      } catch (error) {
        if (!(error instanceof PropsError)) throw error;
        throw problem(`${at}.healthCheck`, `health check: ${error.prop}: ${error.problem}`);
      }
      return { ...service, targetGroupName, canaryTargetGroupName, routes, healthCheck, deregistrationDelay };
    });
    const names = services.map((service) => service.name);
    const routes = services.map((service) => service.routes);
    checkRouteOwners(names, routes, defaultService, fail);
    const rules = planRules(names, routes, fail);

    const securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.name}-alb`,
      description: "Internet-facing application load balancer",
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-alb` },
    });
    // Standalone rules only: egress to each service is added by that instance group's allowFrom,
    // so the group holds no blanket egress.
    const ports = certificateArn === undefined ? ([["http", 80]] as const) : ([["http", 80], ["https", 443]] as const);
    for (const cidr of ingressCidrs) {
      for (const [protocol, port] of ports) {
        new VpcSecurityGroupIngressRule(this, `ingress-${protocol}-${cidr.replace("/", "_")}`, {
          securityGroupId: securityGroup.id,
          description: `${protocol.toUpperCase()} from ${cidr}`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
          tags: { Name: `${props.name}-alb-${protocol}` },
        });
      }
    }

    const loadBalancer = new Lb(this, "alb", {
      name: props.name,
      loadBalancerType: "application",
      internal: false,
      ipAddressType: "ipv4",
      subnets: props.subnetIds,
      securityGroups: [securityGroup.id],
      dropInvalidHeaderFields: true,
      idleTimeout,
      enableDeletionProtection: props.deletionProtection ?? true,
      tags: { Name: props.name },
    });

    const targetGroup = (id: string, name: string, service: (typeof services)[number]): string =>
      new LbTargetGroup(this, id, {
        name,
        vpcId: props.vpcId,
        targetType: "instance",
        protocol: "HTTP",
        port: service.port,
        loadBalancingAlgorithmType: algorithm,
        deregistrationDelay: String(service.deregistrationDelay),
        healthCheck: service.healthCheck,
        tags: { Name: name },
        // A port change replaces the group; its name carries the port so the new one can come first.
        lifecycle: { createBeforeDestroy: true },
      }).arn;
    this.targetGroupArns = {};
    this.canaryTargetGroupArns = {};
    for (const service of services) {
      this.targetGroupArns[service.name] = targetGroup(`target-group-${service.name}`, service.targetGroupName, service);
      if (service.canaryTargetGroupName) {
        this.canaryTargetGroupArns[service.name] = targetGroup(`canary-target-group-${service.name}`, service.canaryTargetGroupName, service);
      }
    }
    // Stickiness stays off (ALB's default when the block is absent, which the provider does not diff), so every
    // request is weighed on its own and the canary's share of requests is its weight.
    const forwardTo = (service: string): LbListenerRuleAction => {
      const stable = this.targetGroupArns[service];
      const canary = props.services[serviceIndex.get(service)!].canary;
      if (!canary) return { type: "forward", targetGroupArn: stable };
      return {
        type: "forward",
        forward: {
          targetGroup: [
            { arn: stable, weight: 100 - canary.weight },
            { arn: this.canaryTargetGroupArns[service], weight: canary.weight },
          ],
        },
      };
    };

    // Without a defaultService, requests no rule matches get nothing: only declared routes reach a backend.
    const unmatched: LbListenerDefaultAction[] =
      defaultService === undefined
        ? [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not Found" } }]
        : [forwardTo(defaultService)];
    const httpListener = new LbListener(this, "http", {
      loadBalancerArn: loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction:
        certificateArn === undefined ? unmatched : [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      tags: { Name: `${props.name}-http` },
    });

    const httpsListener =
      certificateArn === undefined
        ? undefined
        : new LbListener(this, "https", {
            loadBalancerArn: loadBalancer.arn,
            port: 443,
            protocol: "HTTPS",
            certificateArn,
            sslPolicy,
            defaultAction: unmatched,
            tags: { Name: `${props.name}-https` },
          });
    const routingListener = httpsListener ?? httpListener;

    for (const rule of rules) {
      const condition: LbListenerRuleCondition[] = [];
      if (rule.hosts) condition.push({ hostHeader: { values: rule.hosts } });
      if (rule.paths) condition.push({ pathPattern: { values: rule.paths } });
      new LbListenerRule(this, rule.id, {
        listenerArn: routingListener.arn,
        priority: rule.priority,
        action: [forwardTo(names[rule.service])],
        condition,
        tags: { Name: `${props.name}-${names[rule.service]}-${rule.tagSuffix}` },
      });
    }

    this.arn = loadBalancer.arn;
    this.dnsName = loadBalancer.dnsName;
    this.zoneId = loadBalancer.zoneId;
    this.securityGroupId = securityGroup.id;
    this.httpsListenerArn = httpsListener?.arn;
    this.httpListenerArn = httpListener.arn;
  }
}
